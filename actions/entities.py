"""Rule-based entity extraction: a child's age, pregnancy, places, postcodes, days and times.

A blank spaCy pipeline tokenises the message; a `Matcher` finds ages, days and times, an
`EntityRuler` finds hub and area names, and a regular expression finds UK postcodes. The
words live in one `Lexicon` per language (English now; other languages add theirs to
`LEXICONS`), and English words are always tried as well because parents mix languages.

Place names are read from the directory at run time (`PlaceIndex`), so a hub staff add is
recognised without retraining. Nothing is built at import time: the pipeline is built on
first use and cached.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKS_PER_MONTH = 4.345


@dataclass(frozen=True)
class Lexicon:
    """The words of one language that the extractor understands."""

    numbers: dict[str, float]
    half: tuple[str, ...]  # "two and a half" -> the words after the number
    months: tuple[str, ...]
    years: tuple[str, ...]
    weeks: tuple[str, ...]
    days_unit: tuple[str, ...]
    old: tuple[str, ...]
    aged: tuple[str, ...]  # words before a bare number meaning "aged"
    is_words: tuple[str, ...]  # "she is 3", "he's 3", "turned 3"
    clause_words: tuple[str, ...]  # words that may follow a bare age ("she's 3 and ...")
    pregnant: tuple[str, ...]  # phrases meaning expecting a baby
    newborn: tuple[str, ...]
    teenager: tuple[str, ...]
    toddler: tuple[str, ...]
    weekdays: dict[str, str]  # word -> canonical weekday
    relative_days: dict[str, str]  # phrase -> today / tomorrow / weekend
    times_of_day: dict[str, str]  # phrase -> morning / afternoon / evening / after_school
    place_suffixes: tuple[str, ...]  # words people add to a hub name ("family hub")
    session_kinds: dict[str, str]  # phrase -> session_kind of the timetable


EN = Lexicon(
    numbers={
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "twenty one": 21,
        "twenty two": 22,
        "twenty three": 23,
        "twenty four": 24,
        "twenty five": 25,
        "thirty": 30,
        "thirty six": 36,
    },
    half=("and a half", "and half", "½"),
    months=("month", "months", "mth", "mths", "mo", "mos", "m/o"),
    years=("year", "years", "yr", "yrs", "yo", "y/o", "yos"),
    weeks=("week", "weeks", "wk", "wks"),
    days_unit=("day", "days"),
    old=("old",),
    aged=("aged", "age", "ages"),
    is_words=("is", "'s", "s", "turned", "turning", "nearly", "almost"),
    clause_words=("and", "last", "but", "so", "now", "next", "soon", "in", "this", "today", "too"),
    pregnant=(
        "pregnant",
        "expecting",
        "expecting a baby",
        "having a baby",
        "due in",
        "due date",
        "my bump",
        "antenatal",
        "mum to be",
        "mom to be",
    ),
    newborn=("newborn", "new born", "new baby", "just had a baby", "just given birth"),
    teenager=("teenager", "teenagers", "teen", "teens", "adolescent"),
    toddler=("toddler", "toddlers"),
    weekdays={
        **{d: d for d in WEEKDAYS},
        **{d + "s": d for d in WEEKDAYS},
        "mon": "monday",
        "tue": "tuesday",
        "tues": "tuesday",
        "wed": "wednesday",
        "weds": "wednesday",
        "thu": "thursday",
        "thur": "thursday",
        "thurs": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    },
    relative_days={
        "today": "today",
        "tonight": "today",
        "this morning": "today",
        "this afternoon": "today",
        "right now": "today",
        "now": "today",
        "tomorrow": "tomorrow",
        "tmrw": "tomorrow",
        "weekend": "weekend",
        "this weekend": "weekend",
        "the weekend": "weekend",
    },
    times_of_day={
        "morning": "morning",
        "mornings": "morning",
        "afternoon": "afternoon",
        "afternoons": "afternoon",
        "evening": "evening",
        "evenings": "evening",
        "tonight": "evening",
        "after school": "after_school",
        "afterschool": "after_school",
    },
    place_suffixes=("family hub", "hub", "children's centre", "childrens centre", "centre"),
    session_kinds={
        "stay and play": "stay_and_play",
        "stay & play": "stay_and_play",
        "play session": "stay_and_play",
        "playgroup": "stay_and_play",
        "play group": "stay_and_play",
        "baby group": "baby_group",
        "baby groups": "baby_group",
        "baby class": "baby_group",
        "baby massage": "baby_group",
        "breastfeeding": "breastfeeding",
        "breast feeding": "breastfeeding",
        "feeding": "breastfeeding",
        "weigh": "weigh_in",
        "weighed": "weigh_in",
        "weighing": "weigh_in",
        "weigh in": "weigh_in",
        "dads": "dads_group",
        "dad's": "dads_group",
        "dads group": "dads_group",
        "fathers": "dads_group",
        "quiet play": "send_group",
        "additional needs": "send_group",
        "send": "send_group",
        "autism": "send_group",
        "chat play read": "chat_play_read",
        "chat, play, read": "chat_play_read",
        "story time": "chat_play_read",
        "storytime": "chat_play_read",
        "parenting course": "parenting_course",
        "parenting class": "parenting_course",
        "register a birth": "registration",
        "registration": "registration",
        "registering": "registration",
        "youth club": "youth_club",
        "teen": "youth_club",
        "teens": "youth_club",
        "advice": "advice_drop_in",
        "drop in": "advice_drop_in",
        "debt": "advice_drop_in",
        "clinic": "clinic",
        "course": "course",
        "class": "course",
        "food": "food",
        "lunch": "food",
        "holiday club": "holiday_activities",
        "holiday activities": "holiday_activities",
        "antenatal": "antenatal",
        "pregnancy class": "antenatal",
        "support group": "support_group",
    },
)

LEXICONS: dict[str, Lexicon] = {"en": EN}

# Representative ages (months) for words that name an age group.
NEWBORN_MONTHS = 0.5
TODDLER_MONTHS = 24.0
TEENAGER_MONTHS = 180.0
MAX_AGE_MONTHS = 25 * 12

_POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
_DECIMAL_RE = re.compile(r"^\d{1,3}(?:\.\d+)?$")


@dataclass(frozen=True)
class Place:
    """A hub or area name parents may type, and the hub it points to."""

    phrase: str  # lower case, as typed
    name: str  # the hub's display name
    location_id: str


@dataclass
class Extracted:
    """What one message says about the family, the place and the day."""

    age_months: float | None = None
    pregnant: bool = False
    postcode: str | None = None
    place: str | None = None
    location_id: str | None = None
    day: str | None = None
    time_of_day: str | None = None
    spans: list[tuple[str, str]] = field(default_factory=list)  # (label, text) for debugging


@lru_cache(maxsize=1)
def _all_lexicons() -> dict[str, Lexicon]:
    from actions import entity_lexicons  # imported late: those modules import Lexicon from here

    return {**entity_lexicons.load(), **LEXICONS}


def lexicons_for(language: str | None) -> list[Lexicon]:
    """The lexicons to try for `language`: its own first, then English."""
    lexicons = _all_lexicons()
    found = [lexicons[language]] if language in lexicons and language != "en" else []
    return [*found, EN]


def normalise_postcode_text(text: str) -> str | None:
    """A full UK postcode in standard form, using the directory's rules when available."""
    try:
        from directory.geo import normalise_postcode
    except ImportError:  # pragma: no cover - the directory always ships geo
        compact = re.sub(r"\s+", "", text).upper()
        match = re.fullmatch(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})", compact)
        return f"{match.group(1)} {match.group(2)}" if match else None
    return normalise_postcode(text)


