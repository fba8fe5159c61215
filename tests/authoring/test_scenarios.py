"""`khidma test`: the seed services' scenarios pass and cover every condition, one test
per scenario; a wrong expectation fails with a readable diff; scenario files are not
definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from khidma.cli import main
from khidma.definitions.loader import load
from khidma.scenarios import Outcome
from khidma.scenarios import Scenario
from khidma.scenarios import coverage
from khidma.scenarios import find_scenario_files
from khidma.scenarios import read_scenarios
from khidma.scenarios import run_file
from khidma.scenarios import run_scenario

SERVICES = Path(__file__).resolve().parents[2] / "services.d"
DEFINITIONS = {d.id: d for d in load([SERVICES]).services}


def _seed_scenarios() -> list[tuple[str, Scenario]]:
    found = []
    for path in find_scenario_files([SERVICES]):
        scenarios, problems = read_scenarios(path)
        assert problems == [] and scenarios is not None, problems
        found.extend((scenarios.service, s) for s in scenarios.scenarios)
    return found


SEED_SCENARIOS = _seed_scenarios()


@pytest.mark.parametrize(
    ("service", "scenario"),
    SEED_SCENARIOS,
    ids=[f"{service}:{s.line}" for service, s in SEED_SCENARIOS],
)
def test_seed_scenario(service: str, scenario: Scenario) -> None:
    outcome = run_scenario(DEFINITIONS[service], scenario)
    assert outcome.passed, outcome.report()


@pytest.mark.parametrize("service", sorted(DEFINITIONS))
def test_every_seed_service_has_scenarios_covering_its_conditions(service: str) -> None:
    files = [p for p in find_scenario_files([SERVICES]) if p.name.startswith(f"{service}.")]
    assert files, f"no scenario file for {service} (services.d/scenarios/{service}.scenarios.yaml)"
    outcomes: list[Outcome] = []
    for path in files:
        scenarios, _ = read_scenarios(path)
        assert scenarios is not None
        found, problems = run_file(scenarios, DEFINITIONS)
        assert problems == []
        outcomes.extend(found)
    assert coverage(DEFINITIONS[service], outcomes) == []


WRONG = """\
service: emirate_visit
today: 2026-11-23
identity: {national_id: "1000000008", full_name_ar: محمد عبدالله سعد القحطاني,
           mobile: "0501234567", email: m@example.sa}
scenarios:
  - name: every kind of expectation, each wrong
    answers:
      applicant_type: public_sector
      appointment_type: emir
      visit_destination: emir_office
      entry_gate: main_gate
      visit_reason: follow_up
      visit_subject: متابعة
      visit_letter: letter.pdf
      applicant_id_copy: id.png
      has_other_items: false
    expect:
      steps: [applicant]
      visible: [department]
      hidden: [organisation_name]
      required: [governorate]
      optional: [organisation_name]
      errors: {visit_subject: required}
      values: {mobile: "0501234567"}
      options: {visit_destination: [emir_office]}
      fee: 100
      next: review
"""


def test_a_wrong_expectation_fails_with_a_readable_diff(tmp_path: Path) -> None:
    (tmp_path / "wrong.scenarios.yaml").write_text(WRONG, encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(tmp_path), "--services", str(SERVICES)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        lines[0]
        == f"FAIL {tmp_path / 'wrong.scenarios.yaml'}:6: every kind of expectation, each wrong"
    )
    assert lines[1:] == [
        "    line 18: steps: expected [applicant], got "
        "[applicant, appointment, attachments, companions_step]",
        "    line 19: visible.department: expected 'visible', got 'hidden'",
        "    line 20: hidden.organisation_name: expected 'hidden', got 'visible'",
        "    line 21: required.governorate: expected 'required', got 'optional'",
        "    line 22: optional.organisation_name: expected 'optional', got 'required'",
        "    line 23: errors.organisation_name: expected 'no error', got 'required'",
        "    line 23: errors.visit_subject: expected 'required', got 'text.too_short'",
        "    line 24: values.mobile: expected '0501234567', got '+966501234567'",
        "    line 25: options.visit_destination: expected [emir_office], got "
        "[emir_office, emir_majlis]",
        "    line 26: fee: expected 100, got 0",
        "    line 27: next: expected 'review', got 'applicant'",
        "1 file(s), 1 scenario(s), 1 failed, 0 problem(s), 11 condition(s) not covered",
    ]


def test_a_passing_run_exits_0_and_lists_each_scenario() -> None:
    result = CliRunner().invoke(main, ["test", str(SERVICES), "--services", str(SERVICES)])
    assert result.exit_code == 0, result.output
    assert result.output.count("\nok   ") + result.output.startswith("ok   ") == len(SEED_SCENARIOS)
    assert "0 failed, 0 problem(s), 0 condition(s) not covered" in result.output


def test_names_the_service_does_not_have_are_problems_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "typo.scenarios.yaml"
    path.write_text(
        "service: mawid\n"
        "today: 2026-11-23\n"
        "scenarios:\n"
        "  - name: typo\n"
        "    answers: {booking_fro: self}\n"
        "    expect:\n"
        "      hidden: [dependant_nmae]\n"
        "      colour: blue\n",
        encoding="utf-8",
    )
    scenarios, problems = read_scenarios(path)
    assert [(p.line, p.code) for p in problems] == [(8, "scenario.unknown-key")]
    assert scenarios is not None
    _, problems = run_file(scenarios, DEFINITIONS)
    assert [(p.line, p.code) for p in problems] == [
        (7, "scenario.unknown-id"),
        (4, "scenario.unknown-id"),
    ]
    assert "dependant_nmae" in problems[0].message and "booking_fro" in problems[1].message


def test_an_unknown_service_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.scenarios.yaml"
    path.write_text("service: nope\nscenarios:\n  - name: a\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(path), "--services", str(SERVICES)])
    assert result.exit_code == 1
    assert f"{path}:1:1: scenario.service: service 'nope' is not among the loaded" in result.output


def test_no_scenario_files_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["test", str(tmp_path), "--services", str(SERVICES)])
    assert result.exit_code == 2


def test_scenario_files_are_not_definitions() -> None:
    result = load([SERVICES])
    assert result.problems == []
    assert result.files == len(list(SERVICES.glob("*.yaml")))
    one = SERVICES / "scenarios" / "mawid.scenarios.yaml"
    assert load([one]).files == 0
    assert load([SERVICES / "mawid.yaml"]).files == 2  # the service and the lists beside it
