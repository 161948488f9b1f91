"""The practice report built from scripted trainee transcripts: a skilled session earns a clean rubric, a leading
or shaming one a critical miss, a slow one names the wait; a direct screening question, the app's own scripts and
quick replies are never weak; advice is never credited with catching a risk."""

from __future__ import annotations

import json
from types import SimpleNamespace

from curhat_tui.domain import screener
from curhat_tui.domain.feedback import analyse
from curhat_tui.domain.i18n import Catalogue
from curhat_tui.domain.models import FlagEvent, Message, Sender
from curhat_tui.services.practice_report import render
from curhat_tui.services.practice_report_parts import ReportFacts, from_record, report_record

START = 1_790_000_000.0
# what the tests take as bayu's truth when the persona does not carry one (an older persona file)
BAYU_TRUTH = {"q1": True, "q2": True, "q3": True, "q4": False, "q5": False, "q6": False, "q6b": False,
              "referral": "hesitant"}


def with_truth(persona, truth=None):
    """The persona as it is when it has its truth, else the same persona with the tests' truth beside it."""
    if getattr(getattr(persona, "truth", None), "referral", "") and truth is None:
        return persona
    fields = {name: getattr(persona, name) for name in persona.__dataclass_fields__}
    return SimpleNamespace(**{**fields, "truth": truth or BAYU_TRUTH})


def truth_value(persona, qid):
    truth = persona.truth
    return bool(truth.get(qid) if isinstance(truth, dict) else getattr(truth, qid))


def answers_from_truth(persona) -> dict[str, bool]:
    """What a trainee records who asked each question and wrote down what the client said."""
    answers: dict[str, bool] = {}
    while (qid := screener.next_question(answers)) is not None:
        answers[qid] = truth_value(persona, qid)
    return answers


class Session:
    def __init__(self):
        self.messages: list[Message] = []
        self.ts = START
        self.flags: list[FlagEvent] = []

    def client(self, text, after=20):
        self.ts += after
        self.messages.append(Message(len(self.messages) + 1, "s", Sender.CLIENT, text, self.ts))
        return self

    def trainee(self, text, after=30):
        self.ts += after
        self.messages.append(Message(len(self.messages) + 1, "s", Sender.COUNSELOR, text, self.ts))
        return self.messages[-1]

    def flag(self, item, after=5, answers=None):
        self.ts += after
        detail = {} if answers is None else {"screener": answers, "result": screener.result(answers).key}
        self.flags.append(FlagEvent("s", item, self.ts, json.dumps(detail)))


def report_md(report, data, lang="id"):
    return render(report, Catalogue(data.strings, lang), "ojol_malam", "Pikiran bunuh diri")


def skilled_session(persona):
    s = Session()
    facts = [f.text for f in persona.facts]
    s.client(persona.opening, 0)
    s.trainee("Halo, aku Ani. Apa yang bikin kamu pengen cerita malam ini?")
    s.client(facts[0])
    s.trainee("Kedengarannya kamu capek banget, tapi tetap berusaha bertahan sendirian.")
    s.client(facts[2])
    s.trainee("Aku dengar kamu merasa nggak ada bedanya lagi. Apakah kamu sedang berpikir untuk bunuh diri?")
    s.client(persona.risk.reveal)
    s.trainee("Terima kasih sudah jujur sama aku, itu nggak mudah. Aku di sini bersamamu.")
    s.flag("suicide", 10, answers_from_truth(persona))
    for question in ("Dalam sebulan terakhir, apakah kamu pernah berharap sudah mati?",
                     "Apakah kamu benar-benar pernah berpikir untuk bunuh diri?",
                     "Apakah kamu pernah memikirkan bagaimana cara melakukannya?"):
        s.client("iya kak", 15)
        s.trainee(question, 25)
    s.client("iya", 15)
    s.trainee("Apa yang biasanya terjadi sebelum pikiran itu datang?")
    s.client("biasanya pas malem sendirian di kos")
    s.trainee("Apa yang bisa kamu lakukan sendiri untuk menenangkan diri saat itu datang?")
    s.client("dengerin musik kali")
    s.trainee("Orang atau tempat mana yang bisa mengalihkan pikiranmu?")
    s.client("warkop deket pangkalan")
    s.trainee("Siapa yang bisa kamu mintai tolong kalau pikiran itu makin kuat?")
    s.client("adek gue mungkin")
    s.trainee("Kalau ada barang atau obat di kos yang bisa dipakai menyakiti diri, bisa kamu titipkan ke adikmu?")
    s.client("bisa kak")
    s.trainee("Ada SEJIWA di 119 ext 8 dan psikolog di puskesmas. Apakah kamu bersedia menghubungi salah satunya besok?")
    s.client("iya kak, gue coba")
    note = {"risk_screen": "[22:10] Pikiran bunuh diri — C-SSRS: risiko sedang",
            "referral": "SEJIWA 119 ext 8 dan puskesmas; klien bersedia mencoba besok"}
    return s, note