def find_postcode(text: str) -> str | None:
    """The first valid UK postcode in `text`, normalised ("CK1 4QP")."""
    for match in _POSTCODE_RE.finditer(text):
        postcode = normalise_postcode_text(match.group(1) + match.group(2))
        if postcode:
            return postcode
    return None


@lru_cache(maxsize=1)
def _blank_nlp() -> Any:
    import spacy

    return spacy.blank("xx")


def _tokens(text: str) -> list[str]:
    """Lower-case tokens of `text` (spaCy's multilingual tokenizer, hyphens split)."""
    cleaned = re.sub(r"(?<=\w)[-–](?=\w)", " ", text.lower())
    cleaned = re.sub(r"(\d)([a-z/]+)\b", r"\1 \2", cleaned)  # "18months", "2yo" -> "18 months"
    cleaned = cleaned.replace("’", "'")
    doc = _blank_nlp().make_doc(cleaned)
    return [t.text for t in doc if not t.is_space]


def _phrase_at(tokens: list[str], i: int, phrases: Iterable[str]) -> int:
    """Length in tokens of the longest phrase of `phrases` starting at token `i` (0 if none)."""
    best = 0
    for phrase in phrases:
        words = phrase.split()
        if tokens[i : i + len(words)] == words and len(words) > best:
            best = len(words)
    return best


