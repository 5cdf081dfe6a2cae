"""Pseudonymised exports: nothing identifying leaves, pseudonyms behave, the codebook validates."""
import codecs
import csv
import hashlib
import hmac
import io
import json
import zipfile
from datetime import date

import pyreadstat
import pytest
from frictionless import validate
from sqlmodel import select

from app.exports.rows import pseudonym
from app.models import AuditEvent, Organisation
from app.services.cohort import CohortFilter
from app.services.exports import NO_PURPOSE, CannotExport, Purpose, start_export

from .. import factories
from .cohort_data import add_assessment, wheel

SECRET_TEXT = "Hemlig-fritext-Körkort-XYZ"
INTAKE = date(2024, 3, 14)


@pytest.fixture
def cohort(session):
    """Sixteen people in a big unit (eight women, eight men), one in a small one, with names, codes,
    birth years, free text and a discussion-only assessment that must never be exported.
    With k = 5 the person of the small unit is left out (their unit holds fewer than k) and
    age bands are widened; returns the big unit, the sixteen exported and the one left out."""
    big = factories.make_unit(session, name="Vård och omsorg")
    small = factories.make_unit(session, organisation=None, name="Lilla enheten",
                                organisation_id=big.organisation_id)
    people = []
    for index in range(17):
        unit = big if index < 16 else small
        person = factories.make_participant(
            session, unit=unit, gender="woman" if index % 2 else "man", birth_year=1958 + index,
            display_name=f"Anna Hemligsson {index}", intake_date=INTAKE,
            mobile=f"+4670174{605 + index:04d}", email=f"anna.hemligsson{index}@example.org")
        add_assessment(session, person, "intake", "work_wheel", wheel(4, other=7), on=INTAKE,
                       texts={"other_text": SECRET_TEXT})
        add_assessment(session, person, "exit", "work_wheel", wheel(6, health=None),
                       on=date(2024, 10, 1))
        add_assessment(session, person, "follow_up", "health_wheel", {"sleep": 3}, on=date(2025, 1, 2),
                       storage="discussion_only")
        people.append(person)
    return big, people[:16], people[16]


def run_export(session, organisation_id, *, evaluation="Utvärdering 2026", layout="wide",
               csv_format="comma", purpose=NO_PURPOSE, **filters):
    export = start_export(session, CohortFilter(organisation_id=organisation_id, **filters),
                          evaluation=evaluation, layout=layout, threshold=5, staff_id=None,
                          csv_format=csv_format, purpose=purpose)
    return zipfile.ZipFile(io.BytesIO(b"".join(export.chunks())))


def read_csv(archive: zipfile.ZipFile, name: str, delimiter: str = ",") -> list[dict]:
    data = archive.read(name)
    assert data.startswith(codecs.BOM_UTF8)  # Excel reads UTF-8 only with the mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_no_identifying_value_anywhere_in_the_zip(session, cohort, layout):
    unit, people, left_out = cohort
    archive = run_export(session, unit.organisation_id, layout=layout)
    expected = ["README.txt", "codebook.html", "codebook.md", "datapackage.json", f"stegvis-{layout}.csv"]
    # the long zip does not carry the wide SPSS file
    assert sorted(archive.namelist()) == sorted(expected + (["stegvis-wide.sav"] if layout == "wide" else []))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    forbidden = [SECRET_TEXT, "Hemligsson", "2024-03-14", "2024-10-01", "2025-01-02", "14/03/2024"]
    forbidden += [p.code for p in people]
    forbidden += [p.mobile for p in people] + [p.mobile[3:] for p in people] + ["example.org"]
    for value in forbidden:
        assert value.encode() not in everything, value
    rows = read_csv(archive, f"stegvis-{layout}.csv")
    header = rows[0].keys()
    assert not any(word in name for name in header for word in ("code", "name", "date", "birth", "id"))
    birth_years = {str(p.birth_year) for p in people}
    ids = {str(p.id) for p in people}
    assert not any(cell in birth_years or (cell in ids and key == "pseudonym")
                   for row in rows for key, cell in row.items())
    # discussion-only answers (the follow-up health wheel) are never exported
    assert not any(row["occasion"] == "follow_up" for row in rows)
    assert {row["unit"] for row in rows} == {"Vård och omsorg"}  # the unit of one: left out
    assert pseudonym_of(session, unit.organisation_id, left_out) not in {r["pseudonym"] for r in rows}
    assert {row["age_band"] for row in rows} == {"45+"}  # born 1958–1973: bands widened


