"""HSDS 3.0 JSON export and import, as a council data team uses them."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from directory import hsds
from directory.__main__ import migrate
from directory.core.db import make_engine
from directory.models import (
    Closure,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
)
from tests.conftest import REPO_ROOT, SHARED
from tests.directory import hsds_fixtures as fx

SCHEMA = SHARED / "openreferral" / "hsds-3.0" / "compiled" / "service.json"
COUNTED = (
    Organization,
    TaxonomyTerm,
    Location,
    Service,
    ServiceAtLocation,
    Schedule,
    Phone,
    Language,
    Closure,
    Translation,
)


@pytest.fixture
def directory(session: Session) -> Session:
    fx.build_directory(session)
    return session


@pytest.fixture
def other_session(tmp_path: Path) -> Iterator[Session]:
    """A second, empty database (the council's other system)."""
    url = f"sqlite:///{tmp_path / 'other.db'}"
    migrate(url)
    engine = make_engine(url)
    with sessionmaker(bind=engine, expire_on_commit=False)() as s:
        yield s
    engine.dispose()


def counts(session: Session) -> dict[str, int]:
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED
    }


def comparable(package: dict[str, Any]) -> dict[str, Any]:
    """The package without what changes on every export (times)."""
    package = copy.deepcopy(package)
    package.pop("exported_at")
    for service in package["services"]:
        service.pop("last_modified", None)
    return package


def service_named(package: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in package["services"] if s["name"] == name)


