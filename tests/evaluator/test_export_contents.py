"""What an export zip holds beyond its rows: the README and codebook say what was generalised
and who was left out, unit ids never appear, health data leaves only under a recorded purpose
and with consent, and the CSV opens in Swedish Excel and still validates."""
import io
import json
import re
import zipfile
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from frictionless import validate
from sqlmodel import select

from app.exports.facts import left_out
from app.models import AuditEvent, Consent, Organisation
from app.services.exports import CannotExport, Purpose

from .. import factories
from .cohort_data import add_assessment, wheel
from .test_exports import read_csv, run_export

INTAKE = date(2024, 3, 14)
BIG_UNIT_ID, SMALL_UNIT_IDS = 7340001, (7340002, 7340003)
SMALL_NAMES = ("Pyttelilla enheten", "Ensamma kontoret")
# KASAM: meaningfulness has q1 skipped, so it is the mean of q4, q7 (reversed) and q12 times
# four: (5 + (8 − 4) + 5) / 3 × 4 = 18.67 → 18.7; comprehensibility and manageability whole.
KASAM = {"q1": None, "q2": 4, "q3": 4, "q4": 5, "q5": 4, "q6": 4, "q7": 4, "q8": 4, "q9": 4,
         "q10": 4, "q11": 4, "q12": 5, "q13": 4}
PURPOSE = "Följa upp KASAM för ESF-rapporten"


@pytest.fixture
def organisation(session):
    """Ten people in a big unit (five women, five men) and three women in each of two small
    units, which k = 5 pools into other_units. Everyone answers the work wheel, CEFR about
    English and KASAM; only the people at even positions consented to storing KASAM."""
    big = factories.make_unit(session, id=BIG_UNIT_ID, name="Stora enheten")
    smalls = [factories.make_unit(session, id=unit_id, name=name, organisation_id=big.organisation_id)
              for unit_id, name in zip(SMALL_UNIT_IDS, SMALL_NAMES, strict=True)]
    people = []
    units = [big] * 10 + [smalls[0]] * 3 + [smalls[1]] * 3
    for index, unit in enumerate(units):
        person = factories.make_participant(
            session, unit=unit, gender="man" if unit is big and index % 2 else "woman",
            birth_year=1980, intake_date=INTAKE)
        add_assessment(session, person, "intake", "work_wheel", wheel(5), on=INTAKE)
        cefr = add_assessment(session, person, "intake", "cefr",
                              dict.fromkeys(("listening", "reading", "writing"), 2), on=INTAKE)
        cefr.target_language = "en"
        kasam = add_assessment(session, person, "intake", "kasam13", KASAM, on=INTAKE)
        if index % 2 == 0:
            consent = Consent(participant_id=person.id, instrument_key="kasam13", choice="store",
                              text_version="1", language="sv")
            session.add(consent)
            session.flush()
            kasam.consent_id = consent.id
        session.commit()
        people.append(person)
    return big, people


def everything(archive: zipfile.ZipFile) -> dict[str, bytes]:
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_no_unit_id_and_no_pooled_unit_in_any_file(session, organisation, layout):
    big, _ = organisation
    archive = run_export(session, big.organisation_id, layout=layout,
                         purpose=Purpose(PURPOSE, kasam=True))
    files = everything(archive)
    assert "README.txt" in files and "codebook.html" in files
    for name, content in files.items():
        for unit_id in (BIG_UNIT_ID, *SMALL_UNIT_IDS):
            assert str(unit_id).encode() not in content, (name, unit_id)
        for pooled in SMALL_NAMES:
            assert pooled.encode() not in content, (name, pooled)
        assert b"anonym" not in content.lower(), name  # row-level data: pseudonymised
    rows = read_csv(archive, f"stegvis-{layout}.csv")
    assert {row["unit"] for row in rows} == {"Stora enheten", "other_units"}


def test_readme_lists_what_was_generalised(session, organisation):
    big, _ = organisation
    readme = run_export(session, big.organisation_id).read("README.txt").decode()
    assert "units with fewer than 5 participants (2 units) pooled into other_units" in readme
    assert "enheter med färre än 5 deltagare (2 st.) är sammanslagna till other_units" in readme
    assert "gender (gender): as recorded" in readme and "gender (kön): som den registrerades" in readme
    assert "Nobody is left out." in readme and "Ingen är utelämnad." in readme
    assert "It is pseudonymised" in readme and "Den är pseudonymiserad" in readme
    assert "KASAM: not included" in readme and "KASAM: inte med" in readme


