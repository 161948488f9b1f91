"""The optional LLM voice: the streaming client against a real local server, the checks, and practice with it."""

from __future__ import annotations

import asyncio
import time

import pytest

from curhat_tui.bootstrap import build_practice
from curhat_tui.channels.practice.llm_voice import (
    ChatClient,
    LLMConfig,
    LLMError,
    LLMVoice,
    chat_url,
    delete_key,
    load_key,
    save_key,
)
from curhat_tui.domain.models import Sender
from curhat_tui.domain.persona import PersonaState, check_voiced, first_line, locked_lines, voice_prompt
from curhat_tui.services.events import ClientTyping
from curhat_tui.ui.app import build_app
from tests.conftest import TEST_KEY, screen_text
from tests.support.fake_llm import Error, FakeLLM, Stream, chunk, reply_events

HELLO = "halo kak, aku lagi pusing banget nih, boleh cerita ya"


@pytest.fixture
async def llm():
    server = await FakeLLM().start()
    yield server
    await server.close()


def client_for(server: FakeLLM, **config) -> ChatClient:
    return ChatClient(LLMConfig(server.url, "fake-model", **config))


# ---- the streaming client -------------------------------------------------------------------
async def test_stream_with_done_and_usage_in_the_last_chunk(llm):
    llm.then(Stream([": keep-alive\n\n", *[f"data: {e}\n\n" for e in reply_events(HELLO)]], raw_lines=True))
    client = ChatClient(LLMConfig(llm.url + "/v1", "fake-model", key="s3cret"))
    pieces: list[str] = []
    completion = await client.complete([{"role": "user", "content": "hi"}], on_text=pieces.append)
    await client.aclose()
    assert completion.text == HELLO and len(pieces) == 3
    assert completion.finish_reason == "stop" and completion.usage["total_tokens"] == 62
    assert llm.paths == ["/v1/chat/completions"]
    assert llm.headers[0]["authorization"] == "Bearer s3cret"
    body = llm.requests[0]
    assert body["stream"] is True and body["model"] == "fake-model" and body["messages"][0]["content"] == "hi"


async def test_stream_without_done_and_usage_in_its_own_chunk(llm):
    llm.then(Stream(reply_events(HELLO, usage="own", done=False)))
    client = client_for(llm)
    completion = await client.complete([{"role": "user", "content": "hi"}])
    await client.aclose()
    assert completion.text == HELLO and completion.usage["completion_tokens"] == 12
    assert "authorization" not in llm.headers[0]  # no key configured: none sent


async def test_an_event_split_over_several_data_lines_is_joined(llm):
    first, second = '{"choices": [{"delta": {"content": "iya "},', ' "finish_reason": null}]}'
    llm.then(Stream([f"data: {first}\ndata: {second}\n\n", f"data: {chunk('kak', finish='stop')}\n\n",
                     "data: [DONE]\n\n"], raw_lines=True))
    client = client_for(llm)
    completion = await client.complete([])
    await client.aclose()
    assert completion.text == "iya kak"


@pytest.mark.parametrize(("status", "kind"), [(500, "http"), (401, "auth")])
async def test_http_errors_are_reported_by_kind(llm, status, kind):
    llm.then(Error(status))
    client = client_for(llm)
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == kind and str(status) in str(caught.value)


