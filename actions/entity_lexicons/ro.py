"""Romanian words for the entity extractor, as Romanian parents in the UK type them.

Every word is listed as written with comma-below letters (ș, ț), with the older cedilla
letters (ş, ţ) that many phones still produce, and without diacritics ("sâmbătă",
"sambata"). Ages are NUMBER then UNIT ("2 ani", "18 luni", "6 săptămâni").

"luni" is both "months" and "Monday", so it is not a weekday by itself: only phrases that
can only mean Monday ("pe luni", "luni dimineața", "lunea") name the day.
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from actions.entities import Lexicon

_T = TypeVar("_T")
_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ"})


def _variants(text: str) -> tuple[str, ...]:
    """`text` with comma-below letters, with cedilla letters and without diacritics."""
    decomposed = unicodedata.normalize("NFD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(dict.fromkeys((text, text.translate(_CEDILLA), folded)))


def _words(*words: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(form for word in words for form in _variants(word)))


def _keyed(mapping: dict[str, _T]) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for key, value in mapping.items():
        for form in _variants(key):
            out.setdefault(form, value)
    return out


def _forms(canonical: str, *forms: str) -> dict[str, str]:
    return dict.fromkeys(forms, canonical)


_WEEKDAY_WORDS = ("marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică")
_MONDAY_PHRASES = (
    "lunea",
    "pe luni",
    "până luni",
    "din luni",
    "fiecare luni",
    "în fiecare luni",
    "această luni",
    "luni dimineață",
    "luni dimineața",
    "luni după amiază",
    "luni după amiaza",
    "luni după masă",
    "luni seară",
    "luni seara",
    "luni la ora",
    "luni până",
    "luni ?",
    *(f"luni și {day}" for day in _WEEKDAY_WORDS),
    *(f"luni sau {day}" for day in _WEEKDAY_WORDS),
    *(f"{day} și luni" for day in _WEEKDAY_WORDS),
    *(f"{day} sau luni" for day in _WEEKDAY_WORDS),
)

LEXICON = Lexicon(
    numbers=_keyed(
        {
            "un": 1,
            "unu": 1,
            "una": 1,
            "o": 1,  # "o lună", "o săptămână"
            "doi": 2,
            "două": 2,
            "trei": 3,
            "patru": 4,
            "cinci": 5,
            "șase": 6,
            "șapte": 7,
            "opt": 8,
            "nouă": 9,
            "zece": 10,
            "unsprezece": 11,
            "unșpe": 11,
            "doisprezece": 12,
            "douăsprezece": 12,
            "doișpe": 12,
            "treisprezece": 13,
            "treișpe": 13,
            "paisprezece": 14,
            "paișpe": 14,
            "cincisprezece": 15,
            "cinșpe": 15,
            "șaisprezece": 16,
            "șaișpe": 16,
            "șaptesprezece": 17,
            "șaptișpe": 17,
            "optsprezece": 18,
            "optișpe": 18,
            "nouăsprezece": 19,
            "nouășpe": 19,
            # from 20 Romanian puts "de" between the number and the noun ("24 de luni");
            # in words the "de" is part of the number, in digits it cannot be (see report)
            "douăzeci de": 20,
            "douăzeci și patru de": 24,
            "treizeci de": 30,
            "treizeci și șase de": 36,
            # "și jumătate" is not in `half`: "la 10 și jumătate" is half past ten, so the
            # common spelled-out halves are whole phrases instead
            "un an și jumătate": 1.5,
            "an și jumătate": 1.5,
            "doi ani și jumătate": 2.5,
            "trei ani și jumătate": 3.5,
            "patru ani și jumătate": 4.5,
            "jumătate de an": 0.5,
            "o jumătate de an": 0.5,
            **{f"{n},5": n + 0.5 for n in range(13)},  # "1,5 ani" (decimal comma)
        }
    ),
    half=(),
    months=_words("lună", "luna", "luni", "lunii", "lunițe", "lunuțe"),
    years=_words("an", "ani", "anul", "anului", "anii", "anișor", "anișori"),
    weeks=_words("săptămână", "săptămâna", "săptămâni", "săptămânii", "săpt"),
    days_unit=_words("zi", "zile", "zilei", "zilișoare"),
    old=_words("împliniți", "împlinite", "împlinit", "împlinită"),
    aged=_words("vârsta", "vârstă", "vârstei", "vârste"),
    is_words=_words(
        "are",  # "are 3" (has 3 = is 3)
        "au",
        "împlinit",  # "a împlinit 3"
        "împlinește",
        "face",
        "făcut",
        "aproape",
        "deja",
        "vreo",
    ),
    clause_words=_words("și", "iar", "dar", "acum", "în", "azi", "astăzi", "deja", "curând"),
    pregnant=_words(
        "însărcinată",
        "gravidă",
        "sarcină",
        "sarcina",
        "sarcinii",
        "aștept un copil",
        "aștept un bebe",
        "aștept un bebeluș",
        "așteptăm un copil",
        "așteptăm un bebeluș",
        "data nașterii",
        "termenul de naștere",
        "viitoare mamă",
        "viitoare mămică",
        "prenatal",
    ),
    newborn=_words(
        "nou născut",
        "nou născută",
        "nou născuți",
        "nou născutul",
        "tocmai am născut",
        "am născut recent",
        "abia am născut",
    ),
    teenager=_words(
        "adolescent",
        "adolescentă",
        "adolescentul",
        "adolescenta",
        "adolescenți",
        "adolescente",
        "adolescenții",
    ),
    toddler=_words("copil mic", "copii mici", "copilaș", "copilașul", "bebe mare"),
    weekdays=_keyed(
        {
            **_forms("tuesday", "marți", "marțea", "marțile"),
            **_forms("wednesday", "miercuri", "miercurea", "miercurile"),
            **_forms("thursday", "joi", "joia", "joile"),
            **_forms("friday", "vineri", "vinerea", "vinerile"),
            **_forms("saturday", "sâmbătă", "sâmbăta", "sâmbetele"),
            **_forms("sunday", "duminică", "duminica", "duminicile"),
        }
    ),
    relative_days=_keyed(
        {
            **_forms("monday", *_MONDAY_PHRASES),
            "azi": "today",
            "astăzi": "today",
            "acum": "today",
            "diseară": "today",
            "în seara asta": "today",
            "în dimineața asta": "today",
            "mâine": "tomorrow",
            "mâine dimineață": "tomorrow",
            "weekend": "weekend",
            "weekendul": "weekend",
            "weekendului": "weekend",
            "weekenduri": "weekend",
            "în weekend": "weekend",
            "sfârșit de săptămână": "weekend",
            "sfârșitul săptămânii": "weekend",
        }
    ),
    times_of_day=_keyed(
        {
            "dimineață": "morning",
            "dimineața": "morning",
            "de dimineață": "morning",
            "dimineți": "morning",
            "înainte de prânz": "morning",
            "după amiază": "afternoon",
            "după amiaza": "afternoon",
            "după amiezi": "afternoon",
            "după masă": "afternoon",
            "după masa": "afternoon",
            "seara": "evening",
            "seară": "evening",
            "serile": "evening",
            "diseară": "evening",
            "după școală": "after_school",
            "după ore": "after_school",
            "după cursuri": "after_school",
        }
    ),
    place_suffixes=_words(
        "family hub",
        "hub",
        "centrul familial",
        "centrul pentru familii",
        "centru pentru familii",
        "centrul",
        "centru",
    ),
    session_kinds=_keyed(
        {
            **_forms(
                "stay_and_play",
                "grup de joacă",
                "grupa de joacă",
                "sesiune de joacă",
                "loc de joacă",
                "joacă",
                "joaca",
                "să se joace",
                "se joace",
                "jocuri",
            ),
            **_forms(
                "baby_group",
                "grup pentru bebeluși",
                "grup de bebeluși",
                "grupuri pentru bebeluși",
                "activități pentru bebeluși",
                "pentru bebeluși",
                "masaj pentru bebeluși",
                "masaj bebeluși",
                "masaj bebe",
                "masaj pentru bebe",
            ),
            **_forms(
                "breastfeeding",
                "alăptare",
                "alăptarea",
                "alăptării",
                "alăptat",
                "alăptez",
                "să alăptez",
                "hrănire",
                "hrănirea",
            ),
            **_forms(
                "weigh_in",
                "cântărire",
                "cântărirea",
                "cântărit",
                "cântări",
                "cântăresc",
                "să cântăresc",
            ),
            **_forms(
                "dads_group",
                "tați",
                "tații",
                "tătici",
                "tăticii",
                "pentru tați",
                "pentru tătici",
                "grup de tați",
                "grup pentru tați",
            ),
            **_forms(
                "send_group",
                "nevoi speciale",
                "nevoi educaționale speciale",
                "cerințe educaționale speciale",
                "ces",
                "dizabilități",
                "dizabilitate",
                "handicap",
                "autism",
                "autist",
            ),
            **_forms(
                "chat_play_read",
                "povești",
                "poveşti",
                "ora de povești",
                "citit",
                "citire",
                "lectură",
                "citim povești",
            ),
            **_forms(
                "parenting_course",
                "curs pentru părinți",
                "cursuri pentru părinți",
                "curs de parenting",
                "parenting",
                "școala părinților",
                "educație parentală",
            ),
            **_forms(
                "registration",
                "înregistrarea nașterii",
                "înregistrare naștere",
                "înregistrez nașterea",
                "înregistra nașterea",
                "certificat de naștere",
                "înregistrare",
                "înregistrarea",
                "înregistrez",
            ),
            **_forms(
                "youth_club",
                "club de tineret",
                "club pentru tineri",
                "pentru tineri",
                "pentru adolescenți",
                "tineret",
                "tineri",
            ),
            **_forms(
                "advice_drop_in",
                "sfaturi",
                "sfat",
                "consiliere",
                "consultanță",
                "datorii",
                "datoriile",
                "fără programare",
            ),
            **_forms("clinic", "clinică", "clinica", "cabinet", "cabinetul", "asistentă medicală"),
            **_forms("course", "curs", "cursuri", "cursul", "atelier", "ateliere", "clasă"),
            **_forms(
                "food",
                "mâncare",
                "alimente",
                "hrană",
                "prânz",
                "masă caldă",
                "bancă de alimente",
                "pachete cu alimente",
            ),
            **_forms(
                "holiday_activities",
                "vacanță",
                "vacanța",
                "vacanței",
                "activități de vacanță",
                "activități în vacanță",
                "club de vacanță",
                "tabără",
            ),
            **_forms(
                "antenatal",
                "prenatal",
                "prenatale",
                "curs prenatal",
                "cursuri prenatale",
                "pregătire pentru naștere",
                "pregătirea pentru naștere",
                "moașă",
                "moașa",
            ),
            **_forms(
                "support_group",
                "grup de sprijin",
                "grup de suport",
                "grupuri de sprijin",
            ),
        }
    ),
)
