"""The Polish, Romanian, Portuguese, Spanish and Ukrainian lexicons of the entity extractor."""

from __future__ import annotations

from dataclasses import fields

import pytest

from actions.entities import (
    EN,
    WEEKDAYS,
    Lexicon,
    _tokens,
    extract_age,
    extract_day,
    extract_session_kind,
)
from actions.entity_lexicons import load

CODES = ("pl", "ro", "pt", "es", "uk")
SINGLE_TOKEN_FIELDS = (
    "months",
    "years",
    "weeks",
    "days_unit",
    "old",
    "aged",
    "is_words",
    "clause_words",
)


def _lexicon(code: str) -> Lexicon:
    return load()[code]


@pytest.mark.parametrize(
    ("code", "text", "months"),
    [
        # Polish
        ("pl", "Mój syn ma 2 lata", 24.0),
        ("pl", "córka ma 18 miesięcy", 18.0),
        ("pl", "mam 2-letniego syna", 24.0),
        ("pl", "maleństwo ma 6 tyg", 1.4),
        ("pl", "synek ma 3", 36.0),
        ("pl", "corka ma pol roku", 6.0),  # typed without Polish letters
        ("pl", "ma półtora roku", 18.0),
        ("pl", "ma 1,5 roku", 18.0),
        ("pl", "ma 2 latka i pół", 30.0),
        ("pl", "ma roczek", 12.0),
        # Romanian
        ("ro", "Băiatul meu are 2 ani", 24.0),
        ("ro", "fetița are 18 luni", 18.0),
        ("ro", "bebelușul are 6 săptămâni", 1.4),
        ("ro", "are 6 saptamani", 1.4),  # typed without diacritics
        ("ro", "are 3", 36.0),
        ("ro", "are un an și jumătate", 18.0),
        ("ro", "are o lună", 1.0),
        ("ro", "fetiţa are doi ani", 24.0),  # cedilla ţ, as older phones type it
        # Portuguese
        ("pt", "O meu filho tem 2 anos", 24.0),
        ("pt", "a bebé tem 18 meses", 18.0),
        ("pt", "tem 6 semanas", 1.4),
        ("pt", "ela tem 3", 36.0),
        ("pt", "tem um ano e meio", 18.0),
        ("pt", "minha filha tem 3 anos feitos", 36.0),
        ("pt", "tem meio ano", 6.0),
        ("pt", "meu bebe tem tres meses", 3.0),  # typed without accents
        # Spanish
        ("es", "mi hijo tiene 2 años", 24.0),
        ("es", "mi hija tiene 18 meses", 18.0),
        ("es", "tiene 6 semanas", 1.4),
        ("es", "tiene 3", 36.0),
        ("es", "tiene año y medio", 18.0),
        ("es", "tiene 2 anos", 24.0),  # typed without ñ
        ("es", "cumplió 4 el martes", 48.0),
        ("es", "tiene dos años y medio", 30.0),
        # Ukrainian
        ("uk", "Моєму сину 2 роки", 24.0),
        ("uk", "доньці 18 місяців", 18.0),
        ("uk", "йому 6 тижнів", 1.4),
        ("uk", "їй 3", 36.0),
        ("uk", "йому півтора року", 18.0),
        ("uk", "синові п’ять років", 60.0),  # typographic apostrophe
        ("uk", "синові пʼять років", 60.0),  # Ukrainian modifier-letter apostrophe
        ("uk", "2-річна донька", 24.0),
        ("uk", "дитині 2 з половиною роки", 30.0),
        ("uk", "ему 2 года", 24.0),  # Russian, as many families from Ukraine type
    ],
)
def test_ages(code: str, text: str, months: float) -> None:
    assert extract_age(text, code)[0] == months


@pytest.mark.parametrize(
    ("code", "text", "age"),
    [
        ("pl", "jestem w 20 tygodniu ciąży", None),
        ("pl", "jestem w ciazy i mam 3 letnia corke", 36.0),
        ("ro", "sunt însărcinată în 20 de săptămâni", None),
        ("ro", "sunt insarcinata in 20 saptamani", None),
        ("pt", "estou grávida de 20 semanas", None),
        ("es", "estoy embarazada de 20 semanas", None),
        ("es", "tengo 20 semanas de embarazo y una niña de 3 años", 36.0),
        ("uk", "я вагітна, 20 тижнів", None),
        ("uk", "я на 7 місяці вагітності", None),
    ],
)
def test_pregnancy(code: str, text: str, age: float | None) -> None:
    assert extract_age(text, code) == (age, True)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("pl", "mam 2 dzieci"),
        ("pl", "mój numer to 07700 900123"),
        ("pl", "będę za pół godziny"),
        ("ro", "am 2 copii"),
        ("ro", "e deschis mâine la 10 și jumătate?"),
        ("pt", "tenho 2 filhos"),
        ("pt", "chego às 10 e meia"),
        ("es", "tengo 2 hijos"),
        ("es", "¿abre a las 10 y media?"),
        ("uk", "у мене 2 дітей"),
        ("uk", "мій номер 07700 900123"),
        ("uk", "о пів на третю"),
    ],
)
def test_no_age(code: str, text: str) -> None:
    assert extract_age(text, code)[0] is None


