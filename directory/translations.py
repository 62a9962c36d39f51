"""Translated directory text: loading the sample translations, reading with English fallback,
and the staff report of what is still missing.

Parent-facing fields of services, locations (hubs) and sessions (schedules with their own
name) live in the `translation` table, one row per record, field and language. A field with
no row in the parent's language is shown in English and flagged, so the bot can say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from directory.models import Base, Location, Schedule, Service, Translation

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "sample_data" / "translations"

# entity_type (the HSDS table name) -> model and the fields parents read.
MODELS: dict[str, type[Base]] = {"service": Service, "location": Location, "schedule": Schedule}
FIELDS: dict[str, tuple[str, ...]] = {
    "service": ("name", "description", "how_to_access"),
    "location": ("description", "accessibility", "transport"),
    "schedule": ("name",),
}
# Section of a translation file -> (entity_type, stable_id kind of the sample data).
SECTIONS = {
    "services": ("service", "service"),
    "locations": ("location", "location"),
    "sessions": ("schedule", "session"),
}

Texts = dict[str, dict[str, tuple[str, bool]]]


class TranslationFileError(ValueError):
    """A translation file says something the loader cannot use (named in the message)."""


@dataclass(frozen=True)
class LoadResult:
    """What `load_translations` wrote, and keys that name no record (skipped)."""

    written: int
    skipped: list[str] = field(default_factory=list)


def _clean(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _entries(path: Path) -> Iterable[tuple[str, str, str, str, bool]]:
    """(section, key, field, text, needs_review) for each text of one file."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise TranslationFileError(f"{path.name}: expected a mapping at the top")
    whole_file = data.get("needs_review") is True  # every text of the file is uncertain
    for section, (entity_type, _) in SECTIONS.items():
        for key, entry in (data.get(section) or {}).items():
            if isinstance(entry, str) and entity_type == "schedule":
                entry = {"name": entry}
            if not isinstance(entry, dict):
                raise TranslationFileError(f"{path.name}: {section}: {key}: expected fields")
            review = entry.get("needs_review", False)
            for name, text in entry.items():
                if name == "needs_review":
                    continue
                if name not in FIELDS[entity_type]:
                    raise TranslationFileError(
                        f"{path.name}: {section}: {key}: {name!r} is not translated "
                        f"(use {', '.join(FIELDS[entity_type])})"
                    )
                flagged = (
                    whole_file or review is True or (isinstance(review, list) and name in review)
                )
                yield section, str(key), name, _clean(text), flagged


def load_translations(session: Session, files: Iterable[Path] | None = None) -> LoadResult:
    """Insert or update the translations in `files` (default: the sample ones) and flush.

    The file name is the language (`pl.yml`); keys are the sample data's keys (service key,
    hub key, "service/hub/index" for a session). Keys that name no record are skipped.
    """
    from directory.sample_data import stable_id

    paths = sorted(TRANSLATIONS_DIR.glob("*.yml")) if files is None else list(files)
    wanted: dict[tuple[str, str, str, str], tuple[str, bool]] = {}
    labels: dict[str, str] = {}
    for path in paths:
        language = path.stem
        if language not in LANGUAGES:
            raise TranslationFileError(f"{path.name}: the name must be one of {LANGUAGES}")
        for section, key, name, text, review in _entries(path):
            entity_type, kind = SECTIONS[section]
            entity_id = stable_id(kind, key)
            labels[entity_id] = f"{language}.yml: {section}: {key}"
            if text:
                wanted[(entity_type, entity_id, name, language)] = (text, review)
    known: set[str] = set()
    for entity_type, model in MODELS.items():
        ids = {k[1] for k in wanted if k[0] == entity_type}
        if ids:
            id_column: Any = model.__table__.c.id
            known |= set(session.scalars(select(id_column).where(id_column.in_(ids))))
    skipped = sorted({labels[k[1]] for k in wanted if k[1] not in known})
    wanted = {k: v for k, v in wanted.items() if k[1] in known}
    existing = {
        (t.entity_type, t.entity_id, t.field, t.language): t
        for t in session.scalars(
            select(Translation).where(
                Translation.entity_type.in_(MODELS),
                Translation.language.in_({k[3] for k in wanted}),
            )
        )
    }
    for (entity_type, entity_id, name, language), (text, review) in wanted.items():
        row = existing.get((entity_type, entity_id, name, language))
        if row is None:
            session.add(
                Translation(
                    entity_type=entity_type,
                    entity_id=entity_id,
                    field=name,
                    language=language,
                    text=text,
                    needs_review=review,
                )
            )
        elif row.text != text or row.needs_review != review:
            row.text, row.needs_review = text, review
    session.flush()
    return LoadResult(written=len(wanted), skipped=skipped)


def _check(entity_type: str, fields: Sequence[str]) -> type[Base]:
    if entity_type not in MODELS:
        raise ValueError(f"entity_type must be one of {sorted(MODELS)}")
    unknown = [f for f in fields if f not in FIELDS[entity_type]]
    if unknown:
        raise ValueError(f"{entity_type} has no translated field {unknown}")
    return MODELS[entity_type]


