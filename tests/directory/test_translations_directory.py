"""Translated directory text: the sample files, the loader, English fallback, the staff report."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from directory.__main__ import main
from directory.content import seed_content
from directory.core import config
from directory.models import Service, Translation
from directory.sample_data import DATA_DIR, load_sample, stable_id
from directory.translations import (
    FIELDS,
    LANGUAGES,
    SECTIONS,
    TRANSLATIONS_DIR,
    load_translations,
    missing,
    translated,
)

STAY_AND_PLAY = stable_id("service", "stay-and-play")
PHONE = "01632 960999"


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Translation)) or 0


def _sample_keys() -> dict[str, set[str]]:
    """The keys each section of a translation file may use, from the sample data."""
    services: set[str] = set()
    sessions: set[str] = set()
    for path in sorted((DATA_DIR / "services").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["services"]:
            services.add(item["key"])
            for hub, rows in (item.get("at") or {}).items():
                for index, row in enumerate(rows or []):
                    if row.get("name"):
                        sessions.add(f"{item['key']}/{hub}/{index}")
    hubs = yaml.safe_load((DATA_DIR / "hubs.yml").read_text(encoding="utf-8"))["hubs"]
    return {"services": services, "locations": {h["key"] for h in hubs}, "sessions": sessions}


# Languages whose files hold only service and session names (the rest falls back). None
# now: every language has names, descriptions, how to access and the hubs' texts.
NAMES_ONLY: tuple[str, ...] = ()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_a_file_covering_the_sample_directory(language: str) -> None:
    path = TRANSLATIONS_DIR / f"{language}.yml"
    text = path.read_text(encoding="utf-8")
    assert "FICTIONAL" in text.splitlines()[0]
    assert "native review" in text[:1000].lower()
    data = yaml.safe_load(text)
    for section, keys in _sample_keys().items():
        entries = data.get(section) or {}
        if language in NAMES_ONLY and section == "locations":
            continue
        assert set(entries) == keys, (section, sorted(set(entries) ^ keys))
        entity_type = SECTIONS[section][0]
        wanted = {"name"} if language in NAMES_ONLY else set(FIELDS[entity_type])
        for key, entry in entries.items():
            fields = {"name": entry} if isinstance(entry, str) else entry
            texts = {f: t for f, t in fields.items() if f != "needs_review"}
            assert set(texts) == wanted, (key, sorted(texts))
            assert all(isinstance(t, str) and t.strip() for t in texts.values()), key
    if language in NAMES_ONLY:
        assert data["needs_review"] is True
    else:  # Numbers a parent must dial stay exactly as in English.
        assert PHONE in data["services"]["housing-options"]["how_to_access"]


def test_loading_is_idempotent_and_updates_in_place(session: Session, tmp_path: Path) -> None:
    load_sample(session)
    session.commit()
    first = _count(session)
    assert first >= 5 * 333 + 4 * 134
    load_sample(session)
    session.commit()
    assert _count(session) == first

    edited = tmp_path / "pl.yml"
    edited.write_text(
        "services:\n  stay-and-play:\n    name: Zabawa\n    needs_review: [name]\n",
        encoding="utf-8",
    )
    result = load_translations(session, [edited])
    session.commit()
    assert result.written == 1 and not result.skipped
    assert _count(session) == first
    row = session.scalars(
        select(Translation).where(
            Translation.entity_id == STAY_AND_PLAY,
            Translation.field == "name",
            Translation.language == "pl",
        )
    ).one()
    assert (row.text, row.needs_review) == ("Zabawa", True)


def test_unknown_keys_are_skipped_and_named(session: Session, tmp_path: Path) -> None:
    load_sample(session)
    path = tmp_path / "ro.yml"
    path.write_text("services:\n  no-such-service: {name: Nimic}\n", encoding="utf-8")
    result = load_translations(session, [path])
    assert result.written == 0
    assert result.skipped == ["ro.yml: services: no-such-service"]


def test_translated_gives_polish_and_falls_back_to_english_in_one_query(
    session: Session,
) -> None:
    load_sample(session)
    session.commit()
    session.execute(
        Translation.__table__.delete().where(
            Translation.entity_id == STAY_AND_PLAY,
            Translation.language == "pl",
            Translation.field == "how_to_access",
        )
    )
    other = stable_id("service", "baby-massage")
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        texts = translated(session, "service", [STAY_AND_PLAY, other], "pl", FIELDS["service"])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1
    english = session.get(Service, STAY_AND_PLAY)
    assert english is not None
    name, name_fallback = texts[STAY_AND_PLAY]["name"]
    assert name.startswith("Stay and play – zabawa") and not name_fallback
    assert texts[STAY_AND_PLAY]["how_to_access"] == (english.how_to_access, True)
    assert not any(fell for _, fell in texts[other].values())
    in_english = translated(session, "service", [STAY_AND_PLAY], "en", ("name",))
    assert in_english == {STAY_AND_PLAY: {"name": ("Stay and play", False)}}
    assert translated(session, "service", [], "pl", ("name",)) == {}
    with pytest.raises(ValueError):
        translated(session, "service", [STAY_AND_PLAY], "pl", ("id",))


def test_missing_lists_a_service_without_polish_text(session: Session) -> None:
    load_sample(session)
    seed_content(session)
    session.execute(
        Translation.__table__.delete().where(
            Translation.entity_id == STAY_AND_PLAY, Translation.language == "pl"
        )
    )
    report = missing(session, ["pl", "ro"])
    polish = report.directory["pl"]
    assert [(m.entity_id, m.fields) for m in polish] == [
        (STAY_AND_PLAY, ("name", "description", "how_to_access"))
    ]
    assert polish[0].name == "Stay and play"
    assert report.totals == {"service": 86, "location": 9, "schedule": 48}
    assert report.content == {"pl": [], "ro": []}
    text = report.format()
    assert "[pl] 1 directory records missing text (1 services" in text
    assert "'Stay and play'" in text


def test_cli_prints_counts_and_the_missing_list(
    app_settings: config.Settings, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    load_sample(session)
    session.execute(
        Translation.__table__.delete().where(
            Translation.entity_id == STAY_AND_PLAY, Translation.language == "pl"
        )
    )
    session.commit()
    assert main(["translations", "--missing", "--language", "pl"]) == 0
    out = capsys.readouterr().out
    assert "[pl] 1 directory records missing text" in out
    assert "service 'Stay and play'" in out
    assert "[ro]" not in out
    assert main(["translations"]) == 0
    out = capsys.readouterr().out
    assert "[uk] 0 directory records missing text" in out
    for language in ("ar", "bn", "pa", "ur"):
        assert f"[{language}] 0 directory records missing text" in out
    assert "Stay and play" not in out
    assert main(["translations", "--language", "xx"]) == 2
