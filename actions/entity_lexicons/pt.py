"""Portuguese words for the entity extractor, European and Brazilian, as parents type them.

Every word is listed with its accents and again without them ("sábado", "sabado";
"bebé"/"bebê" -> "bebe"). Ages are NUMBER then UNIT ("2 anos", "18 meses", "6 semanas").

"segunda" is also "second" ("a minha segunda filha"), so Monday needs "segunda-feira" or a
preposition ("na segunda", "às segundas"); the other weekdays stand alone.
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from actions.entities import Lexicon

_T = TypeVar("_T")


def _fold(text: str) -> str:
    """`text` without accents ("três" -> "tres", "amamentação" -> "amamentacao")."""
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


_MONDAY_PHRASES = (
    "segunda feira",
    "segundas feiras",
    "na segunda",
    "nas segundas",
    "às segundas",
    "à segunda",
    "as segundas",
    "esta segunda",
    "nesta segunda",
    "próxima segunda",
    "até segunda",
    "de segunda",
    "segunda de manhã",
    "segunda à tarde",
    "segunda à noite",
    "segunda ?",
    "segundas",
    "seg",
)

LEXICON = Lexicon(
    numbers=_keyed(
        {
            "um": 1,
            "uma": 1,
            "dois": 2,
            "duas": 2,
            "três": 3,
            "quatro": 4,
            "cinco": 5,
            "seis": 6,
            "sete": 7,
            "oito": 8,
            "nove": 9,
            "dez": 10,
            "onze": 11,
            "doze": 12,
            "treze": 13,
            "catorze": 14,
            "quatorze": 14,
            "quinze": 15,
            "dezasseis": 16,
            "dezesseis": 16,
            "dezassete": 17,
            "dezessete": 17,
            "dezoito": 18,
            "dezanove": 19,
            "dezenove": 19,
            "vinte": 20,
            "vinte e quatro": 24,
            "trinta": 30,
            "trinta e seis": 36,
            # the unit is part of these phrases so "meio" alone ("no meio") is not an age
            "meio ano": 0.5,
            "ano e meio": 1.5,
            **{f"{n},5": n + 0.5 for n in range(13)},  # "1,5 anos" (decimal comma)
        }
    ),
    # "e meia" is left out: "às 10 e meia" is half past ten
    half=_words("e meio"),
    months=_words("mês", "meses", "mesinho", "mesinhos"),
    years=_words("ano", "anos", "aninho", "aninhos", "anitos"),
    weeks=_words("semana", "semanas", "semaninha", "semaninhas", "sem"),
    days_unit=_words("dia", "dias", "diazinhos"),
    old=_words("feitos", "feitas", "completos", "completas"),  # "3 anos feitos"
    aged=_words("idade", "idades"),
    is_words=_words(
        "tem",  # "tem 3" (has 3 = is 3)
        "têm",
        "fez",  # "fez 3" (turned 3)
        "faz",
        "fará",
        "quase",
        "já",
        "completou",
        "completa",
    ),
    clause_words=_words(
        "e", "mas", "agora", "em", "hoje", "já", "também", "no", "na", "este", "esta"
    ),
    pregnant=_words(
        "grávida",
        "gravidez",
        "gestante",
        "gestação",
        "à espera de um bebé",
        "à espera de bebé",
        "à espera de um bebê",
        "esperando um bebê",
        "esperando um bebé",
        "esperando bebê",
        "estou à espera",
        "data prevista do parto",
        "data prevista para o parto",
        "futura mãe",
        "futura mamãe",
        "futura mamã",
        "pré natal",
    ),
    newborn=_words(
        "recém nascido",
        "recém nascida",
        "recém nascidos",
        "bebé recém nascido",
        "acabei de ter um bebé",
        "acabei de ter um bebê",
        "acabei de ter bebê",
        "acabei de dar à luz",
    ),
    teenager=_words("adolescente", "adolescentes", "adolescência", "pré adolescente"),
    toddler=_words("criança pequena", "crianças pequenas", "bebé grande", "bebê grande"),
    weekdays=_keyed(
        {
            **_forms("tuesday", "terça", "terças"),
            **_forms("wednesday", "quarta", "quartas"),
            **_forms("thursday", "quinta", "quintas"),
            **_forms("friday", "sexta", "sextas"),
            **_forms("saturday", "sábado", "sábados", "sáb"),
            **_forms("sunday", "domingo", "domingos", "dom"),
        }
    ),
    relative_days=_keyed(
        {
            **_forms("monday", *_MONDAY_PHRASES),
            "hoje": "today",
            "agora": "today",
            "hoje à noite": "today",
            "logo à noite": "today",
            "esta noite": "today",
            "esta tarde": "today",
            "esta manhã": "today",
            "amanhã": "tomorrow",
            "fim de semana": "weekend",
            "fins de semana": "weekend",
            "este fim de semana": "weekend",
            "no fim de semana": "weekend",
            "finde": "weekend",
            "weekend": "weekend",
        }
    ),
    times_of_day=_keyed(
        {
            "manhã": "morning",
            "manhãs": "morning",
            "de manhã": "morning",
            "pela manhã": "morning",
            "tarde": "afternoon",
            "tardes": "afternoon",
            "à tarde": "afternoon",
            "de tarde": "afternoon",
            "noite": "evening",
            "noites": "evening",
            "à noite": "evening",
            "de noite": "evening",
            "fim de tarde": "evening",
            "final da tarde": "evening",
            "depois da escola": "after_school",
            "depois das aulas": "after_school",
            "após a escola": "after_school",
            "após as aulas": "after_school",
            "saída da escola": "after_school",
        }
    ),
    place_suffixes=_words(
        "family hub",
        "hub",
        "centro familiar",
        "centro para famílias",
        "centro de família",
        "centro",
    ),
    session_kinds=_keyed(
        {
            **_forms(
                "stay_and_play",
                "brincar",
                "brincadeira",
                "brincadeiras",
                "grupo de brincadeira",
                "grupo de brincar",
                "sessão de brincadeira",
                "espaço de brincar",
                "ludoteca",
                "ficar e brincar",
            ),
            **_forms(
                "baby_group",
                "grupo de bebés",
                "grupo de bebês",
                "grupo para bebés",
                "grupo para bebês",
                "grupos de bebés",
                "grupos para bebês",
                "para bebés",
                "para bebês",
                "aulas para bebés",
                "atividades para bebés",
                "atividades para bebês",
                "massagem para bebés",
                "massagem para bebês",
                "massagem infantil",
                "massagem de bebé",
                "massagem de bebê",
            ),
            **_forms(
                "breastfeeding",
                "amamentação",
                "amamentar",
                "amamento",
                "aleitamento",
                "aleitamento materno",
                "dar de mamar",
                "dar mama",
                "dar o peito",
                "alimentação",
            ),
            **_forms(
                "weigh_in",
                "pesar",
                "pesagem",
                "pesar o bebé",
                "pesar o bebê",
                "pesar a bebé",
                "ser pesado",
                "ser pesada",
            ),
            **_forms(
                "dads_group",
                "para pais homens",
                "para o pai",
                "para os pais homens",
                "grupo de pais homens",
                "papás",
                "papais",
                "papai",
                "pai",
            ),
            **_forms(
                "send_group",
                "necessidades especiais",
                "necessidades educativas especiais",
                "necessidades educacionais especiais",
                "nee",
                "deficiência",
                "deficiências",
                "autismo",
                "autista",
            ),
            **_forms(
                "chat_play_read",
                "histórias",
                "hora do conto",
                "hora da história",
                "contos",
                "leitura",
                "ler histórias",
                "contar histórias",
            ),
            **_forms(
                "parenting_course",
                "curso para pais",
                "cursos para pais",
                "curso de parentalidade",
                "parentalidade",
                "educação parental",
                "escola de pais",
                "workshop para pais",
                "oficina para pais",
            ),
            **_forms(
                "registration",
                "registar o nascimento",
                "registrar o nascimento",
                "registo de nascimento",
                "registro de nascimento",
                "certidão de nascimento",
                "registar o bebé",
                "registrar o bebê",
                "registo",
                "registro",
                "registar",
                "registrar",
            ),
            **_forms(
                "youth_club",
                "clube juvenil",
                "clube de jovens",
                "clube para jovens",
                "para jovens",
                "para adolescentes",
                "jovens",
                "juvenil",
            ),
            **_forms(
                "advice_drop_in",
                "aconselhamento",
                "conselho",
                "conselhos",
                "orientação",
                "dívidas",
                "dívida",
                "sem marcação",
                "sem agendamento",
                "sem marcar",
            ),
            **_forms(
                "clinic",
                "clínica",
                "clínicas",
                "consulta",
                "enfermeira",
                "enfermeira de saúde",
                "centro de saúde",
            ),
            **_forms("course", "curso", "cursos", "aula", "aulas", "workshop", "oficina"),
            **_forms(
                "food",
                "comida",
                "alimentos",
                "banco alimentar",
                "banco de alimentos",
                "cabaz",
                "cabazes",
                "almoço",
                "refeição",
                "refeições",
                "cesta básica",
            ),
            **_forms(
                "holiday_activities",
                "férias",
                "atividades de férias",
                "atividades nas férias",
                "atividades para as férias",
                "campo de férias",
                "colónia de férias",
                "colônia de férias",
            ),
            **_forms(
                "antenatal",
                "pré natal",
                "consulta pré natal",
                "aulas pré natais",
                "preparação para o parto",
                "curso de preparação para o parto",
                "parteira",
                "obstetra",
            ),
            **_forms(
                "support_group",
                "grupo de apoio",
                "grupos de apoio",
                "grupo de ajuda",
            ),
        }
    ),
)
