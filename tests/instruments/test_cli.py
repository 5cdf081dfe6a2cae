"""`flask instruments …` through the real app factory."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from app.models import InstrumentLicence

from .test_licences import licensed_file
from .test_scoring import KASAM_ANSWERS


@pytest.fixture
def runner(app):
    """A CLI runner on the real app factory, which registers the instruments group."""
    return app.test_cli_runner()


def run_score(runner, key: str, lines: list[dict | str], *extra: str):
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    return runner.invoke(args=["instruments", "score", key, *extra], input=stdin)


def test_score_kasam_json_lines(runner):
    answers = KASAM_ANSWERS
    result = run_score(runner, "kasam13", [answers, {**answers, "q1": None, "q4": None}])
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert first["items"]["q1"] == 7 and first["items"]["q4"] == 4
    assert first["subscales"] == {
        "comprehensibility": 19,
        "manageability": 21,
        "meaningfulness": 17,
    }
    assert first["total"] == 57
    assert second["subscales"]["meaningfulness"] is None and second["total"] is None


def test_score_wheel_has_empty_subscales_and_null_total(runner):
    answers = {
        "competence": 5,
        "communication": 3,
        "health": 8,
        "network": 4,
        "self_knowledge": 6,
        "goals": 5,
        "mobility": 10,
    }
    result = run_score(runner, "work_wheel", [answers], "--version", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "items": {**answers, "other": None},
        "subscales": {},
        "total": None,
    }


def test_score_cefr_prints_level_names(runner):
    result = run_score(
        runner,
        "cefr",
        [
            {
                "listening": 0,
                "reading": 2,
                "spoken_interaction": 3,
                "spoken_production": None,
                "writing": 6,
            }
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "levels": {
            "listening": "preA1",
            "reading": "A2",
            "spoken_interaction": "B1",
            "spoken_production": None,
            "writing": "C2",
        },
        "overall": "A2",
    }


def test_invalid_line_names_line_and_item_and_fails(runner):
    result = run_score(runner, "kasam13", [{"q1": 3}, "", {"q1": 9}])
    assert result.exit_code != 0
    assert "line 3" in result.output and "q1" in result.output
    assert json.loads(result.output.splitlines()[0])["items"]["q1"] == 5  # line 1 was scored


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 1: not valid JSON"),
        ("[1, 2]", "line 1: expected a JSON object"),
        ('{"q99": 1}', "line 1: item 'q99': unknown item"),
    ],
)
def test_malformed_input_is_reported(runner, line, message):
    result = run_score(runner, "kasam13", [line])
    assert result.exit_code != 0 and message in result.output


def test_unknown_instrument_fails(runner):
    result = run_score(runner, "stjarnan", [{}])
    assert result.exit_code != 0 and "stjarnan" in result.output


def test_list_shows_every_instrument(runner):
    result = runner.invoke(args=["instruments", "list"])
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.output.splitlines()] == [
        "cefr",
        "health_wheel",
        "kasam13",
        "work_wheel",
    ]
    assert "licence required" in result.output


def test_load_stores_licensed_wording_with_permission(runner, session, tmp_path):
    path = tmp_path / "kasam-sv.toml"
    path.write_text(licensed_file("sv"), encoding="utf-8")
    result = runner.invoke(
        args=[
            "instruments",
            "load",
            str(path),
            "--permission",
            "Avtal 2024-17",
            "--granted-by",
            "Rättighetsinnehavaren",
            "--granted-on",
            "2024-05-02",
            "--scope",
            "Stegvis Värmland 2024–2026",
        ]
    )
    assert result.exit_code == 0, result.output
    row = session.exec(select(InstrumentLicence)).one()
    assert (row.instrument_key, row.instrument_version, row.language) == ("kasam13", 1, "sv")
    assert row.permission_ref == "Avtal 2024-17" and row.granted_on == date(2024, 5, 2)
    assert "Licensierad q4 (test)" in row.definition_text

    again = runner.invoke(
        args=["instruments", "load", str(path), "--permission", "x", "--granted-by", "y"]
    )
    assert again.exit_code != 0 and "--replace" in again.output


def test_load_refuses_wording_that_disagrees_with_scoring(runner, tmp_path):
    path = tmp_path / "kasam-sv.toml"
    path.write_text(licensed_file("sv", flip="q1"), encoding="utf-8")
    result = runner.invoke(
        args=["instruments", "load", str(path), "--permission", "p", "--granted-by", "g"]
    )
    assert result.exit_code != 0
    assert "kasam-sv.toml: items[0].reverse" in result.output


def test_may_send_reads_stored_licences(app, session, runner, tmp_path):
    from app import instruments
    from app.services.licences import licensed_wordings, may_send

    kasam = instruments.latest("kasam13")
    assert not may_send(session, kasam, environment="production").allowed
    path = tmp_path / "kasam-ar.toml"
    path.write_text(licensed_file("ar"), encoding="utf-8")
    assert (
        runner.invoke(
            args=["instruments", "load", str(path), "--permission", "p", "--granted-by", "g"]
        ).exit_code
        == 0
    )
    assert may_send(session, kasam, environment="production", language="ar").allowed
    assert not may_send(session, kasam, environment="production", language="sv").allowed
    assert [w.language for w in licensed_wordings(session, kasam)] == ["ar"]


def test_sync_sv_writes_the_swedish_catalog(runner, tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    po = tmp_path / "messages.po"
    with po.open("wb") as handle:
        write_po(handle, Catalog(locale="sv"))
    result = runner.invoke(args=["instruments", "sync-sv", str(po)])
    assert result.exit_code == 0, result.output
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.get("Health", context="work_wheel-1.health").string == "Hälsa"