def _number_at(tokens: list[str], i: int, lex: Lexicon) -> tuple[float, int] | None:
    """The number starting at token `i` and how many tokens it takes ("two and a half")."""
    value: float | None = None
    used = 0
    if _DECIMAL_RE.match(tokens[i]):
        value, used = float(tokens[i]), 1
    else:
        length = _phrase_at(tokens, i, lex.numbers)
        if length:
            value = float(lex.numbers[" ".join(tokens[i : i + length])])
            used = length
    if value is None:
        return None
    half = _phrase_at(tokens, i + used, lex.half)
    if half:
        value += 0.5
        used += half
    return value, used


def _age_from_tokens(tokens: list[str], lex: Lexicon, expect_age: bool) -> tuple[Any, bool]:
    """(age in months or None, pregnant) from the tokens, using one lexicon."""
    pregnant = any(_phrase_at(tokens, i, lex.pregnant) for i in range(len(tokens)))
    for i in range(len(tokens)):
        number = _number_at(tokens, i, lex)
        if number is None:
            continue
        value, used = number
        j = i + used
        unit = tokens[j] if j < len(tokens) else ""
        # "a year and a half": the half comes after the unit
        after_unit_half = _phrase_at(tokens, j + 1, lex.half) if unit else 0
        if after_unit_half:
            value += 0.5
        nxt = tokens[j + 1 + after_unit_half] if j + 1 + after_unit_half < len(tokens) else ""
        # "7 mahine ki pregnant", "৭ মাসের গর্ভবতী": a small word may sit before "pregnant".
        then = tokens[j + 2 + after_unit_half] if j + 2 + after_unit_half < len(tokens) else ""
        if unit in lex.weeks or unit in lex.months:
            before = tokens[max(0, i - 2) : i]  # "embarazada de 7 meses"
            if (
                nxt in lex.pregnant
                or then in lex.pregnant
                or any(word in lex.pregnant for word in before)
                or (pregnant and unit in lex.weeks and nxt not in lex.old)
            ):
                pregnant = True
                continue  # "20 weeks pregnant" is not the child's age
            months = value if unit in lex.months else value / WEEKS_PER_MONTH
            return round(months, 1), pregnant
        if unit in lex.days_unit and nxt in lex.old:
            return 0.0, pregnant
        if unit in lex.years:
            if tokens[i] in ("a", "an") and nxt not in lex.old and not after_unit_half:
                continue  # "a year ago"
            return value * 12, pregnant
        if tokens[i] in ("a", "an"):
            continue
        ends = not unit or not unit.isalpha() or unit in lex.clause_words
        if i > 0 and ends and value <= 19 and tokens[i - 1] in (*lex.aged, *lex.is_words):
            return value * 12, pregnant  # "aged 7", "she's 3"
        if value != int(value) and value <= 19:
            return value * 12, pregnant  # "two and a half"
        if expect_age and len(tokens) <= 4 and value <= 19:
            return value * 12, pregnant
    for i in range(len(tokens)):
        if _phrase_at(tokens, i, lex.newborn):
            return NEWBORN_MONTHS, pregnant
        if _phrase_at(tokens, i, lex.teenager):
            return TEENAGER_MONTHS, pregnant
        if _phrase_at(tokens, i, lex.toddler):
            return TODDLER_MONTHS, pregnant
    return None, pregnant


def extract_age(
    text: str, language: str | None = "en", *, expect_age: bool = False
) -> tuple[float | None, bool]:
    """(child's age in months, whether someone is pregnant) said in `text`.

    `expect_age` (the bot has just asked the age) lets a bare number mean years ("2").
    """
    tokens = _tokens(text)
    pregnant = False
    for lex in lexicons_for(language):
        # Once one lexicon has read a pregnancy, a bare number is not the child's age.
        age, is_pregnant = _age_from_tokens(tokens, lex, expect_age and not pregnant)
        pregnant = pregnant or is_pregnant
        if age is not None and age <= MAX_AGE_MONTHS:
            return age, pregnant
    return None, pregnant