def test_readme_says_who_was_left_out_and_why():
    view = SimpleNamespace(k=5, left_out=4, left_out_by={"gender": 3, "combination": 1})
    sentences = left_out(view, in_file=2)
    assert [s.en for s in sentences] == [
        "In the whole organisation, 4 people are left out of every figure and export: 1 person "
        "whose combination of unit, intake year, gender, age band and exit reason is shared by "
        "fewer than 5 people; 3 people whose gender is shared by fewer than 5 people.",
        "Another 2 people are left out of this file: among those with answers in it, their "
        "combination of unit, intake year, gender, age band and exit reason is shared by fewer "
        "than 5 people."]
    assert sentences[0].sv.startswith("I hela organisationen är 4 personer utelämnade")


def test_a_file_without_a_purpose_carries_no_health_wheel_or_kasam(session, organisation):
    big, _ = organisation
    for layout in ("long", "wide"):
        archive = run_export(session, big.organisation_id, layout=layout)
        rows = read_csv(archive, f"stegvis-{layout}.csv")
        assert not any(name.startswith(("kasam13", "health_wheel")) for name in rows[0])
        if layout == "long":
            assert {row["instrument"] for row in rows} == {"work_wheel", "cefr"}
        else:
            assert "work_wheel_version" in rows[0]
        package = json.loads(archive.read("datapackage.json"))
        assert not set(package["stegvis:codebooks"]) & {"kasam13-1", "health_wheel-1"}


def test_kasam_leaves_under_a_recorded_purpose_and_only_with_consent(session, organisation):
    big, people = organisation
    archive = run_export(session, big.organisation_id, purpose=Purpose(PURPOSE, kasam=True))
    rows = read_csv(archive, "stegvis-wide.csv")
    with_kasam = {row["pseudonym"] for row in rows if row["kasam13_version"] == "1"}
    assert len(with_kasam) == len(people) // 2  # only those who consented
    assert "health_wheel_version" not in rows[0]  # the purpose does not include it
    readme = archive.read("README.txt").decode()
    assert f'KASAM: included, because the evaluation\'s purpose includes these answers: "{PURPOSE}"' \
        in readme
    assert "Health Wheel: not included" in readme
    # the purpose is on record, once; every export says which health data left under it
    run_export(session, big.organisation_id, purpose=Purpose(PURPOSE, kasam=True))
    recorded = session.exec(select(AuditEvent).where(
        AuditEvent.action == "evaluation_project.purpose_recorded")).all()
    assert len(recorded) == 1 and recorded[0].details["includes_kasam"] is True
    exported = session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.details["sensitive_included"] for e in exported] == [["kasam13"], ["kasam13"]]
    assert {e.details["purpose"] for e in exported} == {PURPOSE}
    # an export that states no purpose carries no KASAM, whatever is on record
    later = read_csv(run_export(session, big.organisation_id), "stegvis-wide.csv")
    assert "kasam13_version" not in later[0]


def test_health_data_without_a_written_purpose_is_refused(session, organisation):
    big, _ = organisation
    with pytest.raises(CannotExport, match="Write the purpose"):
        run_export(session, big.organisation_id, purpose=Purpose("  ", health=True))
    assert not session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()


def test_only_a_sensitive_instrument_without_purpose_is_refused(session, organisation):
    big, _ = organisation
    with pytest.raises(CannotExport, match="purpose includes them"):
        run_export(session, big.organisation_id, instrument_key="kasam13")


def test_semicolon_csv_with_decimal_comma_validates(session, organisation, tmp_path):
    big, _ = organisation
    archive = run_export(session, big.organisation_id, csv_format="semicolon",
                         purpose=Purpose(PURPOSE, kasam=True))
    rows = read_csv(archive, "stegvis-wide.csv", delimiter=";")
    consented = [row for row in rows if row["kasam13_version"] == "1"]
    assert {row["kasam13_meaningfulness"] for row in consented} == {"18,7"}
    assert {row["kasam13_comprehensibility"] for row in consented} == {"20"}  # 5 items × 4
    assert {row["kasam13_total"] for row in consented} == {"54,7"}
    archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    resource = json.loads((tmp_path / "datapackage.json").read_text())["resources"][0]
    assert resource["dialect"]["delimiter"] == ";"
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["kasam13_meaningfulness"]["decimalChar"] == ","
    assert "decimalChar" not in fields["kasam13_q4"]  # integers have no decimal sign