def translated(
    session: Session,
    entity_type: str,
    ids: Iterable[str],
    language: str,
    fields: Sequence[str],
) -> Texts:
    """`{id: {field: (text, is_fallback)}}` in `language`, English where untranslated.

    One query: the records' English fields, outer-joined to each field's translation.
    `is_fallback` is true when the English text is shown instead of `language`'s
    (never for English, nor for an empty English field).
    """
    model = _check(entity_type, fields)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    table = model.__table__.c
    columns: list[Any] = [table.id, *(table[f] for f in fields)]
    query = select(*columns).where(table.id.in_(wanted))
    translate = language != DEFAULT_LANGUAGE
    if translate:
        for name in fields:
            alias = aliased(Translation, name=f"t_{name}")
            query = query.outerjoin(
                alias,
                and_(
                    alias.entity_type == entity_type,
                    alias.entity_id == table.id,
                    alias.field == name,
                    alias.language == language,
                ),
            ).add_columns(alias.text)
    result: Texts = {}
    for row in session.execute(query):
        english = list(row[1 : 1 + len(fields)])
        local = list(row[1 + len(fields) :]) if translate else [None] * len(fields)
        texts: dict[str, tuple[str, bool]] = {}
        for name, en_text, text in zip(fields, english, local, strict=True):
            if text:
                texts[name] = (text, False)
            else:
                texts[name] = (en_text or "", translate and bool(en_text))
        result[row[0]] = texts
    return result


def any_fallback(texts: Mapping[str, tuple[str, bool]] | None) -> bool:
    """Whether any field of one record fell back to English."""
    return any(fell_back for _, fell_back in (texts or {}).values())


# ------------------------------------------------------------------ what staff still need


@dataclass(frozen=True)
class MissingText:
    """A record with no text in a language for some of its fields."""

    entity_type: str
    entity_id: str
    name: str
    fields: tuple[str, ...]


@dataclass
class MissingReport:
    """Per language: directory records lacking text, bot texts lacking text, and totals."""

    languages: tuple[str, ...]
    directory: dict[str, list[MissingText]]
    content: dict[str, list[str]]
    totals: dict[str, int]  # records with text to translate, by entity_type

    def count(self, language: str) -> int:
        return len(self.directory.get(language, [])) + len(self.content.get(language, []))

    def format(self, details: bool = True) -> str:
        """A readable report: counts per language, then (with details) each missing item."""
        kinds = ", ".join(f"{n} {t}s" for t, n in self.totals.items())
        lines = [f"Translatable directory records: {kinds}"]
        for language in self.languages:
            records = self.directory.get(language, [])
            by_type = {t: sum(m.entity_type == t for m in records) for t in self.totals}
            summary = ", ".join(f"{n} {t}s" for t, n in by_type.items())
            content = self.content.get(language, [])
            lines.append(
                f"\n[{language}] {len(records)} directory records missing text ({summary}); "
                f"{len(content)} bot texts missing"
            )
            if details:
                lines += [
                    f"  - {m.entity_type} {m.name!r} ({m.entity_id}): {', '.join(m.fields)}"
                    for m in records
                ]
                lines += [f"  - bot text {key}" for key in content]
        return "\n".join(lines)


def missing(session: Session, languages: Iterable[str] = LANGUAGES) -> MissingReport:
    """Services, hubs and named sessions with no text in each language, and bot texts."""
    from directory.content import missing_translations

    langs = tuple(languages)
    found = session.execute(
        select(
            Translation.entity_type, Translation.entity_id, Translation.field, Translation.language
        ).where(Translation.entity_type.in_(MODELS), Translation.language.in_(langs))
    )
    have = {(t, i, f, lang) for t, i, f, lang in found}
    records: list[tuple[str, str, str, tuple[str, ...]]] = []  # type, id, label, fields
    services = session.execute(
        select(Service.id, Service.name, Service.description, Service.how_to_access)
        .where(Service.status == "active")
        .order_by(Service.name)
    )
    for sid, name, description, access in services:
        texts = {"name": name, "description": description, "how_to_access": access}
        records.append(("service", sid, name, tuple(f for f, t in texts.items() if t)))
    locations = session.execute(
        select(
            Location.id,
            Location.name,
            Location.description,
            Location.accessibility,
            Location.transport,
        ).order_by(Location.name)
    )
    for lid, name, description, access, transport in locations:
        texts = {"description": description, "accessibility": access, "transport": transport}
        records.append(("location", lid, name, tuple(f for f, t in texts.items() if t)))
    sessions = session.execute(
        select(Schedule.id, Schedule.name)
        .where(Schedule.service_at_location_id.is_not(None), Schedule.name.is_not(None))
        .order_by(Schedule.name)
    )
    for sched_id, session_name in sessions:
        if session_name:
            records.append(("schedule", sched_id, session_name, ("name",)))
    records = [r for r in records if r[3]]
    totals = {t: sum(r[0] == t for r in records) for t in MODELS}
    directory: dict[str, list[MissingText]] = {}
    for language in langs:
        rows: list[MissingText] = []
        directory[language] = rows
        for entity_type, entity_id, label, fields in records:
            lacking = tuple(f for f in fields if (entity_type, entity_id, f, language) not in have)
            if lacking:
                rows.append(MissingText(entity_type, entity_id, label, lacking))
    return MissingReport(
        languages=langs,
        directory=directory,
        content=missing_translations(session, langs),
        totals=totals,
    )
