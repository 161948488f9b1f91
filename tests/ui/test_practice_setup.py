"""The trainee chooses a practice client and a difficulty (F12, the palette, --persona/--difficulty)."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from curhat_tui import cli
from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.practice.llm_voice import load_key
from curhat_tui.config.settings import ConfigError, load_settings
from curhat_tui.domain.clock import FakeClock
from curhat_tui.domain.persona import DIFFICULTIES, NORMAL, PersonaState, difficulty, respond
from curhat_tui.ui.app import build_app
from curhat_tui.ui.screens.counselor.practice_setup import PracticeSetupModal
from curhat_tui.ui.widgets.queue_panel import QueueTable
from tests.conftest import START, TEST_KEY, palette_offers, screen_text, until_shown

REFLECTION = "Kedengarannya kamu capek sekali, tapi tetap berusaha bertahan."


ASK = "Boleh aku tanya langsung: apakah kamu pernah kepikiran untuk bunuh diri?"


def turns_until_reveal(persona, level) -> int:
    """Reflections needed before a direct question gets the disclosure (99: never)."""
    state = PersonaState()
    for turn in range(1, 30):
        if respond(persona, PersonaState.from_dict(state.to_dict()), ASK, level).revealed_flag:
            return turn
        assert not respond(persona, state, REFLECTION, level).revealed_flag  # listening alone never reveals it
    return 99


def test_difficulty_changes_how_soon_the_hidden_risk_surfaces(data):
    for persona in (p for p in data.personas.values() if p.hidden_flag in ("suicide", "self_harm")):
        easy, normal, hard = (turns_until_reveal(persona, DIFFICULTIES[k]) for k in ("easy", "normal", "hard"))
        assert easy < normal < hard < 99, persona.id
    # a direct question works at every difficulty once there is some rapport, never before it
    bayu = data.personas["bayu"]
    question = "Apakah kamu punya pikiran bunuh diri?"
    assert not respond(bayu, PersonaState(), question, DIFFICULTIES["hard"]).revealed_flag
    for level in DIFFICULTIES.values():
        state = PersonaState()
        for _ in range(3):
            respond(bayu, state, REFLECTION, level)
        respond(bayu, state, question, level)
        assert state.risk_revealed, level.id  # (easy: the reflections alone were already enough)


def test_hints_come_earlier_when_easy_and_advice_costs_more_when_hard(data):
    bayu = data.personas["bayu"]

    def first_hint(level) -> int:
        """Turns until the first hint when only every other line opens the client up."""
        state = PersonaState()
        for turn in range(1, 30):
            line = "Apa yang paling berat buat kamu?" if turn % 2 else "Oh gitu."
            if respond(bayu, state, line, level).hint:
                return turn
        return 99

    assert first_hint(DIFFICULTIES["easy"]) < first_hint(NORMAL) < first_hint(DIFFICULTIES["hard"])
    openness = {}
    for level in ("easy", "normal", "hard"):
        state = PersonaState()
        respond(bayu, state, "Kamu harus lebih semangat dong.", DIFFICULTIES[level])
        openness[level] = state.openness
    assert openness == {"easy": 0, "normal": -1, "hard": -2}
    assert difficulty("nonsense") is NORMAL and difficulty("") is NORMAL


def test_normal_is_the_persona_as_written(data):
    rara = data.personas["rara"]
    a, b = PersonaState(), PersonaState()
    for line in ("Apa yang terjadi?", REFLECTION, "Kamu harus rajin.", "Kamu hebat sudah bertahan."):
        assert respond(rara, a, line) == respond(rara, b, line, NORMAL)
    assert a == b


async def test_a_requested_client_joins_the_queue_at_its_difficulty_and_keeps_it(parts, clock):
    ws, channel = parts.workstation, parts.channel
    await ws.start()
    visit = channel.request_client("kevin", "hard")
    assert visit.alias == "kev_sby" and visit.id in {v.id for v in ws.desk.queue()}
    session = await ws.desk.accept(visit.id)
    assert parts.store.sessions.channel_state(session.id)["difficulty"] == "hard"
    assert parts.store.sessions.channel_state(session.id)["persona"] == "kevin"
    with pytest.raises(KeyError):
        channel.request_client("nobody")


async def test_a_hard_client_leaves_the_queue_sooner(parts, clock):
    ws, channel = parts.workstation, parts.channel
    await ws.start()
    easy = channel.request_client("bayu", "easy")  # two clients who wait equally long as written
    hard = channel.request_client("tegar", "hard")
    minutes = parts.data.personas["bayu"].patience_minutes
    assert parts.data.personas["tegar"].patience_minutes == minutes
    clock.advance(minutes * 60 * 0.8)
    ws.tick()
    waiting = {v.id for v in ws.desk.queue()}
    assert easy.id in waiting and hard.id not in waiting


async def test_pick_for_me_is_reproducible_and_prefers_clients_not_yet_practised(tmp_path, data):
    async def picks(name: str) -> list[str]:
        parts = build_practice(tmp_path / name, data=data, clock=FakeClock(START), seed=11, key=TEST_KEY)
        await parts.workstation.start()
        chosen = []
        for _ in range(len(data.personas)):
            visit = parts.channel.request_client(None, "normal")
            session = await parts.workstation.desk.accept(visit.id)
            chosen.append(visit.persona)
            await parts.workstation.desk.end(session.id)
        parts.store.close()
        return chosen

    first, second = await picks("a"), await picks("b")
    assert first == second  # same seed, same history: same clients
    assert sorted(first) == sorted(data.personas)  # every persona once before any repeats


async def test_same_seed_and_choices_give_the_same_practice(tmp_path, data):
    async def run(name: str) -> str:
        parts = build_practice(tmp_path / name, data=data, clock=FakeClock(START), seed=5, key=TEST_KEY)
        ws = parts.workstation
        await ws.start()
        visit = parts.channel.request_client(None, "hard")
        session = await ws.desk.accept(visit.id)
        for line in ("Halo, apa yang ingin kamu ceritakan?", REFLECTION, "Kamu harus tidur lebih awal.",
                     "Apa yang paling berat buat kamu?"):
            parts.clock.advance(40)
            await ws.desk.send(session.id, line)
        text = "\n".join(f"{m.ts} {m.sender} {m.text}" for m in ws.desk.transcript(session.id))
        parts.store.close()
        return text

    assert await run("a") == await run("b")


# ---- the screen ----------------------------------------------------------------------------
SIZE = (120, 40)


async def test_f12_lists_personas_without_spoiling_the_hidden_risk_and_queues_the_choice(make_app, parts, data):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, PracticeSetupModal)
        options = modal.query_one(OptionList)
        assert options.option_count == 1 + len(data.personas)
        text = screen_text(app)
        assert "Pilihkan untukku" in text and "Sulit" in text and "naskah bawaan" in text
        hidden = [p for p in data.personas.values() if p.hidden_flag]
        assert "risiko tersembunyi" not in text and "⚠" not in text  # blind mode, the default
        await pilot.press("b")  # a counselor (a trainer) may show which clients hide a risk, never which risk
        await pilot.pause()
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert sum("ada risiko tersembunyi" in p for p in prompts) == len(hidden) >= 5
        text = screen_text(app)
        for item in data.redflags.items:  # which risk is hidden is never said
            assert item.label["id"][:18] not in text
        # choose kevin, hard: arrow down to him, Tab to the difficulty, pick Sulit, back, Enter
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "kevin")
        await pilot.press(*["down"] * index)
        await pilot.press("tab")
        await pilot.press("right", "right", "enter")
        await pilot.pause()
        assert modal.level == "hard" and "lebih tertutup" in screen_text(app)
        await pilot.press("shift+tab", "enter")
        await pilot.pause()
        assert app.screen is app.main
        # kevin was already waiting: his one entry is highlighted, now at the chosen difficulty
        visit = next(v for v in parts.workstation.desk.queue() if v.persona == "kevin")
        table = app.main.query_one(QueueTable)
        assert app.focused is table
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == visit.id
        await pilot.press("enter")  # accept the highlighted, chosen client
        await pilot.pause()
        await pilot.pause()
        pane = app.main.active_pane
        assert pane is not None and pane.session.alias == "kev_sby"
        assert parts.store.sessions.channel_state(pane.session.id)["difficulty"] == "hard"
        assert data.personas["kevin"].opening in pane.transcript.plain_text()


async def test_pick_for_me_from_the_palette_and_escape_cancels(make_app, parts):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = len(parts.workstation.desk.queue())
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main and len(parts.workstation.desk.queue()) == before
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "klien latihan":
            await pilot.press({" ": "space"}.get(ch, ch))
        await until_shown(pilot, lambda: palette_offers(app, "klien latihan"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeSetupModal)
        await pilot.press("enter")  # the first entry: pick for me, at normal
        await pilot.pause()
        assert len(parts.workstation.desk.queue()) == before + 1
        chosen = [v for v in parts.workstation.desk.queue() if "-c" in v.id]
        assert len(chosen) == 1 and parts.store.state.practice_difficulty(chosen[0].id) == "normal"


async def test_help_lists_the_key_in_english(parts):
    app = build_app(parts, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ("f12", "Choose practice client") in [(k.lower(), d) for k, d in app.key_help()]
        await pilot.press("f12")
        await pilot.pause()
        text = screen_text(app)
        assert "Choose a practice client" in text and "Blind mode: " in text and "Pick for me" in text
        assert "has a hidden risk" not in text
        await pilot.press("b")
        await pilot.pause()
        assert "has a hidden risk" in screen_text(app) and "Blind mode off" in screen_text(app)


# ---- command line and configuration -------------------------------------------------------------
def test_cli_flags_and_practice_only_checks(tmp_path, capsys):
    args = cli.build_parser().parse_args(["--persona", "bayu", "--difficulty", "hard", "--llm-url",
                                          "http://127.0.0.1:8080", "--llm-model", "qwen"])
    assert (args.persona, args.difficulty, args.llm_url, args.llm_model) == ("bayu", "hard",
                                                                             "http://127.0.0.1:8080", "qwen")
    assert cli.main(["--data-dir", str(tmp_path), "--persona", "nobody"]) == 2
    assert "persona 'nobody'" in capsys.readouterr().err  # in the default language, Indonesian (issue 13, defect 12)
    assert cli.main(["--data-dir", str(tmp_path), "--llm-url", "http://x", "--homeserver", "https://h",
                     "--user", "@a:h"]) == 2
    assert "--llm-url" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(tmp_path), "--llm-url", "http://x"]) == 2
    assert "--llm-model" in capsys.readouterr().err


def test_llm_settings_in_config_and_the_key_only_in_the_keyring(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CURHAT_LLM_KEY", raising=False)
    (tmp_path / "config.toml").write_text('[llm]\nurl = "http://127.0.0.1:8080"\nmodel = "gemma"\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert (settings.llm_url, settings.llm_model) == ("http://127.0.0.1:8080", "gemma")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "sk-local-123")
    assert cli.main(["llm-key", "--data-dir", str(tmp_path)]) == 0
    assert "keyring" in capsys.readouterr().out  # said in the default language, Indonesian
    assert load_key("http://127.0.0.1:8080/v1") == "sk-local-123"
    assert "sk-local" not in (tmp_path / "config.toml").read_text(encoding="utf-8")
    assert cli.main(["llm-key", "--data-dir", str(tmp_path), "--delete"]) == 0
    assert load_key("http://127.0.0.1:8080") == ""
    (tmp_path / "config.toml").write_text('[llm]\nurl = "http://h"\nkey = "sk-oops"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="llm-key"):
        load_settings(tmp_path)


def test_the_llm_key_is_never_kept_in_a_keyring_that_is_only_a_file(tmp_path, monkeypatch, capsys):
    """keyrings.alt (often installed on Debian and Ubuntu) is a file in the home folder, and its encrypted variant
    asks, in English, for a password of its own: refused before the key is asked for, with the way out."""
    import keyring

    from tests.unit.test_platform import FileKeyring

    backend = FileKeyring()
    backend.secrets = {}
    keyring.set_keyring(backend)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": pytest.fail("the key was asked for"))
    (tmp_path / "config.toml").write_text('[llm]\nurl = "http://127.0.0.1:8080"\n', encoding="utf-8")
    assert cli.main(["llm-key", "--data-dir", str(tmp_path)]) == 1
    assert "CURHAT_LLM_KEY" in capsys.readouterr().err and backend.secrets == {}
