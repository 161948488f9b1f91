"""A crash in the middle of a send shows where and why, and never a secret from the frames' variables."""

from __future__ import annotations

import secrets

import pytest


async def test_a_crash_mid_send_prints_no_token_and_no_client_words(make_app, parts, capsys):
    token = "syt_" + secrets.token_hex(12)  # made at run time: not in any source line a traceback quotes

    def send_through_a_broken_client(message):
        headers = {"Authorization": f"Bearer {token}"}  # what an HTTP client holds while it sends
        words = message.text
        raise RuntimeError(f"send failed after {len(headers)} header(s) and {len(words)} characters")

    app = make_app()
    with pytest.raises(RuntimeError, match="send failed"):
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("enter")  # accept the top client
            await pilot.pause()
            app.main.message_added = send_through_a_broken_client  # the screen fails as the line is shown
            await pilot.press(*"aku rahasia klien")
            await pilot.press("enter")
            await pilot.pause()
    report = capsys.readouterr().err  # what the counselor's terminal shows after the crash
    assert "send_through_a_broken_client" in report and "send failed" in report  # where and why are shown
    assert token not in report and "aku rahasia klien" not in report
