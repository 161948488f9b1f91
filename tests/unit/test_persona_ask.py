"""What a practice client hears in a counselor's message: an introduction of oneself or the service asks nothing
(found walking the app: "Halo, aku Konselor..." drew the client's yes to a referral nobody had offered)."""

from __future__ import annotations

import pytest

from curhat_tui.domain.persona_ask import assessment_of


@pytest.mark.parametrize("text", [
    "Halo, aku Konselor. Kedengarannya kerjaan WFH bikin kamu capek banget ya.",
    "Halo, aku Ani, konselor yang nemenin kamu hari ini.",
    "Selamat malam, saya Budi, relawan pendamping di layanan ini. Mau cerita apa?",
    "Terima kasih sudah menghubungi layanan kami ya. Gimana kabarmu?",
    "Hi, I'm Sari, a volunteer listener here. What's on your mind?",
    "Thanks for reaching out to our service. How are you feeling?",
])
def test_an_introduction_asks_no_assessment_question(text):
    assert assessment_of(text) == ""


@pytest.mark.parametrize(("text", "key"), [
    ("Gimana kalau aku bantu hubungkan kamu ke psikolog di puskesmas?", "referral_yes"),
    ("Aku Ani, konselor di sini. Kamu mau nggak kalau dirujuk ke psikiater?", "referral_yes"),
    ("Pernah ke psikolog atau layanan lain sebelumnya?", "professionals"),
    ("Would you be willing to see a therapist?", "referral_yes"),
    ("Aku konselor di sini. Apakah kamu pernah kepikiran bunuh diri?", "q2"),
])
def test_a_question_after_or_without_an_introduction_is_still_heard(text, key):
    assert assessment_of(text) == key