QUASI_IDENTIFIER_COLUMNS = ("unit", "intake_period", "gender", "age_band", "exit_reason")


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_every_combination_of_quasi_identifiers_covers_at_least_k_people(session, cohort, layout):
    unit, *_ = cohort
    rows = read_csv(run_export(session, unit.organisation_id, layout=layout), f"stegvis-{layout}.csv")
    people: dict[tuple, set] = {}
    for row in rows:
        people.setdefault(tuple(row[c] for c in QUASI_IDENTIFIER_COLUMNS), set()).add(row["pseudonym"])
    assert people and all(len(found) >= 5 for found in people.values()), people


def test_a_selection_of_fewer_than_k_cannot_be_exported(session):
    unit = factories.make_unit(session)
    for _ in range(4):
        person = factories.make_participant(session, unit=unit, intake_date=INTAKE)
        add_assessment(session, person, "intake", "work_wheel", wheel(4), on=INTAKE)
    with pytest.raises(CannotExport, match="fewer than 5"):
        run_export(session, unit.organisation_id)
    with pytest.raises(CannotExport, match="no group"):
        run_export(session, unit.organisation_id, unit="Lilla enheten")


def pseudonym_of(session, organisation_id: int, person) -> str:
    from app.services.exports import evaluation_project

    project = evaluation_project(session, organisation_id=organisation_id, name="Utvärdering 2026")
    return pseudonym(project.secret, person.id)


def test_free_text_becomes_a_flag(session, cohort):
    unit, *_ = cohort
    wide = read_csv(run_export(session, unit.organisation_id, layout="wide"), "stegvis-wide.csv")
    intake = [row for row in wide if row["occasion"] == "intake"]
    assert {row["work_wheel_other_text_given"] for row in intake} == {"true"}
    assert {row["work_wheel_other"] for row in intake} == {"7"}
    exit_ = [row for row in wide if row["occasion"] == "exit"]
    assert {row["work_wheel_health"] for row in exit_} == {""}  # skipped: empty in CSV
    assert {row["days_since_intake"] for row in exit_} == {"201"}
    long = read_csv(run_export(session, unit.organisation_id, layout="long"), "stegvis-long.csv")
    texts = [row for row in long if row["item"] == "other_text"]
    assert texts and all(row["text_given"] == "true" and row["value"] == "" for row in texts)


def test_pseudonyms_are_stable_within_and_different_across_evaluations(session, cohort):
    unit, people, _ = cohort
    first = read_csv(run_export(session, unit.organisation_id, evaluation="A"), "stegvis-wide.csv")
    again = read_csv(run_export(session, unit.organisation_id, evaluation="A"), "stegvis-wide.csv")
    other = read_csv(run_export(session, unit.organisation_id, evaluation="B"), "stegvis-wide.csv")
    keys = [row["pseudonym"] for row in first]
    assert keys == [row["pseudonym"] for row in again]
    assert len(set(keys)) == len(people)
    assert not set(keys) & {row["pseudonym"] for row in other}