async def test_a_stall_mid_stream_times_out_quickly(llm):
    llm.then(Stream([chunk("halo "), 5.0, chunk("kak", finish="stop"), "[DONE]"]))
    client = client_for(llm, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == "timeout" and time.monotonic() - started < 3


async def test_a_malformed_json_line_fails_the_attempt(llm):
    llm.then(Stream([chunk("halo "), '{"choices": [{"delta": {"content": "ka', chunk(finish="stop"), "[DONE]"]))
    client = client_for(llm)
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == "malformed"


async def test_a_stream_cut_before_the_end_is_truncated(llm):
    llm.then(Stream([chunk("halo "), chunk("ka")]))
    client = client_for(llm)
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == "truncated"


async def test_an_error_object_in_the_stream_fails_the_attempt(llm):
    llm.then(Stream([chunk("halo "), '{"error": {"message": "model overloaded"}}']))
    client = client_for(llm)
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == "server" and "overloaded" in str(caught.value)


async def test_nobody_listening_is_a_connect_error():
    client = ChatClient(LLMConfig("http://127.0.0.1:9", "m", connect_timeout=1))
    with pytest.raises(LLMError) as caught:
        await client.complete([])
    await client.aclose()
    assert caught.value.kind == "connect"


def test_the_endpoint_is_found_from_any_form_of_the_url():
    for url in ("http://h:8080", "http://h:8080/", "http://h:8080/v1", "http://h:8080/v1/chat/completions"):
        assert chat_url(url) == "http://h:8080/v1/chat/completions"


def test_the_key_lives_in_the_keyring_with_the_environment_as_fallback(monkeypatch):
    monkeypatch.delenv("CURHAT_LLM_KEY", raising=False)
    assert load_key("http://h:8080") == ""
    monkeypatch.setenv("CURHAT_LLM_KEY", "from-env")
    assert load_key("http://h:8080") == "from-env"
    save_key("http://h:8080/v1", "from-keyring")
    assert load_key("http://h:8080") == "from-keyring"  # same server, however the URL is written
    assert delete_key("http://h:8080") and not delete_key("http://h:8080")
    assert load_key("http://h:8080") == "from-env"


# ---- what the model may know and say ------------------------------------------------------------
def test_only_disclosed_facts_reach_the_prompt(data):
    rara = data.personas["rara"]
    state = PersonaState(revealed=2)
    prompt = "\n".join(m["content"] for m in voice_prompt(rara, state, "iya kak...", "id",
                                                          [("counselor", "Apa yang bikin kamu berat?")]))
    for fact in rara.facts[:2]:
        assert fact.text in prompt
    for locked in rara.facts[2:]:
        assert locked.text not in prompt
    bayu = data.personas["bayu"]
    everything_but_the_risk = PersonaState(revealed=len(bayu.facts))
    hidden = "\n".join(m["content"] for m in voice_prompt(bayu, everything_but_the_risk, "hmm", "id", []))
    assert bayu.risk.reveal not in hidden and "bunuh" not in hidden.lower()


def test_checks_reject_locked_facts_wrong_language_length_and_new_risk(data):
    rara = data.personas["rara"]
    state = PersonaState(revealed=1)
    ok = "iya kak, aku pusing banget sama skripsi, rasanya mandek terus"
    assert check_voiced(rara, state, ok, "iya kak...", "id") == ""
    assert check_voiced(rara, state, "ortuku di Makassar nanya terus kapan aku wisuda", "iya kak...", "id") == "locked"
    assert check_voiced(rara, state, "yes, I am so tired of my thesis and I don't know what to do",
                        "iya kak...", "id") == "language"
    assert check_voiced(rara, state, "yes, I am so tired of my thesis", "iya kak...", "en") == ""
    assert check_voiced(rara, state, "iya kak " * 60, "iya kak...", "id") == "too_long"
    assert check_voiced(rara, state, "  ", "iya kak...", "id") == "empty"
    assert check_voiced(rara, state, "iya kak, kadang aku pengen mati aja rasanya", "iya kak...", "id",
                        risk_items=data.phrases.items) == "risk"
    bayu = data.personas["bayu"]
    assert check_voiced(bayu, PersonaState(revealed=len(bayu.facts)), "kadang aku kepikiran bunuh diri kak",
                        bayu.neutral[0], "id") == "locked"


async def test_a_reply_with_a_locked_fact_is_rejected_twice_then_the_scripted_line_is_used(llm, data):
    rara = data.personas["rara"]
    leak = rara.facts[3].text  # Makassar, the plane ticket: not told yet
    llm.default = Stream(reply_events(leak))
    voice = LLMVoice(LLMConfig(llm.url, "fake-model"))
    result = await voice.phrase(rara, PersonaState(revealed=1), rara.neutral[0], "id", [])
    await voice.aclose()
    assert result.voiced is False and result.text == rara.neutral[0]
    assert result.failures == ["locked", "locked"] and len(llm.requests) == 2


async def test_a_second_attempt_that_passes_is_used(llm, data):
    rara = data.personas["rara"]
    llm.then(Stream(reply_events("honestly I feel so stuck with my thesis and I don't know")),
             Stream(reply_events("<think>be brief</think>iya kak, aku ngerasa mandek banget")))
    voice = LLMVoice(LLMConfig(llm.url, "fake-model"))
    result = await voice.phrase(rara, PersonaState(revealed=1), rara.neutral[0], "id", [])
    await voice.aclose()
    assert result.voiced and result.text == "iya kak, aku ngerasa mandek banget"
    assert result.failures == ["language"] and result.tokens == 124


# ---- practice with a voice ------------------------------------------------------------------
def voiced_practice(tmp_path, data, clock, server: FakeLLM, name: str = "data"):
    voice = LLMVoice(LLMConfig(server.url, "fake-model", read_timeout=2), risk_items=data.phrases.items)
    return build_practice(tmp_path / name, data=data, clock=clock, seed=7, speed=0, key=TEST_KEY, voice=voice)


async def start_with(parts, persona_id: str = "rara"):
    """Start the workstation and open a session with this persona (no hidden flag: every line may be voiced)."""
    await parts.workstation.start()
    visit = parts.channel.request_client(persona_id)
    return await parts.workstation.desk.accept(visit.id)


def well_behaved(server: FakeLLM):
    """A model that says a short, harmless Indonesian line, numbered by the request it answers."""
    return lambda doc: Stream(reply_events(f"iya kak, makasih udah nanya ({len(server.requests)})"))


async def test_locked_facts_never_reach_the_model_during_a_session(tmp_path, data, clock, llm):
    llm.default = well_behaved(llm)
    parts = voiced_practice(tmp_path, data, clock, llm)
    ws = parts.workstation
    session = await start_with(parts)
    persona = data.personas["rara"]
    lines = ["Apa yang bikin kamu pengen cerita hari ini?", "Kedengarannya kamu capek sekali dan tetap bertahan.",
             "Kamu sudah berusaha keras, itu tidak mudah.", "Apa yang paling berat buat kamu?"]
    seen_locked: list[list[str]] = []
    for line in lines:
        await ws.desk.send(session.id, line)
        engine = PersonaState.from_dict(parts.store.sessions.channel_state(session.id)["engine"])
        seen_locked.append(locked_lines(persona, engine))
        await parts.channel.settle()
    await ws.stop()
    prompts = ["\n".join(m["content"] for m in body["messages"]) for body in llm.requests]
    assert len(prompts) == 1 + len(lines)  # the greeting and one per counselor message
    for prompt, locked in zip(prompts[1:], seen_locked):
        for text in locked:
            assert text not in prompt
    engine = PersonaState.from_dict(parts.store.sessions.channel_state(session.id)["engine"])
    assert engine.revealed >= 2 and persona.facts[0].text in prompts[-1]  # what was told may be used
    client = [m.text for m in ws.desk.transcript(session.id) if m.sender is Sender.CLIENT]
    assert client[0].startswith("iya kak, makasih udah nanya")
    parts.store.close()


async def test_a_leaking_model_falls_back_and_the_session_stops_asking_it(tmp_path, data, clock, llm):
    parts = voiced_practice(tmp_path, data, clock, llm)
    ws = parts.workstation
    persona = data.personas["rara"]
    llm.default = Stream(reply_events(persona.facts[-1].text))  # the last, most private fact, from the start
    session = await start_with(parts)
    await parts.channel.settle()
    await ws.desk.send(session.id, "Apa kabar?")
    await parts.channel.settle()
    client = [m.text for m in ws.desk.transcript(session.id) if m.sender is Sender.CLIENT]
    assert client[0] == first_line(persona, 21)  # two rejected answers: the scripted greeting (21:53 WIB)
    assert persona.facts[-1].text not in client
    assert len(llm.requests) == 4
    assert parts.store.sessions.channel_state(session.id)["voice"]["off"] is True
    await ws.desk.send(session.id, "Boleh cerita lebih banyak?")
    await parts.channel.settle()
    assert len(llm.requests) == 4  # voice off for this session: straight to the script
    assert ws.desk.transcript(session.id)[-1].sender is Sender.CLIENT
    await ws.stop()
    parts.store.close()


async def test_a_wrong_key_switches_the_voice_off_for_the_run(tmp_path, data, clock, llm):
    llm.default = Error(401, '{"error": {"message": "invalid api key"}}')
    parts = voiced_practice(tmp_path, data, clock, llm)
    ws = parts.workstation
    session = await start_with(parts)
    await parts.channel.settle()
    await ws.desk.send(session.id, "Apa kabar?")
    await parts.channel.settle()
    assert len(llm.requests) == 1 and parts.channel.voice.disabled == "auth"
    assert [m.sender for m in ws.desk.transcript(session.id)][-1] is Sender.CLIENT
    await ws.stop()
    parts.store.close()


async def test_the_client_types_while_the_model_works_and_a_restart_keeps_the_scripted_line(
        tmp_path, data, clock, llm):
    def slow(doc):
        return Stream([chunk("iya kak"), 0.4, chunk(", pelan-pelan ya", finish="stop"), "[DONE]"])

    llm.default = slow
    parts = voiced_practice(tmp_path, data, clock, llm)
    ws = parts.workstation
    typing: list[bool] = []
    ws.listen(lambda event: typing.append(event.typing) if isinstance(event, ClientTyping) else None)
    session = await start_with(parts)
    persona = data.personas["rara"]
    await asyncio.sleep(0.1)
    assert ws.desk.typing.get(session.id) is True  # typing while the model streams
    assert parts.store.sessions.channel_state(session.id)["pending"][0]["text"] == first_line(persona, 21)  # safe to quit
    assert ws.desk.transcript(session.id) == []
    await parts.channel.settle()
    assert [m.text for m in ws.desk.transcript(session.id)] == ["iya kak, pelan-pelan ya"]
    assert typing[-1] is False
    await ws.stop()
    parts.store.close()


async def test_the_model_voices_the_client_on_screen(tmp_path, data, clock, llm):
    llm.default = well_behaved(llm)
    parts = voiced_practice(tmp_path, data, clock, llm)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await parts.channel.settle()
        await pilot.pause()
        pane = app.main.active_pane
        assert "iya kak, makasih udah nanya (1)" in pane.transcript.plain_text()
        for ch in "Apa yang bikin kamu pengen cerita?":
            await pilot.press({" ": "space"}.get(ch, ch))
        await pilot.press("enter")
        await pilot.pause()
        await parts.channel.settle()
        await pilot.pause()
        assert "iya kak, makasih udah nanya (2)" in pane.transcript.plain_text()
        assert "nanya (2)" in screen_text(app)  # wrapped in the 120-column pane
    parts.store.close()


async def test_the_setup_screen_says_which_voice_speaks_and_where_it_fell_back(tmp_path, data, clock, llm):
    llm.default = Error(500)
    parts = voiced_practice(tmp_path, data, clock, llm)
    app = build_app(parts)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        await parts.channel.settle()
        await pilot.pause()
        pane = app.main.active_pane
        persona = data.personas[parts.store.sessions.channel_state(pane.session.id)["persona"]]
        assert persona.opening in pane.transcript.plain_text()  # a server error: the scripted greeting
        await pilot.press(*"Halo", "enter")
        await pilot.pause()
        await parts.channel.settle()
        await pilot.press("f12")
        await pilot.pause()
        text = screen_text(app)
        assert "fake-model" in text and f"Sesi {pane.session.alias} kembali ke naskah" in text
    parts.store.close()


async def test_an_english_speaking_client_is_voiced_in_english(tmp_path, data, clock, llm):
    """tasha writes English (lang = "en") although the desk runs in Indonesian: her session is in English, the
    model is asked for English and an English rephrasing passes the language check (it was asked for Indonesian
    and rejected)."""
    llm.default = Stream(reply_events("hey, thanks for asking. it's been a rough week honestly"))
    parts = voiced_practice(tmp_path, data, clock, llm)
    session = await start_with(parts, "tasha")
    assert session.lang == "en"
    await parts.channel.settle()
    prompts = ["\n".join(m["content"] for m in body["messages"]) for body in llm.requests]
    assert prompts and "in casual English" in prompts[0]
    client = [m.text for m in parts.workstation.desk.transcript(session.id) if m.sender is Sender.CLIENT]
    assert client[0] == "hey, thanks for asking. it's been a rough week honestly"
    await parts.workstation.stop()
    parts.store.close()