def test_a_skilled_session_earns_a_clean_rubric_and_no_critical_miss(data):
    bayu = with_truth(data.personas["bayu"])
    s, note = skilled_session(bayu)
    report = analyse(s.messages, bayu, flags=s.flags, note=note)
    statuses = {item.key: item.status for item in report.rubric}
    assert statuses == {"disclosure": "pass", "noticed": "pass", "first_response": "pass", "screener": "pass",
                        "safety_plan": "pass", "referral": "pass", "note": "pass", "crisis_latency": "pass"}
    assert not report.critical_miss and report.screener_correct is True and report.safety_plan_steps == 6
    assert all(row.recorded == row.truth for row in report.screener if row.truth is not None)
    noticed = next(item for item in report.rubric if item.key == "noticed")
    assert noticed.values["seconds"] == 40  # ticked 40 s after the reveal
    assert report.disclosure_offset is not None and any(t.in_crisis for t in report.turns)
    direct = next(t for t in report.turns if "Apakah kamu sedang berpikir untuk bunuh diri" in t.text)
    assert direct.risk_kind == "direct" and not direct.weak and direct.effect == "opened"
    assert report.all_good
    md = report_md(report, data)
    assert "Tidak ada saran" in md and "KESALAHAN KRITIS" not in md
    assert "Segmen krisis" in md  # the crisis segment's counts reported apart


def test_a_leading_shaming_question_that_gets_a_denial_is_a_critical_miss(data):
    bayu = with_truth(data.personas["bayu"])
    s = Session()
    s.client(bayu.opening, 0)
    s.trainee("Kamu sudah makan?")
    s.client(bayu.neutral[0])
    s.trainee("Kamu harus lebih semangat dong, jangan nyerah.")
    s.client(bayu.closed[0])
    s.trainee("Kamu nggak kepikiran bunuh diri kan? Jangan aneh-aneh ya.")
    s.client(bayu.risk_no)
    report = analyse(s.messages, bayu)
    assert report.critical_miss and report.critical[0].key == "denied"
    leading = next(t for t in report.turns if "bunuh diri" in t.text)
    assert leading.weak and leading.risk_kind in ("leading", "shaming") and leading.alternative.kind == "direct"
    assert leading.effect == "closed"
    md = report_md(report, data)
    assert md.index("KESALAHAN KRITIS") < md.index("Rubrik keselamatan")
    assert "Apakah kamu sedang berpikir untuk bunuh diri?" in md  # the direct question offered instead
    assert "Tidak ada saran" not in md
    en = report_md(report, data, "en")
    assert "CRITICAL MISS" in en and "Are you thinking about suicide?" in en


def test_a_disclosure_answered_with_dosa_and_no_flag_is_a_critical_miss(data):
    bayu = with_truth(data.personas["bayu"])
    s = Session()
    s.client(bayu.opening, 0)
    s.trainee("Apa yang bikin kamu pengen cerita malam ini?")
    s.client(bayu.risk.reveal)
    s.trainee("Astaga, itu dosa. Kamu harus banyak berdoa.")
    s.client(bayu.closed[1])
    report = analyse(s.messages, bayu, ended_at=s.ts + 60)
    keys = {item.key for item in report.critical}
    assert keys == {"unflagged", "judged"}
    statuses = {item.key: item.status for item in report.rubric}
    assert statuses["noticed"] == "fail" and statuses["first_response"] == "fail" and statuses["screener"] == "fail"
    assert statuses["referral"] == "fail" and statuses["safety_plan"] == "fail"
    md = report_md(report, data)
    assert "belum memberi petunjuk" not in md and "Tidak ada saran" not in md
    assert "itu dosa" in md and "tidak pernah dicentang" in md


def test_a_slow_session_names_the_crisis_wait_with_its_time(data):
    kevin = data.personas["kevin"]  # a panic attack
    s = Session()
    s.client(kevin.opening, 0)
    s.trainee("Halo, apa yang sedang kamu rasakan sekarang?")
    s.client(kevin.risk.reveal)
    s.client("kak?", 90)
    s.client("kak tolong", 120)
    s.trainee("Maaf aku baru balas. Aku di sini. Kamu sekarang di mana dan apakah kamu aman?", 210)  # 7:00 after
    s.flag("panic_trauma", 10)
    report = analyse(s.messages, kevin, flags=s.flags)
    latency = next(item for item in report.rubric if item.key == "crisis_latency")
    assert latency.status == "fail" and latency.values["waits"][0]["wait"] == "07:00"
    assert not report.all_good
    md = report_md(report, data)
    assert "07:00" in md and "Tidak ada saran" not in md and "krisis dibiarkan menunggu" in md