def test_computed_scores_are_rounded_and_whole_numbers_stay_whole(session, organisation):
    big, _ = organisation
    rows = read_csv(run_export(session, big.organisation_id, purpose=Purpose(PURPOSE, kasam=True)),
                    "stegvis-wide.csv")
    consented = [row for row in rows if row["kasam13_version"] == "1"]
    assert {row["kasam13_meaningfulness"] for row in consented} == {"18.7"}
    assert {row["kasam13_manageability"] for row in consented} == {"16"}
    assert {row["cefr_total"] for row in rows} == {"2"}


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_cefr_target_language_is_a_column(session, organisation, layout):
    big, _ = organisation
    rows = read_csv(run_export(session, big.organisation_id, layout=layout),
                    f"stegvis-{layout}.csv")
    if layout == "wide":
        assert {row["cefr_target_language"] for row in rows} == {"en"}
    else:
        assert {row["cefr_target_language"] for row in rows if row["instrument"] == "cefr"} == {"en"}
        assert {row["cefr_target_language"] for row in rows if row["instrument"] != "cefr"} == {""}


class _Structure(HTMLParser):
    """Collects what accessibility and self-containment depend on."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_codebook_describes_every_column_in_both_languages(session, organisation, layout):
    big, _ = organisation
    archive = run_export(session, big.organisation_id, layout=layout,
                         purpose=Purpose(PURPOSE, kasam=True))
    html = archive.read("codebook.html").decode()
    markdown = archive.read("codebook.md").decode()
    header = read_csv(archive, f"stegvis-{layout}.csv")[0].keys()
    for column in header:
        assert f"<th scope=\"row\">{column}</th>" in html, column
        assert f"| {column} |" in markdown, column
    for text in ("Health", "Hälsa", "Listening: how well do you understand the target language",
                 "Lyssna: hur bra förstår du målspråket", "cefr_target_language",
                 "two-year period", "tvåårsperiod", "-9", "Skipped by the participant",
                 "empty / tom", "version 1"):
        assert text in html and text in markdown, text
    assert "{language}" not in html + markdown + archive.read("datapackage.json").decode()
    structure = _Structure()
    structure.feed(html)
    tags = [tag for tag, _ in structure.tags]
    assert tags.count("h1") == 1 and "h2" in tags and tags.count("table") == tags.count("caption")
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in structure.tags if tag == "th")
    assert not {"script", "link", "img", "iframe"} & set(tags)
    assert not re.search(r"(src|href)=", html)  # nothing fetched from elsewhere
    assert structure.tags[0] == ("html", {"lang": "en"}) and ("td", {"lang": "sv"}) in structure.tags


def test_export_command_states_purpose_and_csv_flavour(app, session, organisation, tmp_path):
    big, _ = organisation
    out = tmp_path / "export.zip"
    name = session.get(Organisation, big.organisation_id).name
    result = app.test_cli_runner().invoke(args=[
        "export", "--evaluation", "Leverans", "--out", str(out), "--organisation", name,
        "--csv", "semicolon", "--purpose", PURPOSE, "--include-kasam"])
    assert result.exit_code == 0, result.output
    rows = read_csv(zipfile.ZipFile(out), "stegvis-wide.csv", delimiter=";")
    assert {row["kasam13_meaningfulness"] for row in rows} == {"18,7", ""}
    refused = app.test_cli_runner().invoke(args=[
        "export", "--evaluation", "Leverans", "--out", str(out), "--organisation", name,
        "--include-health"])
    assert refused.exit_code != 0 and "Write the purpose" in refused.output


def test_dashboard_form_records_the_purpose(client, session, organisation, login_as):
    big, _ = organisation
    login_as("evaluator", units=[big])
    page = client.get("/evaluator/").get_data(as_text=True)
    assert 'name="purpose"' in page and 'name="include_kasam"' in page and 'name="csv_format"' in page
    export_box = page[page.index('aria-labelledby="export-heading"'):]
    export_box = export_box[:export_box.index("</section>")]
    assert "anonym" not in export_box.lower() and "pseudonymi" in export_box.lower()
    response = client.post("/evaluator/export", data={
        "evaluation": "ESF", "layout": "long", "csv_format": "semicolon", "purpose": PURPOSE,
        "include_kasam": "y"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "stegvis-wide.sav" not in archive.namelist()
    rows = read_csv(archive, "stegvis-long.csv", delimiter=";")
    assert "kasam13" in {row["instrument"] for row in rows}
    assert session.exec(select(AuditEvent).where(
        AuditEvent.action == "evaluation_project.purpose_recorded")).one().details["purpose"] == PURPOSE


def test_dashboard_refuses_health_data_without_purpose(client, session, organisation, login_as):
    big, _ = organisation
    login_as("evaluator", units=[big])
    response = client.post("/evaluator/export", data={
        "evaluation": "ESF", "layout": "wide", "csv_format": "comma", "include_health": "y"})
    assert response.status_code == 302
    with client.session_transaction() as flask_session:
        assert [category for category, _ in flask_session["_flashes"]] == ["error"]
    assert not session.exec(select(AuditEvent).where(AuditEvent.action == "export")).all()
