"""Shared fixtures: every test gets its own data dir, a frozen clock and an in-memory keyring."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend

from curhat_tui.bootstrap import build_practice
from curhat_tui.config.datafiles import load_all
from curhat_tui.domain.clock import FakeClock
from curhat_tui.ui.app import build_app

START = 1_790_000_000.0  # a fixed moment: 2026-09-21 21:53:20 WIB
TEST_KEY = "7e" * 32  # the shared fixtures keep their stores encrypted, as the app does


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture(scope="session", autouse=True)
def toml_cache_dir(tmp_path_factory):
    """Parsed data files (config.toml_cache) are kept for the run in a temporary folder, never the user's cache."""
    previous = os.environ.get("CURHAT_CACHE_DIR")
    os.environ["CURHAT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("CURHAT_CACHE_DIR", None)
    else:
        os.environ["CURHAT_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch, tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("CURHAT_DATA_DIR", str(tmp_path / "env-data"))
    yield
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def data():
    return load_all()


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def parts(tmp_path, data, clock):
    built = build_practice(tmp_path / "data", data=data, clock=clock, seed=7, speed=0, name="Ani", key=TEST_KEY)
    yield built
    built.store.close()


@pytest.fixture
def make_app(parts):
    """Build the app over `parts`; call again after `reopen` to simulate a restart."""

    def make(p=None, lang="id"):
        return build_app(p or parts, lang=lang)

    return make


def screen_text(app) -> str:
    """Everything on the screen as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def until_shown(pilot, predicate, timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds: a real-time timer (the note's autosave) that fires late on a
    loaded machine is waited for instead of raced by a fixed pause. Fails after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"still not true after {timeout:g} s"
        await pilot.pause(0.05)


def palette_offers(app, words: str) -> bool:
    """The command palette's highlighted entry (what Enter runs) contains `words`: its search gathers results in
    batches a quarter of a second apart, so a test waits for this instead of pausing a fixed time."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found or found.first().highlighted is None:
        return False
    listed = found.first()
    return words.lower() in str(listed.get_option_at_index(listed.highlighted).prompt).lower()


async def accept_top(pilot):
    """Ctrl+N takes the client at the top of the queue; the chat pane it opens."""
    await pilot.press("ctrl+n")
    await pilot.pause()
    await pilot.pause()
    return pilot.app.main.active_pane


async def client_says(pilot, parts, pane, text: str) -> None:
    """The client of `pane` writes `text` through the practice channel, and the app has taken it in."""
    from curhat_tui.channels.base import MessageReceived

    parts.channel.emit(MessageReceived(pane.session.id, text, parts.clock.now()))
    await pilot.pause()


def suggested(data, text: str, item: str, imminent: bool, kind: str = ""):
    """The detector suggests `item` for `text` (and calls it imminent when `imminent`), with the words it rests on."""
    found = data.phrases.detect(text)
    assert item in found.items, (kind, found.items, found.scores)
    if imminent:
        assert found.imminent, (kind, found.scores)
    assert found.evidence, "a suggestion always shows the words that carried it"
    return found


def quiet(data, text: str):
    """The detector suggests nothing for `text` and calls nothing imminent."""
    found = data.phrases.detect(text)
    assert found.items == () and not found.imminent, (found.items, found.scores)
    return found


def case_text(case) -> str:
    """The sentence of a test case: a plain sentence, a tuple ending in one, or a pytest.param of either."""
    values = case.values if hasattr(case, "values") else case
    return values if isinstance(values, str) else values[-1]


def in_the_corpus(corpus_texts: frozenset[str], cases) -> list[str]:
    """The sentences of `cases` (plain, tuples ending in one, or pytest.params of either) that the corpus or a held-out
    set already holds (`corpus_texts`): a round's test sentences must be none of them, or it would judge what was
    trained."""
    return [text for text in map(case_text, cases) if text.lower() in corpus_texts]


def risk_case(kind: str, item: str, imminent: bool, text: str, marks: pytest.MarkDecorator | tuple = ()):
    """One risk sentence of a round's test file, named by its kind: (kind, item, imminent, text)."""
    return pytest.param(kind, item, imminent, text, marks=marks, id=kind)


def known_false_alarm(round_: str, why: str) -> pytest.MarkDecorator:
    """A benign line of a round's red team (kept out of training) that the shipped detector still flags: a strict
    xfail, so the test fails the day the line stays quiet, and the mark comes off then."""
    return pytest.mark.xfail(strict=True, reason=f"known false alarm of the {round_} round's red team: {why}")


def known_miss(round_: str, why: str) -> pytest.MarkDecorator:
    """A test sentence written before a round's model was run on it that the shipped detector gets wrong (a miss, a
    missing imminent call, or a false alarm on a look-alike): a strict xfail, so the test fails the day the detector
    gets it right, and the mark comes off then."""
    return pytest.mark.xfail(strict=True, reason=f"known miss of the {round_} round: {why}")