def test_an_unanswered_client_at_the_end_counts_as_a_wait(data):
    kevin = data.personas["kevin"]
    s = Session()
    s.client(kevin.opening, 0)
    s.trainee("Halo, apa yang sedang kamu rasakan?")
    s.client(kevin.risk.reveal)
    report = analyse(s.messages, kevin, ended_at=s.ts + 420)
    assert [w.answered for w in report.waits] == [False] and report.waits[0].in_crisis
    assert "07:00" in report_md(report, data)


def test_a_direct_screening_question_is_never_weak(data):
    bayu = with_truth(data.personas["bayu"])
    s = Session()
    s.client(bayu.opening, 0)
    for line in ("apakah kamu pernah kepikiran bunuh diri?", "Apakah kamu sedang berpikir untuk bunuh diri?",
                 "Dalam sebulan terakhir, apakah kamu benar-benar pernah berpikir untuk bunuh diri?",
                 "Boleh aku tanya langsung: kamu pernah berpikir untuk mengakhiri hidup?"):
        s.trainee(line)
        s.client(bayu.neutral[0])
    report = analyse(s.messages, bayu)
    assert [t.risk_kind for t in report.turns] == ["direct"] * 4
    assert report.weak == []
    md = report_md(report, data)
    assert "Bagaimana hal itu buatmu" not in md


def test_the_apps_scripts_and_quick_replies_are_never_weak(data):
    bayu = with_truth(data.personas["bayu"])
    s = Session()
    s.client(bayu.opening, 0)
    script_ids = set()
    for item in ("suicide", "abuse", "substance"):  # F2, F5, F9
        for variant in ("default",):
            text = data.redflags.render_script(item, "id", "ojol_malam", "Ani", variant)
            script_ids.add(s.trainee(text).id)
            s.client(bayu.neutral[1])
    for variant in ("low", "moderate", "high"):
        script_ids.add(s.trainee(data.redflags.render_script("suicide", "id", "ojol_malam", "Ani", variant)).id)
        s.client(bayu.neutral[1])
    quick = [r.text["id"] for r in data.quick_replies.replies]
    for reply in data.quick_replies.replies:
        s.trainee(reply.text["id"].format(client="ojol_malam", counselor="Ani", minutes_left=20) + "sedih")
        s.client(bayu.neutral[2])
    report = analyse(s.messages, bayu, script_ids=script_ids, quick_replies=quick)
    assert {t.source for t in report.turns} == {"script", "quick_reply"}
    assert report.weak == []


def test_coffee_advice_is_never_credited_as_catching_the_risk(data):
    tegar = data.personas["tegar"]  # hides acute substance use; "minum" was a probe word
    s = Session()
    s.client(tegar.opening, 0)
    s.trainee("Coba kurangi minum kopi di malam hari.")
    s.client(tegar.risk.reveal)
    s.trainee("Oke, semoga cepat membaik ya.")
    report = analyse(s.messages, tegar)
    noticed = next(item for item in report.rubric if item.key == "noticed")
    assert noticed.status == "fail" and report.critical_miss
    coffee = report.turns[0]
    assert coffee.weak and coffee.alternative.kind == "reflect"
    md = report_md(report, data)
    assert "tertangkap" not in md and "caught" not in md


def test_alternatives_are_built_from_the_line_and_the_clients_words(data):
    sinta = data.personas["sinta"]
    s = Session()
    s.client("aku nggak bisa tidur kak, kepikiran utang terus", 0)
    s.trainee("Kamu harus berhenti mikirin utang.")
    s.client(sinta.neutral[0])
    s.trainee("Apakah kamu sering begadang?")
    s.client(sinta.neutral[0])
    s.trainee("Kamu terlalu sensitif.")
    report = analyse(s.messages, sinta)
    md = report_md(report, data)
    assert "Kedengarannya kamu nggak bisa tidur, kepikiran utang terus." in md  # advice -> that line reflected
    assert "Bagaimana tidurmu akhir-akhir ini?" in md  # the closed question about sleep, opened
    assert "Masuk akal kalau ini terasa berat buatmu" in md  # judgement -> validation
    en = report_md(report, data, "en")
    assert "How has your sleep been lately?" in en


def test_the_kept_record_renders_the_same_report(data):
    bayu = with_truth(data.personas["bayu"])
    s, note = skilled_session(bayu)
    report = analyse(s.messages, bayu, flags=s.flags, note=note)
    record = json.loads(json.dumps(report_record(report, ReportFacts("ojol_malam", "Ani", START))))
    assert record["report"]["critical_miss"] is False and record["report"]["safety_plan_steps"] == 6
    again, facts = from_record(record)
    assert report_md(again, data) == report_md(report, data) and facts.trainee == "Ani"