def test_pseudonym_is_hmac_sha256_of_the_participant_id():
    assert pseudonym("k", 42) == hmac.new(b"k", b"42", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("k", 42) != pseudonym("l", 42) != pseudonym("k", 43)


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_datapackage_validates_with_frictionless(session, cohort, tmp_path, layout):
    unit, *_ = cohort
    run_export(session, unit.organisation_id, layout=layout,
               purpose=Purpose("Follow-up for the funder", kasam=True)).extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((tmp_path / "datapackage.json").read_text())
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert "work_wheel-1" in package["stegvis:codebooks"]
    if layout == "wide":
        health = fields["work_wheel_health"]
        assert health["constraints"] == {"minimum": 1, "maximum": 10}
        assert health["stegvis:instrument"]["key"] == "work_wheel"
        assert health["stegvis:instrument"]["reverse"] is False
        assert fields["kasam13_q1"]["stegvis:instrument"]["reverse"] is True


def test_spss_file_carries_variable_and_value_labels(session, cohort, tmp_path):
    unit, *_ = cohort
    run_export(session, unit.organisation_id, layout="wide").extractall(tmp_path)
    frame, meta = pyreadstat.read_sav(str(tmp_path / "stegvis-wide.sav"), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["work_wheel_health"].startswith("Health / Hälsa")
    assert meta.variable_value_labels["work_wheel_health"][1.0].startswith("Not at all satisfied")
    assert meta.variable_value_labels["work_wheel_health"][-9.0].startswith("Skipped")
    assert "cefr_total" in meta.variable_value_labels  # level names: preA1 … C2
    exit_health = frame.loc[frame["occasion"] == "exit", "work_wheel_health"]
    assert set(exit_health) == {-9.0}  # skipped, as a declared missing code
    assert len(frame) == 32  # sixteen people × intake and exit


def test_every_export_is_audited_with_its_filters(session, cohort):
    unit, *_ = cohort
    run_export(session, unit.organisation_id, gender="woman", layout="long")
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.details["filters"]["gender"] == "woman"
    assert event.details["layout"] == "long" and event.object_type == "evaluation_project"


def test_download_from_the_dashboard(client, session, cohort, login_as):
    unit, *_ = cohort
    login_as("evaluator", units=[unit])
    response = client.post(f"/evaluator/export?gender=woman&unit={unit.name}",
                           data={"evaluation": "ESF", "layout": "wide"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert {row["gender"] for row in read_csv(archive, "stegvis-wide.csv")} == {"woman"}


def test_export_command(app, session, cohort, tmp_path):
    unit, *_ = cohort
    out = tmp_path / "export.zip"
    name = session.get(Organisation, unit.organisation_id).name
    result = app.test_cli_runner().invoke(args=[
        "export", "--evaluation", "Leverans", "--layout", "long", "--out", str(out),
        "--organisation", name, "--gender", "man"])
    assert result.exit_code == 0, result.output
    rows = read_csv(zipfile.ZipFile(out), "stegvis-long.csv")
    assert rows and {row["gender"] for row in rows} == {"man"}


@pytest.mark.parametrize("evaluation", ["😀" * 200, "Utvärdering " + "x" * 188, "\u202eRTL\u200f"])
def test_any_valid_evaluation_name_gives_a_whole_spss_file(client, session, cohort, login_as,
                                                           evaluation):
    unit, *_ = cohort
    login_as("evaluator", units=[unit])
    response = client.post("/evaluator/export", data={"evaluation": evaluation, "layout": "wide"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    assert len(archive.read("stegvis-wide.csv").splitlines()) == 1 + 2 * 16


def test_an_export_that_cannot_be_built_fails_before_any_byte(client, session, cohort, login_as,
                                                             monkeypatch):
    def refuse(*args, **kwargs):
        raise pyreadstat.ReadstatError("The provided note is too long for the file format")

    monkeypatch.setattr(pyreadstat, "write_sav", refuse)
    unit, *_ = cohort
    login_as("evaluator", units=[unit])
    response = client.post("/evaluator/export", data={"evaluation": "ESF", "layout": "wide"})
    assert response.status_code == 302 and response.mimetype != "application/zip"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The SPSS file could not be made for this export." in page
    assert not session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()


@pytest.mark.parametrize("csv_format", ["comma", "semicolon"])
def test_a_unit_name_never_runs_as_a_formula_in_the_csv(session, csv_format):
    """CSV injection: text starting with = + - @ tab or CR is kept as text, numbers stay numbers."""
    hostile = ['=HYPERLINK("http://x")', "@SUM(1)"]
    first = factories.make_unit(session, name=hostile[0])
    second = factories.make_unit(session, organisation_id=first.organisation_id, name=hostile[1])
    for index in range(12):
        person = factories.make_participant(session, unit=first if index < 6 else second,
                                            gender="woman", birth_year=1980, intake_date=INTAKE)
        add_assessment(session, person, "intake", "work_wheel", wheel(4), on=INTAKE)
    delimiter = "," if csv_format == "comma" else ";"
    for layout in ("wide", "long"):
        archive = run_export(session, first.organisation_id, layout=layout, csv_format=csv_format)
        rows = read_csv(archive, f"stegvis-{layout}.csv", delimiter)
        assert {row["unit"] for row in rows} == {"'" + name for name in hostile}
        cells = [cell for row in rows for cell in row.values()]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_csv_text_is_made_inert_and_numbers_are_left_alone():
    from app.exports.csvformat import COMMA
    assert [COMMA.cell(v) for v in ("=1+2", "+1", "-1", "@A1", "\tx", "\rx", "Vård", 4.5, 0)] == \
        ["'=1+2", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "Vård", "4.5", "0"]


def test_the_dashboard_says_why_a_small_units_people_are_left_out(client, session, cohort,
                                                                   login_as):
    unit, *_ = cohort
    login_as("evaluator", units=[unit])
    response = client.get("/evaluator/")
    assert response.status_code == 200
    assert "1 people in small units are not shown: their group would be smaller than 5." in \
        response.get_data(as_text=True)