def extract_day(text: str, language: str | None = "en") -> tuple[str | None, str | None]:
    """(day, time of day) named in `text`: day is a weekday, "today", "tomorrow" or "weekend"."""
    tokens = _tokens(text)
    day: str | None = None
    time_of_day: str | None = None
    for lex in lexicons_for(language):
        for i, token in enumerate(tokens):
            if day is None and token in lex.weekdays:
                day = lex.weekdays[token]
            if day is None:
                length = _phrase_at(tokens, i, lex.relative_days)
                if length:
                    day = lex.relative_days[" ".join(tokens[i : i + length])]
            if time_of_day is None:
                length = _phrase_at(tokens, i, lex.times_of_day)
                if length:
                    time_of_day = lex.times_of_day[" ".join(tokens[i : i + length])]
    return day, time_of_day


def extract_session_kind(text: str, language: str | None = "en") -> str | None:
    """The kind of session asked about ("any stay and play on tuesday" -> stay_and_play)."""
    tokens = [t.strip(",.!?") for t in _tokens(text.replace("&", " & "))]
    for lex in lexicons_for(language):
        best: tuple[int, str] | None = None
        for i in range(len(tokens)):
            length = _phrase_at(tokens, i, lex.session_kinds)
            if length and (best is None or length > best[0]):
                best = (length, lex.session_kinds[" ".join(tokens[i : i + length])])
        if best is not None:
            return best[1]
    return None


class PlaceIndex:
    """Hub and area names from the directory, matched with a spaCy EntityRuler.

    `refresh` replaces the names (the caller decides when, e.g. on a short TTL).
    """

    def __init__(self, places: Iterable[Place] = ()) -> None:
        self._lock = threading.Lock()
        self._nlp: Any = None
        self._places: dict[str, Place] = {}
        self.refresh(places)

    @property
    def places(self) -> list[Place]:
        return list(self._places.values())

    def refresh(self, places: Iterable[Place]) -> None:
        """Use `places` from now on (rebuilds the ruler's patterns)."""
        import spacy

        by_phrase = {p.phrase.lower().strip(): p for p in places if p.phrase.strip()}
        nlp = spacy.blank("xx")
        ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
        ruler.add_patterns(
            [{"label": "PLACE", "pattern": phrase, "id": phrase} for phrase in by_phrase]
        )
        with self._lock:
            self._nlp, self._places = nlp, by_phrase

    def find(self, text: str) -> Place | None:
        """The longest place name in `text`, if any."""
        with self._lock:
            nlp, places = self._nlp, self._places
        if not places:
            return None
        cleaned = re.sub(r"[-–]", " ", text).replace("’", "'")
        doc = nlp(cleaned)
        spans = sorted(doc.ents, key=lambda e: len(e.text), reverse=True)
        for ent in spans:
            place = places.get(ent.ent_id_ or ent.text.lower())
            if place is not None:
                return place
        return None


def place_phrases(name: str, alternate: str | None, area: str | None) -> list[str]:
    """Every phrase a parent might use for a hub: its names with and without 'hub' words."""
    phrases: set[str] = set()
    for text in (name, alternate, area):
        if not text:
            continue
        lowered = text.lower().replace("’", "'").replace("-", " ").strip()
        phrases.add(lowered)
        for suffix in EN.place_suffixes:
            if lowered.endswith(" " + suffix):
                phrases.add(lowered[: -len(suffix)].strip())
    return sorted(p for p in phrases if len(p) >= 3)


def extract(
    text: str,
    language: str | None = "en",
    places: PlaceIndex | None = None,
    *,
    expect_age: bool = False,
) -> Extracted:
    """Everything the extractor finds in one message."""
    result = Extracted()
    if not text or text.startswith("/"):
        return result
    text = text[:500]
    result.postcode = find_postcode(text)
    result.age_months, result.pregnant = extract_age(text, language, expect_age=expect_age)
    result.day, result.time_of_day = extract_day(text, language)
    if places is not None:
        place = places.find(text)
        if place is not None:
            result.place, result.location_id = place.name, place.location_id
    return result