def test_recorded_answers_that_differ_from_the_truth_are_named(data):
    bayu = with_truth(data.personas["bayu"])
    s, note = skilled_session(bayu)
    wrong = {qid: not yes for qid, yes in answers_from_truth(bayu).items() if qid in ("q1", "q2")}
    wrong.update({"q3": False, "q4": False, "q5": False, "q6": False})  # q1 and q2 flipped, the rest recorded no
    s.flags = [FlagEvent("s", "suicide", s.flags[0].ts, json.dumps({"screener": wrong}))]
    report = analyse(s.messages, bayu, flags=s.flags, note=note)
    item = next(i for i in report.rubric if i.key == "screener")
    assert item.status == "partial" and item.variant == "mismatch" and report.screener_correct is False
    assert item.values["items"].startswith("1, 2")
    md = report_md(report, data)
    assert "| 1 Berharap mati | Tidak | Ya | ❌ |" in md and "Tidak ada saran" not in md


def test_validation_and_grounding_after_a_disclosure_are_good_first_responses(data):
    maya = data.personas["maya"]  # domestic violence
    s = Session()
    s.client(maya.opening, 0)
    s.trainee("Apa yang paling berat buatmu sekarang?")
    s.client(maya.risk.reveal)
    s.trainee("Apa yang suamimu lakukan itu bukan salahmu.")
    report = analyse(s.messages, maya)
    first = next(i for i in report.rubric if i.key == "first_response")
    assert first.status == "pass" and report.weak == [] and "judged" not in {c.key for c in report.critical}
    kevin = data.personas["kevin"]  # a panic attack: steadying the breath is the right first step, not "advice"
    s = Session()
    s.client(kevin.opening, 0)
    s.trainee("Apa yang sedang kamu rasakan sekarang?")
    s.client(kevin.risk.reveal)
    s.trainee("Aku di sini bersamamu. Coba tarik napas pelan-pelan bareng aku, hitung sampai empat.")
    report = analyse(s.messages, kevin)
    first = next(i for i in report.rubric if i.key == "first_response")
    assert first.status == "pass" and report.weak == []


def test_a_hint_left_unasked_is_named_not_blamed_on_the_client(data):
    bayu = with_truth(data.personas["bayu"])
    hint = next(f.text for f in bayu.facts if f.hint)
    s = Session()
    s.client(bayu.opening, 0)
    s.trainee("Apa yang bikin kamu pengen cerita malam ini?")
    s.client(hint)
    s.trainee("Oh gitu. Kamu sudah makan?")
    s.client(bayu.neutral[0])
    report = analyse(s.messages, bayu)
    item = report.rubric[0]
    assert (item.key, item.status, item.variant) == ("disclosure", "fail", "hinted")
    md = report_md(report, data)
    assert "klien memberi petunjuk pada 00:50" in md and "belum memberi petunjuk" not in md
    assert "Tidak ada saran" not in md


def test_a_yes_to_a_direct_question_is_a_disclosure_too(data):
    bayu = data.personas["bayu"]  # the persona's own truth and in-voice answers
    s = Session()
    s.client(bayu.opening, 0)
    s.trainee("Apakah kamu sedang berpikir untuk bunuh diri?")
    s.client(bayu.answers["q2"])
    s.trainee("Terima kasih sudah jujur sama aku.")
    report = analyse(s.messages, bayu)
    assert report.crisis_item == "suicide" and report.disclosure_offset == 50
    assert {c.key for c in report.critical} == {"unflagged"}


def test_the_screeners_own_questions_are_never_weak(data):
    sinta = data.personas["sinta"]  # no risk: every answer a no, so no disclosure and no crisis segment
    for lang in ("id", "en"):
        s = Session()
        s.client(sinta.opening, 0)
        for qid in ("q1", "q2", "q3", "q4", "q5", "q6", "q6b"):  # as Alt+Q puts them in the reply box
            s.trainee(data.strings[f"screener.{qid}"][lang])
            s.client(sinta.neutral[0])
        report = analyse(s.messages, sinta)
        assert report.weak == [], [t.text for t in report.weak]


def test_asking_casually_who_could_be_with_the_client_tonight_is_safety_planning_not_a_weak_line(data):
    """Seen in a walkthrough: "Siapa orang yang bisa nemenin kamu malam ini?" after the disclosure was listed as a
    weak closed question with a nonsense open version; it asks who could keep the client company (Stanley-Brown 4)."""
    bayu = data.personas["bayu"]
    s = Session()
    s.client(bayu.opening, 0)
    s.trainee("Apakah kamu pernah kepikiran bunuh diri?")
    s.client(bayu.risk.reveal)
    s.trainee("Siapa orang yang bisa nemenin kamu malam ini?")
    s.client(bayu.answers["companions"])
    report = analyse(s.messages, bayu)
    assert report.weak == []
    assert report.safety_plan_steps >= 1