def write(path: Path, package: Any) -> Path:
    path.write_text(json.dumps(package, indent=2), encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --------------------------------------------------------------------------- export


def test_every_exported_service_validates_against_the_compiled_hsds_schema(
    directory: Session,
) -> None:
    package = hsds.export_directory(directory)
    validator = Draft202012Validator(
        json.loads(SCHEMA.read_text(encoding="utf-8")),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    assert len(package["services"]) == len(fx.SERVICE_IDS)
    for service in package["services"]:
        errors = [e.message for e in validator.iter_errors(service)]
        assert errors == [], (service["name"], errors)


def test_export_carries_ages_hubs_sessions_and_closures(directory: Session) -> None:
    package = hsds.export_directory(directory)
    feeding = service_named(package, "Breastfeeding drop-in")
    assert (feeding["minimum_age"], feeding["maximum_age"]) == (0, 1.5)  # 0-18 months
    assert feeding["organization"]["name"] == "NHS Calderbrook Health Visiting"
    assert [a["taxonomy_term"]["code"] for a in feeding["attributes"]] == ["infant_feeding"]
    assert {lang["code"] for lang in feeding["languages"]} == {"en", "pl"}

    places = {sal["location"]["name"]: sal for sal in feeding["service_at_locations"]}
    monthly = places["Oakleigh (GP surgery spoke)"]["schedules"][0]
    assert (monthly["freq"], monthly["byday"], monthly["opens_at"]) == ("MONTHLY", "1TH", "13:30")
    assert monthly["description"].startswith("Feeding clinic: The first Thursday of every month")
    assert "timezone" not in monthly  # HSDS wants a fixed offset; London's changes
    assert monthly["x_timezone"] == "Europe/London"
    spoke = places["Oakleigh (GP surgery spoke)"]["location"]
    assert spoke["x_is_family_hub"] is True
    assert spoke["x_main_hub_id"] == fx.CENTRAL

    central = next(loc for loc in package["locations"] if loc["id"] == fx.CENTRAL)
    assert central["addresses"][0]["postal_code"] == "CK1 1LB"
    assert {(s["byday"], s["opens_at"], s["closes_at"]) for s in central["schedules"]} == {
        ("MO,TU,WE,TH,FR", "09:00", "17:00"),
        ("SA", "10:00", "13:00"),
    }
    assert {c["reason"] for c in package["x_closures"]} == {
        "Christmas and New Year",
        "Staff training day",
    }
    assert package["x_translations"][0]["text"] == "Zabawa z dziećmi"


# --------------------------------------------------------------------------- import


def test_import_into_an_empty_directory_round_trips(
    directory: Session, other_session: Session
) -> None:
    package = hsds.export_directory(directory)
    report = hsds.import_directory(other_session, package)
    assert (report.services_new, report.services_updated) == (5, 0)
    assert report.summary().startswith("Imported 5 services (5 new, 0 updated), 4 locations")
    assert counts(other_session) == counts(directory)
    assert comparable(hsds.export_directory(other_session)) == comparable(package)


def test_reimport_updates_in_place_and_removes_what_has_gone(
    directory: Session, other_session: Session
) -> None:
    package = hsds.export_directory(directory)
    hsds.import_directory(other_session, package)
    before = counts(other_session)

    again = hsds.import_directory(other_session, package)
    assert (again.services_new, again.services_updated) == (0, 5)
    assert counts(other_session) == before

    edited = copy.deepcopy(package)
    feeding = service_named(edited, "Breastfeeding drop-in")
    feeding["description"] = "Now with a peer supporter every week."
    feeding["languages"] = [lang for lang in feeding["languages"] if lang["code"] == "en"]
    feeding["phones"] = []
    oakleigh = next(
        sal for sal in feeding["service_at_locations"] if sal["location_id"] == fx.OAKLEIGH
    )
    oakleigh["schedules"] = []
    hsds.import_directory(other_session, edited)

    other_session.expire_all()
    service = other_session.get_one(Service, fx.S_BREASTFEEDING)
    assert service.description == "Now with a peer supporter every week."
    assert [lang.code for lang in service.languages] == ["en"]
    assert service.phones == []
    after = counts(other_session)
    assert after["service"] == before["service"]
    assert after["language"] == before["language"] - 1
    assert after["phone"] == before["phone"] - 1
    assert after["schedule"] == before["schedule"] - 1


def test_a_bare_list_of_hsds_services_is_accepted(
    directory: Session, other_session: Session
) -> None:
    services = hsds.export_directory(directory)["services"]
    report = hsds.import_directory(other_session, services)
    assert report.services_new == 5
    assert report.closures is None  # the file said nothing about closures


def rejected(session: Session, path: Path) -> list[str]:
    with pytest.raises(hsds.ImportValidationError) as caught:
        hsds.import_file(session, path)
    return [str(p) for p in caught.value.problems]


def test_a_bad_time_is_rejected_with_its_path_and_line_and_nothing_is_loaded(
    directory: Session, other_session: Session, tmp_path: Path
) -> None:
    package = hsds.export_directory(directory)
    index = next(i for i, s in enumerate(package["services"]) if s["id"] == fx.S_COURSE)
    package["services"][index]["service_at_locations"][0]["schedules"][0]["opens_at"] = "25:00"
    package["services"][0]["description"] = "This edit must not be saved."
    path = write(tmp_path / "bad.json", package)

    problems = rejected(other_session, path)

    line = line_of(path.read_text(encoding="utf-8"), '"opens_at": "25:00"')
    assert problems == [
        f"services[{index}].service_at_locations[0].schedules[0].opens_at (line {line}): "
        "'25:00' is not a time (HH:MM, 24-hour clock)"
    ]
    assert all(n == 0 for n in counts(other_session).values())
    # The same file against a loaded directory changes nothing either.
    rejected(directory, path)
    directory.expire_all()
    first = directory.get_one(Service, package["services"][0]["id"])
    assert first.description != "This edit must not be saved."


def test_unknown_taxonomy_term_and_missing_name_are_each_reported(
    directory: Session, other_session: Session, tmp_path: Path
) -> None:
    package = hsds.export_directory(directory)
    package["taxonomy_terms"] = []
    stray = "7f1b6c7e-0000-4000-8000-000000000000"
    first, second = package["services"][0], package["services"][1]
    first["attributes"] = [{"id": fx.fid("attr", "x"), "taxonomy_term_id": stray}]
    del second["name"]
    path = write(tmp_path / "bad.json", package)
    text = path.read_text(encoding="utf-8")

    problems = rejected(other_session, path)

    assert (
        f"services[0].attributes[0].taxonomy_term_id (line {line_of(text, stray)}): "
        f"unknown taxonomy term id '{stray}': it is neither in this file nor in the directory"
    ) in problems
    second_line = line_of(text, f'"id": "{second["id"]}"') - 1  # the object's opening brace
    assert f"services[1] (line {second_line}): 'name' is a required property" in problems
    assert len(problems) == 2
    assert counts(other_session)["service"] == 0


@pytest.mark.parametrize(
    ("byday", "freq", "message"),
    [
        ("MON", "WEEKLY", "'MON' is not a day: use MO, TU, WE, TH, FR, SA or SU"),
        ("1TU", "WEEKLY", "'1TU': a numbered day needs freq MONTHLY"),
        ("9TU", "MONTHLY", "'9TU': the number must be 1 to 5 or -1 to -5"),
    ],
)
def test_invalid_byday_values_are_rejected(
    directory: Session, other_session: Session, byday: str, freq: str, message: str
) -> None:
    package = hsds.export_directory(directory)
    schedule = package["services"][0]["service_at_locations"][0]["schedules"][0]
    schedule["byday"], schedule["freq"] = byday, freq
    with pytest.raises(hsds.ImportValidationError) as caught:
        hsds.import_directory(other_session, package)
    [problem] = caught.value.problems
    assert hsds.format_path(problem.path).endswith("schedules[0].byday")
    assert problem.message.startswith(message)


def test_a_schedule_that_closes_before_it_opens_is_rejected(
    directory: Session, other_session: Session
) -> None:
    package = hsds.export_directory(directory)
    schedule = package["locations"][0]["schedules"][0]
    schedule["opens_at"], schedule["closes_at"] = "17:00", "09:00"
    with pytest.raises(hsds.ImportValidationError) as caught:
        hsds.import_directory(other_session, package)
    assert [str(p) for p in caught.value.problems] == [
        "locations[0].schedules[0].closes_at: must be after opens_at"
    ]


def test_files_that_are_not_json_or_missing_get_a_one_line_error(
    tmp_path: Path, app_settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"services": [\n  {"id": "x",}\n]}', encoding="utf-8")
    assert hsds.import_cli(broken) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Import failed:") and "not valid JSON" in err and "line 2" in err
    assert "\n" not in err

    assert hsds.import_cli(tmp_path / "nowhere.json") == 2
    assert "no such file" in capsys.readouterr().err


# --------------------------------------------------------------------------- command line


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url, "ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "-m", "directory", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_line_export_then_import_into_another_database(
    directory: Session, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "directory.json"
    exported = run_cli("export", str(out), database_url=database_url)
    assert exported.returncode == 0, exported.stderr
    package = json.loads(out.read_text(encoding="utf-8"))
    assert len(package["services"]) == 5

    target = f"sqlite:///{tmp_path / 'target.db'}"
    migrate(target)
    first = run_cli("import", str(out), database_url=target)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Imported 5 services (5 new, 0 updated), 4 locations")
    second = run_cli("import", str(out), database_url=target)
    assert second.stdout.startswith("Imported 5 services (0 new, 5 updated)")

    package["services"][0]["status"] = "open"
    bad = write(tmp_path / "bad.json", package)
    refused = run_cli("import", str(bad), database_url=target)
    assert refused.returncode == 1
    assert "was not imported: 1 problem found. Nothing was changed." in refused.stderr
    assert "   1. services[0].status (line " in refused.stderr
    assert "'open' is not one of" in refused.stderr

    to_stdout = run_cli("export", database_url=target)
    original = json.loads(out.read_text(encoding="utf-8"))
    assert comparable(json.loads(to_stdout.stdout)) == comparable(original)

    garbage = tmp_path / "garbage.json"
    garbage.write_text("services: []", encoding="utf-8")
    assert run_cli("import", str(garbage), database_url=target).returncode == 2
