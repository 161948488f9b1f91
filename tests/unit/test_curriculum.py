"""The curriculum file and its rules: every red-flag item has a step, criteria on unknown figures are refused
when the file is read, and a step passes only on measured figures."""

from __future__ import annotations

from dataclasses import replace

import pytest

from curhat_tui.config.curriculum import load_curriculum, persona_trains
from curhat_tui.config.data_file import DataError
from curhat_tui.domain.curriculum import FIGURES, CurriculumError, judge, parse, parse_criterion
from curhat_tui.domain.feedback import analyse
from curhat_tui.services.curriculum import figures

PERSONAS = {"rara": "", "bayu": "suicide"}
FLAGS = {"suicide", "abuse"}


def test_the_shipped_curriculum_loads_and_covers_every_red_flag_item(data):
    curriculum = load_curriculum(data)
    trained = {step.trains for step in curriculum.steps}
    assert {item.id for item in data.redflags.items} <= trained
    assert curriculum.steps[0].trains == ""  # listening first
    for step in curriculum.steps:  # every step has a client to practise with; a hidden-risk step, its variants
        fits = [p for p in data.personas.values()
                if (p.id == step.persona if step.persona else persona_trains(p) == step.trains)]
        assert len(fits) >= (2 if step.trains else 1), step.id
    for step in curriculum.steps:  # a trainee's title never names the risk
        for word in ("bunuh", "suicide", "abuse", "kekerasan", "psikosis", "psychosis", "melukai", "harm"):
            assert word not in step.title["id"].casefold() and word not in step.title["en"].casefold(), step.id


def test_an_unknown_figure_is_refused_when_the_file_is_read(data, tmp_path):
    (tmp_path / "curriculum.toml").write_text(
        '[[step]]\nid = "a"\ntitle = "A"\nfocus = "A"\npersona = "rara"\npass = ["reflection_ratio >= 1"]\n\n'
        '[[step]]\nid = "b"\ntitle = "B"\nfocus = "B"\npersona = "rara"\npass = ["empathy_score >= 3"]\n',
        encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_curriculum(data, tmp_path)
    assert caught.value.line == 8 and "empathy_score" in str(caught.value) and "step 2 (b)" in str(caught.value)


@pytest.mark.parametrize(("text", "problem"), [
    ("flagged >= 1", "true or false"), ("advice == true", "number"), ("advice ~ 1", "op one of"),
    ("nothing == 2", "unknown figure")])
def test_bad_criteria_say_what_is_wrong(text, problem):
    with pytest.raises(CurriculumError, match=problem):
        parse_criterion(text)


def test_a_step_must_fit_its_persona_and_name_known_items():
    step = {"id": "s", "title": "t", "focus": "f", "pass": ["advice <= 1"]}
    with pytest.raises(CurriculumError, match="trains 'suicide'"):
        parse({"step": [{**step, "persona": "bayu"}]}, personas=PERSONAS, flags=FLAGS)
    with pytest.raises(CurriculumError, match="unknown persona"):
        parse({"step": [{**step, "persona": "nobody"}]}, personas=PERSONAS, flags=FLAGS)
    with pytest.raises(CurriculumError, match="not a red-flag item"):
        parse({"step": [{**step, "trains": "ghosts"}]}, personas=PERSONAS, flags=FLAGS)


def test_a_figure_not_measured_fails_its_criterion(data):
    curriculum = parse({"step": [{"id": "s", "title": "t", "focus": "f", "persona": "bayu", "trains": "suicide",
                                  "pass": ["flagged == true", "screener_correct == true"]}]},
                       personas=PERSONAS, flags=FLAGS)
    step = curriculum.steps[0]
    assert not judge(step, {"flagged": True}).passed  # screener_correct not measured: not passed
    assert judge(step, {"flagged": True, "screener_correct": True}).passed
    assert not judge(step, {"flagged": True, "screener_correct": False}).passed
    assert curriculum.next_step({"s"}) is None and curriculum.next_step(set()) is step


def test_every_figure_a_criterion_may_name_is_given_for_a_report(data):
    report = analyse([], data.personas["bayu"])
    values = figures(report, {"suicide"})
    assert set(values) == set(FIGURES)
    assert values["flagged"] is True and values["turns"] == 0
    assert figures(replace(report, hidden_flag=""), set())["flagged"] is None  # no hidden risk: not measured


def test_curhat_refuses_to_start_with_a_broken_curriculum(tmp_path, monkeypatch, capsys):
    from curhat_tui.cli import run
    from curhat_tui.cli.args import build_parser
    from curhat_tui.config import curriculum

    shipped = (curriculum.data_dir() / "curriculum.toml").read_text(encoding="utf-8")
    (tmp_path / "curriculum.toml").write_text(shipped.replace('"advice <= 1"', '"kindness >= 3"', 1),
                                              encoding="utf-8")
    monkeypatch.setattr(curriculum, "data_dir", lambda: tmp_path)
    monkeypatch.setattr(run, "_launch", lambda *a, **k: pytest.fail("the app started"))
    assert run.run_main(build_parser().parse_args(["--data-dir", str(tmp_path / "d")])) == 2
    err = capsys.readouterr().err
    assert "cannot start, a data file is broken" in err and "kindness" in err and "step 1 (listening)" in err