@pytest.mark.parametrize(
    ("code", "text", "day", "time_of_day"),
    [
        ("pl", "w sobotę rano", "saturday", "morning"),
        ("pl", "czy jest coś jutro", "tomorrow", None),
        ("pl", "w srode po poludniu", "wednesday", "afternoon"),
        ("pl", "w ten weekend", "weekend", None),
        ("pl", "dzis wieczorem", "today", "evening"),
        ("ro", "sâmbătă dimineața", "saturday", "morning"),
        ("ro", "ceva pe luni?", "monday", None),
        ("ro", "are 18 luni", None, None),  # "luni" here is months, not Monday
        ("ro", "ceva mâine?", "tomorrow", None),
        ("ro", "sambata dupa-amiaza", "saturday", "afternoon"),
        ("pt", "sábado de manhã", "saturday", "morning"),
        ("pt", "na segunda", "monday", None),
        ("pt", "a minha segunda filha", None, None),  # "segunda" here is "second"
        ("pt", "amanhã", "tomorrow", None),
        ("pt", "depois da escola na quinta", "thursday", "after_school"),
        ("es", "el sábado por la mañana", "saturday", "morning"),
        ("es", "¿hay algo mañana?", "tomorrow", None),
        ("es", "este finde", "weekend", None),
        ("es", "miercoles por la tarde", "wednesday", "afternoon"),
        ("uk", "у суботу вранці", "saturday", "morning"),
        ("uk", "щось є завтра?", "tomorrow", None),
        ("uk", "на вихідних", "weekend", None),
        ("uk", "в п’ятницю після школи", "friday", "after_school"),
    ],
)
def test_days(code: str, text: str, day: str | None, time_of_day: str | None) -> None:
    assert extract_day(text, code) == (day, time_of_day)


@pytest.mark.parametrize(
    ("code", "text", "kind"),
    [
        ("pl", "gdzie mogę zważyć dziecko", "weigh_in"),
        ("pl", "karmienie piersią", "breastfeeding"),
        ("pl", "szkoła rodzenia w czwartek", "antenatal"),
        ("pl", "co jest w tym tygodniu", None),
        ("ro", "grup de joacă pentru copii", "stay_and_play"),
        ("ro", "unde pot să cântăresc bebelușul", "weigh_in"),
        ("ro", "sfaturi despre datorii", "advice_drop_in"),
        ("pt", "grupo de brincadeira", "stay_and_play"),
        ("pt", "onde posso pesar o bebê", "weigh_in"),
        ("pt", "ajuda com amamentação", "breastfeeding"),
        ("es", "grupo de juego", "stay_and_play"),
        ("es", "algo para papás el sábado", "dads_group"),
        ("es", "ayuda con lactancia", "breastfeeding"),
        ("uk", "де можна зважити дитину", "weigh_in"),
        ("uk", "група підтримки", "support_group"),
        ("uk", "курси для вагітних", "antenatal"),
    ],
)
def test_session_kinds(code: str, text: str, kind: str | None) -> None:
    assert extract_session_kind(text, code) == kind


@pytest.mark.parametrize("code", CODES)
def test_lexicon_words_are_written_as_the_tokenizer_splits_them(code: str) -> None:
    lex = _lexicon(code)
    for field in fields(lex):
        for key in getattr(lex, field.name):
            assert " ".join(_tokens(key)) == key, (field.name, key)
            if field.name in SINGLE_TOKEN_FIELDS:
                assert len(_tokens(key)) == 1, (field.name, key)


@pytest.mark.parametrize("code", CODES)
def test_lexicon_values_are_canonical(code: str) -> None:
    lex = _lexicon(code)
    assert set(lex.session_kinds.values()) <= set(EN.session_kinds.values())
    assert set(lex.weekdays.values()) <= set(WEEKDAYS)
    assert set(lex.relative_days.values()) <= {*WEEKDAYS, "today", "tomorrow", "weekend"}
    assert set(lex.times_of_day.values()) <= set(EN.times_of_day.values())
    assert set(lex.session_kinds.values()) == set(EN.session_kinds.values())  # every kind
