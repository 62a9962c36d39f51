"""Spanish words for the entity extractor, as Spanish and Latin American parents type them.

Every word is listed with its accents and again without them ("miércoles", "miercoles";
"años" -> "anos", which parents without an ñ key type). Ages are NUMBER then UNIT
("2 años", "18 meses", "6 semanas").

"mañana" is both "tomorrow" and "morning": alone it is tomorrow, and "por la mañana" is a
time of day (see the report on `extract_day` for "por la mañana" without a weekday).
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from actions.entities import Lexicon

_T = TypeVar("_T")


def _fold(text: str) -> str:
    """`text` without accents or tildes ("años" -> "anos", "miércoles" -> "miercoles")."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(*words: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(form for word in words for form in (word, _fold(word))))


def _keyed(mapping: dict[str, _T]) -> dict[str, _T]:
    out: dict[str, _T] = {}
    for key, value in mapping.items():
        out.setdefault(key, value)
        out.setdefault(_fold(key), value)
    return out


def _forms(canonical: str, *forms: str) -> dict[str, str]:
    return dict.fromkeys(forms, canonical)


LEXICON = Lexicon(
    numbers=_keyed(
        {
            "un": 1,
            "uno": 1,
            "una": 1,
            "dos": 2,
            "tres": 3,
            "cuatro": 4,
            "cinco": 5,
            "seis": 6,
            "siete": 7,
            "ocho": 8,
            "nueve": 9,
            "diez": 10,
            "once": 11,
            "doce": 12,
            "trece": 13,
            "catorce": 14,
            "quince": 15,
            "dieciséis": 16,
            "diecisiete": 17,
            "dieciocho": 18,
            "diecinueve": 19,
            "veinte": 20,
            "veinticuatro": 24,
            "treinta": 30,
            "treinta y seis": 36,
            # the unit is part of these phrases so "medio" alone ("en medio") is not an age
            "medio año": 0.5,
            "año y medio": 1.5,
            **{f"{n},5": n + 0.5 for n in range(13)},  # "1,5 años" (decimal comma)
        }
    ),
    # "y media" is left out: "a las 10 y media" is half past ten
    half=_words("y medio"),
    months=_words("mes", "meses", "mesecito", "mesecitos"),
    years=_words("año", "años", "añito", "añitos", "anio", "anios"),
    weeks=_words("semana", "semanas", "semanita", "semanitas", "sem"),
    days_unit=_words("día", "días", "diitas", "diítas"),
    old=_words("cumplidos", "cumplidas"),
    aged=_words("edad", "edades"),
    is_words=_words(
        "tiene",  # "tiene 3" (has 3 = is 3)
        "tienen",
        "cumplió",  # "cumplió 3" (turned 3)
        "cumple",
        "cumplirá",
        "casi",
        "ya",
    ),
    clause_words=_words("y", "pero", "ahora", "en", "hoy", "ya", "también", "este", "esta", "el"),
    pregnant=_words(
        "embarazada",
        "embarazadas",
        "embarazo",
        "encinta",
        "esperando un bebé",
        "esperando bebé",
        "espero un bebé",
        "esperamos un bebé",
        "fecha de parto",
        "fecha probable de parto",
        "futura mamá",
        "futura madre",
        "prenatal",
    ),
    newborn=_words(
        "recién nacido",
        "recién nacida",
        "recién nacidos",
        "bebé recién nacido",
        "acabo de tener un bebé",
        "acabo de tener a mi bebé",
        "acabo de dar a luz",
        "acabo de parir",
    ),
    teenager=_words("adolescente", "adolescentes", "adolescencia", "preadolescente"),
    toddler=_words("niño pequeño", "niña pequeña", "niños pequeños", "niñas pequeñas"),
    weekdays=_keyed(
        {
            **_forms("monday", "lunes", "lun"),
            **_forms("tuesday", "martes"),
            **_forms("wednesday", "miércoles", "mié", "mier"),
            **_forms("thursday", "jueves", "jue"),
            **_forms("friday", "viernes", "vie"),
            **_forms("saturday", "sábado", "sábados", "sáb"),
            **_forms("sunday", "domingo", "domingos", "dom"),
        }
    ),
    relative_days=_keyed(
        {
            "hoy": "today",
            "ahora": "today",
            "ahorita": "today",
            "esta noche": "today",
            "esta tarde": "today",
            "esta mañana": "today",
            "hoy por la tarde": "today",
            "mañana": "tomorrow",
            "mañana por la mañana": "tomorrow",
            "fin de semana": "weekend",
            "fines de semana": "weekend",
            "este fin de semana": "weekend",
            "el fin de semana": "weekend",
            "finde": "weekend",
            "este finde": "weekend",
        }
    ),
    times_of_day=_keyed(
        {
            "por la mañana": "morning",
            "de la mañana": "morning",
            "en la mañana": "morning",
            "por las mañanas": "morning",
            "mañanas": "morning",
            "mañana por la mañana": "morning",
            "tarde": "afternoon",
            "tardes": "afternoon",
            "por la tarde": "afternoon",
            "en la tarde": "afternoon",
            "noche": "evening",
            "noches": "evening",
            "por la noche": "evening",
            "esta noche": "evening",
            "después del colegio": "after_school",
            "después de la escuela": "after_school",
            "después del cole": "after_school",
            "después de clase": "after_school",
            "después de clases": "after_school",
            "a la salida del colegio": "after_school",
            "salida del cole": "after_school",
        }
    ),
    place_suffixes=_words(
        "family hub",
        "hub",
        "centro familiar",
        "centro de familias",
        "centro para familias",
        "centro",
    ),
    session_kinds={
        **_keyed(
            {
                **_forms(
                    "stay_and_play",
                    "grupo de juego",
                    "grupo de juegos",
                    "sesión de juego",
                    "espacio de juego",
                    "quedarse y jugar",
                    "ludoteca",
                    "jugar",
                    "juego",
                    "juegos",
                ),
                **_forms(
                    "baby_group",
                    "grupo de bebés",
                    "grupo para bebés",
                    "grupos de bebés",
                    "grupos para bebés",
                    "para bebés",
                    "clase para bebés",
                    "clases para bebés",
                    "actividades para bebés",
                    "masaje infantil",
                    "masaje para bebés",
                    "masaje de bebé",
                    "masajes para bebés",
                ),
                **_forms(
                    "breastfeeding",
                    "lactancia",
                    "lactancia materna",
                    "amamantar",
                    "amamantando",
                    "dar el pecho",
                    "dar pecho",
                    "dar de mamar",
                    "alimentación",
                ),
                **_forms(
                    "weigh_in",
                    "pesar",
                    "pesaje",
                    "pesen",
                    "pesar al bebé",
                    "pesar a mi bebé",
                    "que pesen",
                ),
                **_forms(
                    "send_group",
                    "necesidades especiales",
                    "necesidades educativas especiales",
                    "discapacidad",
                    "discapacidades",
                    "autismo",
                    "autista",
                ),
                **_forms(
                    "chat_play_read",
                    "cuentacuentos",
                    "cuentos",
                    "hora del cuento",
                    "lectura",
                    "leer cuentos",
                ),
                **_forms(
                    "parenting_course",
                    "curso para padres",
                    "cursos para padres",
                    "curso de crianza",
                    "taller para padres",
                    "taller de crianza",
                    "escuela de padres",
                    "clases para padres",
                    "crianza",
                ),
                **_forms(
                    "registration",
                    "registrar el nacimiento",
                    "registrar a mi bebé",
                    "registrar al bebé",
                    "registro de nacimiento",
                    "inscribir el nacimiento",
                    "partida de nacimiento",
                    "certificado de nacimiento",
                    "registro civil",
                    "registro",
                    "registrar",
                ),
                **_forms(
                    "youth_club",
                    "club juvenil",
                    "club de jóvenes",
                    "club para jóvenes",
                    "para jóvenes",
                    "para adolescentes",
                    "jóvenes",
                    "juvenil",
                ),
                **_forms(
                    "advice_drop_in",
                    "asesoramiento",
                    "asesoría",
                    "consejo",
                    "consejos",
                    "orientación",
                    "deudas",
                    "deuda",
                    "sin cita",
                    "sin cita previa",
                ),
                **_forms(
                    "clinic",
                    "clínica",
                    "clínicas",
                    "consulta",
                    "enfermera",
                    "visitadora de salud",
                    "centro de salud",
                ),
                **_forms("course", "curso", "cursos", "clase", "clases", "taller", "talleres"),
                **_forms(
                    "food",
                    "comida",
                    "comidas",
                    "alimentos",
                    "banco de alimentos",
                    "almuerzo",
                    "desayuno",
                ),
                **_forms(
                    "holiday_activities",
                    "vacaciones",
                    "actividades de vacaciones",
                    "actividades en vacaciones",
                    "club de vacaciones",
                    "campamento",
                    "campamento de verano",
                ),
                **_forms(
                    "antenatal",
                    "prenatal",
                    "prenatales",
                    "clases prenatales",
                    "preparación al parto",
                    "preparación para el parto",
                    "educación maternal",
                    "matrona",
                    "partera",
                ),
                **_forms("support_group", "grupo de apoyo", "grupos de apoyo", "grupo de ayuda"),
            }
        ),
        # not folded: "papas" without the accent is potatoes
        **_forms("dads_group", "papás", "para papás", "grupo de papás", "para papá"),
    },
)
