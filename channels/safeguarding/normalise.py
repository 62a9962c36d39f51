"""Text normalisation shared by the lexicon, the classifier and the phrase files.

Three forms of the same text, words separated by single spaces:
- `plain`: case-folded, punctuation gone, apostrophes dropped ("he's" → "hes"), runs of three
  or more equal letters cut to two ("plzzz" → "plzz"), common typos and chat spellings fixed,
  Arabic-script letter variants unified (Arabic and Urdu keyboards).
- `folded`: `plain` without Latin/Cyrillic diacritics ("się" → "sie", "ł" → "l").
- `squeezed`: `folded` with every doubled letter single ("killl", "kil" → "kil").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MAX_CHARS = 4000

_APOSTROPHES = "'’‘`´ʼ"
LETTER_MAP = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ø": "o",
        "ß": "ss",
        "ı": "i",
        "æ": "ae",
        # Arabic-script variants typed on Arabic, Persian and Urdu keyboards.
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ه": "ہ",
        "ة": "ہ",
        "ۀ": "ہ",
        "ھ": "ہ",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": "",
        # Arabic-Indic, Persian and Bengali digits as ASCII.
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x09E6 + i): str(i) for i in range(10)},
        **{chr(0x0A66 + i): str(i) for i in range(10)},
    }
)

# Chat spellings and frequent misspellings (English and Roman Urdu/Punjabi), word by word.
_TYPOS = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "im": "im",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "hubby": "husband",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "kms": "kill myself",
    "sucide": "suicide",
    "suicde": "suicide",
    "suiside": "suicide",
    "sucidal": "suicidal",
    "suicidel": "suicidal",
    "suicdal": "suicidal",
    "breating": "breathing",
    "breahting": "breathing",
    "brething": "breathing",
    "unconcious": "unconscious",
    "unconsious": "unconscious",
    "choaking": "choking",
    "seizing": "seizing",
    "thretened": "threatened",
    "threatend": "threatened",
    "thretens": "threatens",
    "dont": "dont",
    "cnt": "cant",
    "wat": "what",
    "pls": "please",
    "plz": "please",
    "plzz": "please",
    "bcoz": "because",
    "bcz": "because",
    "coz": "because",
    "cuz": "because",
    "n": "and",
    "nd": "and",
    "mujhay": "mujhe",
    "mujhy": "mujhe",
    "mjhe": "mujhe",
    "muje": "mujhe",
    "nai": "nahi",
    "nahin": "nahi",
    "nhi": "nahi",
}

_RUNS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Forms:
    """The three normalised forms of one text."""

    plain: str
    folded: str
    squeezed: str


def _keep(ch: str) -> str:
    cat = unicodedata.category(ch)
    if cat[0] in "LMN":
        return ch
    if cat == "Cf":  # zero-width joiners and direction marks
        return ""
    return " "


def _strip_marks(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        # Only marks on Latin, Greek and Cyrillic letters: Indic vowel signs carry meaning.
        if unicodedata.category(ch) == "Mn" and out and ord(out[-1]) < 0x0530:
            continue
        if unicodedata.category(ch) == "Mn" and 0x064B <= ord(ch) <= 0x0670:  # Arabic harakat
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def plain(text: str) -> str:
    """Case-folded, punctuation-free, typo-fixed text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text[:_MAX_CHARS]).casefold()
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    text = text.translate(LETTER_MAP)
    text = "".join(_keep(ch) for ch in text)
    text = "".join(ch for ch in text if not (0x064B <= ord(ch) <= 0x065F or ord(ch) == 0x0670))
    text = _RUNS.sub(r"\1\1", text)
    words = [_TYPOS.get(word, word) for word in _SPACES.split(text) if word]
    return " ".join(words)


def fold(text: str) -> str:
    """`text` (already plain) without Latin/Cyrillic diacritics."""
    return _strip_marks(text).translate(LETTER_MAP)


def squeeze(text: str) -> str:
    """Every doubled letter made single."""
    return _DOUBLES.sub(r"\1", text)


def forms(text: str) -> Forms:
    """All three forms of `text`."""
    p = plain(text)
    f = fold(p)
    return Forms(plain=p, folded=f, squeezed=squeeze(f))
