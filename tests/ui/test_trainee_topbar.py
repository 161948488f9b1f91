"""A trainee's top bar names them as a trainee, not as a counselor (found trying the app as a new user)."""

from __future__ import annotations

from curhat_tui.bootstrap import build_practice
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app
from tests.conftest import START, TEST_KEY, screen_text


async def test_the_trainee_is_named_as_such_in_both_languages(tmp_path, data):
    for lang, said in (("id", "Peserta: Peserta latihan"), ("en", "Trainee: Peserta latihan")):
        parts = build_practice(tmp_path / lang, data=data, clock=FakeClock(START), seed=7, name="Peserta latihan",
                               role="trainee", key=TEST_KEY, lang=lang)
        app = build_app(parts, lang=lang)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.main.tick()
            await pilot.pause()
            text = screen_text(app)
            assert said in text and "Konselor: Peserta" not in text and "Counselor: Peserta" not in text
        parts.store.close()
