"""Language identification and the sticky conversation language.

Pure functions; the only state is two lazily built, cached detectors (lingua and langdetect,
both restricted to our ten languages). See docs/languages.md for the measurements behind
the rules and thresholds.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SUPPORTED = ("en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")
LATIN_LANGUAGES = ("en", "pl", "ro", "pt", "es")
DEFAULT_LANGUAGE = "en"

MAX_ANALYSED_CHARS = 1000
# A detection may replace an established conversation language only if it is at least this
# confident and the message is long enough (tuned on lines 1-300 of the eval data; see docs).
SWITCH_CONFIDENCE = 0.8
# A first message with no channel hint: a fair guess is enough (there is no language to keep).
FIRST_GUESS_CONFIDENCE = 0.6
MIN_SWITCH_WORDS = 3
MIN_SWITCH_LETTERS = 15
# Within lingua's top two, a margin below this lets langdetect break the tie.
TIEBREAK_MARGIN = 0.05
# Latin-script detections of fewer letters than this get a proportionally lower confidence.
SHORT_TEXT_LETTERS = 20

_SCRIPT_OF_LANGUAGE = {
    "en": "latin",
    "pl": "latin",
    "ro": "latin",
    "pt": "latin",
    "es": "latin",
    "pa": "gurmukhi",
    "bn": "bengali",
    "uk": "cyrillic",
    "ar": "arabic",
    "ur": "arabic",
}


@dataclass(frozen=True)
class Detection:
    """The best guess among SUPPORTED (or None), how sure it is (0-1) and how it was made."""

    language: str | None
    confidence: float
    method: str


@dataclass(frozen=True)
class LanguageDecision:
    """The conversation language after one message; `reason` is safe to log."""

    language: str
    switched: bool
    reason: str


# --- text preparation -------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\S+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_HANDLE = re.compile(r"[@#]\w+")


def _clean(text: str) -> str:
    """Cut to what we analyse and drop control characters, URLs, emails and postcodes."""
    text = str(text)[:MAX_ANALYSED_CHARS]
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = unicodedata.normalize("NFC", text)
    for pattern in (_URL, _EMAIL, _POSTCODE, _HANDLE):
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    """Whitespace tokens that contain a letter, lower-cased and stripped of punctuation.

    Not `\\w`: Indic vowel signs are combining marks, which `\\w` does not match.
    """
    words = []
    for token in text.split():
        start, end = 0, len(token)
        while start < end and not _is_letter_or_mark(token[start]):
            start += 1
        while end > start and not _is_letter_or_mark(token[end - 1]):
            end -= 1
        if start < end:
            words.append(token[start:end].lower())
    return words


def _is_letter_or_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def _script(ch: str) -> str | None:
    """The script of one letter or combining mark, None for anything else."""
    cp = ord(ch)
    if 0x0A00 <= cp <= 0x0A7F:
        return "gurmukhi"
    if 0x0980 <= cp <= 0x09FF:
        return "bengali"
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F:
        return "arabic"
    if 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFC:  # presentation forms
        return "arabic"
    if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    return "other"


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha() or unicodedata.category(ch) in ("Mn", "Mc"):
            script = _script(ch)
            if script is not None:
                counts[script] = counts.get(script, 0) + 1
    return counts


def _dominant_script(counts: dict[str, int]) -> tuple[str | None, float]:
    """The script to read the text in, and its share of the letters.

    A supported non-Latin script wins once it has 30% of the letters: parents writing Urdu or
    Bengali often keep English terms ("Universal Credit") in Latin letters, not the reverse.
    """
    total = sum(counts.values())
    if total == 0:
        return None, 0.0
    non_latin = {
        s: n for s, n in counts.items() if s in ("gurmukhi", "bengali", "cyrillic", "arabic")
    }
    if non_latin:
        script, n = max(non_latin.items(), key=lambda item: item[1])
        if n >= 2 and n >= 0.3 * total:
            return script, n / total
    script, n = max(counts.items(), key=lambda item: item[1])
    return script, n / total


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- Arabic script: Arabic or Urdu ------------------------------------------------------

# Letters Urdu writes and Arabic does not (some are Persian too, but we only choose between
# ar and ur): tteh, ddeh, rreh, noon ghunna, yeh barree, heh goal, do-chashmi heh, keheh,
# farsi yeh, gaf, peh, tcheh, jeh, Urdu full stop, extended (Urdu/Persian) digits.
_URDU_LETTERS = frozenset("ٹڈڑںےۓہۂۃھکیگپچژ۔" + "۰۱۲۳۴۵۶۷۸۹")
# Arabic forms of kaf, yeh, heh and alef maqsura, teh marbuta, hamza on/under alef,
# Arabic-Indic digits. Urdu keyboards type ک ی ہ instead.
_ARABIC_LETTERS = frozenset("كيهىةإأ" + "٠١٢٣٤٥٦٧٨٩")
_URDU_WORDS = _wordset(
    "ہے کے میں اور کیا نہیں ہیں کی کا کو سے یہ وہ آپ مجھے میرا میری میرے ہوں تھا تھی"
)
_ARABIC_WORDS = _wordset(
    "في من على هل أن التي الذي إلى عن هذا هذه مع كان لا ما أنا طفلي ابني ابنتي هو هي"
)


def _arabic_or_urdu(text: str, words: list[str]) -> Detection:
    ur = sum(ch in _URDU_LETTERS for ch in text) + 3 * sum(w in _URDU_WORDS for w in words)
    ar = sum(ch in _ARABIC_LETTERS for ch in text) + 3 * sum(w in _ARABIC_WORDS for w in words)
    ar += sum(w.startswith("ال") and len(w) > 3 for w in words)
    if ur == ar:
        lingua = _lingua_scores(text, ("ar", "ur"))
        if lingua:
            best = max(lingua, key=lambda code: lingua[code])
            return Detection(best, round(lingua[best], 3), "script:arabic+lingua")
        return Detection("ar", 0.5, "script:arabic")
    best, score, other = ("ur", ur, ar) if ur > ar else ("ar", ar, ur)
    return Detection(best, round((score + 1) / (score + other + 2), 3), "script:arabic")


# --- Roman-script Urdu / Punjabi --------------------------------------------------------

# Function and everyday words of Hindustani written in Latin letters. Words that are also
# common in English, Polish, Romanian, Portuguese or Spanish (main, se, na, to, de, pe, din,
# par, hay, han, ham, karen...) are left out on purpose.
_ROMAN_URDU = _wordset(
    """
    mujhe mujhay mujhko mjhe mera meri mere mery hai hain hy hein nahi nahin nai nhi kya kia
    ke ki ka ko mein mujh aap aapka aapki aapko apka apki apko apna apni apne hum humein
    hamein tum tumhe woh wo yeh chahiye chahie chahiyay chahta chahti bacha bachay bache
    bachche bachcha bacchi bachi baccha bachon bachchon beta beti madad kaise kaisay kese kahan
    kahaan kab kyun kyon kyunke kyunki kar karna karo karein karte karta karti sakte sakta
    sakti bhi bohat bahut bohot acha accha achha theek thik shukriya shukria salaam
    assalam assalamualaikum ji jee haan raha rahi rahe hoon tha thi gaya gayi liye lye
    wala wali wale abhi kuch koi sab bolta bolti baat samajh samajhta pata batao bataen
    bataiye bataye aur ghar paisay paise naukri
    """
)
# Words that mark Punjabi rather than Urdu. Roman Punjabi is rarer and shares most words
# with Roman Urdu, so it needs one of these and more of them than Urdu-only words.
_ROMAN_PUNJABI = _wordset(
    """
    mainu tuhanu tainu sanu sannu kithe kitthe kiddan kidda tusi tussi tuhada tuhadi
    tuhade sada sadi sade hega hegi bolda boldi karda kardi chahida chahidi ohnu ehnu vich
    haal kiven kive
    """
)
# Urdu-only words (the Punjabi equivalents differ): used to settle Urdu vs Punjabi.
_URDU_ONLY = _wordset(
    "mujhe mujhay mujhko mein hain chahiye chahie kaise kahan aap aapka apka ko hum bahut"
)
# Everyday function words of our Latin-script languages: a message with more of these
# than Hindustani cue words is not Roman Urdu.
_LATIN_FUNCTION_WORDS = _wordset(
    """
    the is are and my i to of a an in it for with you we can do does not what how where
    nie jest się w z na do że czy to jak co mam moje
    și este nu în cu să la pentru ce sunt am copilul meu
    o os as um uma que não em com para é meu minha filho
    el la los las que y en no es por con para mi hijo hija
    """
)


def _roman_hindustani(words: list[str]) -> Detection | None:
    cues = [w for w in words if w in _ROMAN_URDU or w in _ROMAN_PUNJABI]
    if len(cues) < 2:
        return None
    others = sum(w in _LATIN_FUNCTION_WORDS and w not in _ROMAN_URDU for w in words)
    if others >= len(cues):
        return None
    punjabi = sum(w in _ROMAN_PUNJABI for w in cues)
    urdu_only = sum(w in _URDU_ONLY for w in cues)
    language = "pa" if punjabi and punjabi > urdu_only else "ur"
    confidence = min(0.95, 0.6 + 0.1 * len(cues)) * (len(cues) / (len(cues) + others))
    return Detection(language, round(confidence, 3), f"wordlist:roman-{language}")


# --- Latin script: lingua + langdetect ---------------------------------------------------

# English names of UK services that parents keep in English whatever language they write
# ("czy moge dostac free school meals"); ignored when detecting, unless nothing else is left.
_SERVICE_TERMS = re.compile(
    r"\b(?:universal credit|child benefit|free school meals?|family hubs?|stay and play|"
    r"health visitors?|start for life|early help|tax credits?|council tax|citizens advice|"
    r"food ?banks?|job ?centre(?: plus)?|home-?start|sure ?start|healthy start|free childcare|"
    r"childcare|nursery|holiday club|breakfast club|chat play read|baby weigh-?in|"
    r"speech and language(?: therapy| therapist)?|midwife|carer'?s allowance|school|"
    r"(?:15|30) hours)\b",
    re.IGNORECASE,
)
_SERVICE_ACRONYMS = re.compile(r"\b(?:SEND|SENCO|SENDCO|EHCP|NHS|GP|CAMHS|PIP|DLA|A&E|SALT)\b")


# Hub and area names ("Millbrook", "Hollins Park") say nothing about the language and can
# tip a short message the wrong way ("o millbrook está aberto hoje" read as Spanish). The
# gate fills this from the directory, so places staff add are covered too.
_place_names: re.Pattern[str] | None = None


def set_place_names(names: Iterable[str]) -> None:
    """Tell the detector which words are place names, to be ignored as language evidence."""
    global _place_names
    words = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    _place_names = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE) if words else None


def _without_service_terms(text: str) -> str:
    stripped = _SERVICE_ACRONYMS.sub(" ", _SERVICE_TERMS.sub(" ", text))
    if _place_names is not None:
        stripped = _place_names.sub(" ", stripped)
    return " ".join(stripped.split()) if any(ch.isalpha() for ch in stripped) else text


# Letters that only one of our Latin-script languages uses.
_UNIQUE_LETTERS = {
    "pl": frozenset("ąćęłńśźż"),
    "ro": frozenset("ăîșțşţ"),
    "pt": frozenset("ãõçêôà"),
    "es": frozenset("ñ¿¡"),
}

_lock = threading.Lock()
_detectors: dict[str, Any] = {}


def _lingua() -> Any:
    """The lingua detector for our ten languages (models load lazily, per language)."""
    with _lock:
        if "lingua" not in _detectors:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED]
            _detectors["lingua"] = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
        return _detectors["lingua"]


def _langdetect_factory() -> Any:
    """A langdetect factory holding only our ten profiles, seeded for repeatable answers."""
    with _lock:
        if "langdetect" not in _detectors:
            import json
            from pathlib import Path

            from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
            from langdetect.utils.lang_profile import LangProfile

            factory = DetectorFactory()
            for index, code in enumerate(SUPPORTED):
                data = json.loads((Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8"))
                factory.add_profile(LangProfile(**data), index, len(SUPPORTED))
            # Same effect as `DetectorFactory.seed = 0`, without changing the global class.
            factory.set_seed(0)
            _detectors["langdetect"] = factory
        return _detectors["langdetect"]


def _restrict(scores: dict[str, float], among: tuple[str, ...]) -> dict[str, float]:
    kept = {code: scores.get(code, 0.0) for code in among}
    total = sum(kept.values())
    return {code: value / total for code, value in kept.items()} if total > 0 else {}


def _lingua_scores(text: str, among: tuple[str, ...] = SUPPORTED) -> dict[str, float]:
    """lingua's confidence values, renormalised over `among` ({} when it has no idea)."""
    values = _lingua().compute_language_confidence_values(text)
    scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    return _restrict(scores, among)


def _langdetect_scores(text: str, among: tuple[str, ...] = SUPPORTED) -> dict[str, float]:
    """langdetect's probabilities, renormalised over `among` ({} without features)."""
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    detector = factory.create()
    detector.append(text)
    try:
        detector.get_probabilities()
    except LangDetectException:
        return {}
    return _restrict(dict(zip(factory.get_lang_list(), detector.langprob, strict=True)), among)


def lingua_only(text: str) -> str | None:
    """Plain lingua restricted to our ten (for the evaluation baseline)."""
    scores = _lingua_scores(text)
    return max(scores, key=lambda code: scores[code]) if scores else None


def langdetect_only(text: str) -> str | None:
    """Plain langdetect restricted to our ten (for the evaluation baseline)."""
    scores = _langdetect_scores(text)
    return max(scores, key=lambda code: scores[code]) if scores else None


def _latin(text: str) -> Detection:
    """lingua decides; langdetect breaks near-ties and sets the confidence.

    Measured on lines 1-300 of the eval data: lingua is far better on short texts, while
    the two agree on 99% of sentences and are then right 99.9% of the time, so agreement is
    a much better confidence signal than either detector's own probability.
    """
    lingua = _lingua_scores(text, LATIN_LANGUAGES)
    if not lingua:
        return Detection(None, 0.0, "none")
    ranked = sorted(lingua, key=lambda code: lingua[code], reverse=True)
    first, second = ranked[0], ranked[1]
    ld = _langdetect_scores(text, LATIN_LANGUAGES)
    ld_best = max(ld, key=lambda code: ld[code]) if ld else None
    language = first
    if ld_best == second and lingua[first] - lingua[second] < TIEBREAK_MARGIN:
        language = second
    if ld_best == language:
        confidence = 1 - (1 - lingua[language]) * (1 - ld[language])
    else:
        confidence = lingua[language] * (1 - ld.get(ld_best or "", 0.0)) if ld else lingua[language]
    if _unique_letter_language(text) == language:
        confidence = max(confidence, 0.9)
    # Both detectors often agree, wrongly, on a word or two ("ok" -> pl): damp short texts.
    confidence *= min(1.0, sum(ch.isalpha() for ch in text) / SHORT_TEXT_LETTERS)
    return Detection(language, round(confidence, 3), "combined")


def _unique_letter_language(text: str) -> str | None:
    """The one Latin-script language whose own letters (ą, ș, ã, ñ...) the text uses."""
    letters = set(text.lower())
    found = [code for code, chars in _UNIQUE_LETTERS.items() if letters & chars]
    return found[0] if len(found) == 1 else None


# --- public API -------------------------------------------------------------------------


def detect(text: str) -> Detection:
    """Best guess among SUPPORTED; language None for empty, digits, emoji, postcodes, payloads."""
    try:
        return _detect(text)
    except Exception:  # a detector bug must never break a conversation
        return Detection(None, 0.0, "error")


def _detect(text: str) -> Detection:
    if not isinstance(text, str) or text.lstrip().startswith("/"):
        return Detection(None, 0.0, "none")
    cleaned = _clean(text)
    counts = _script_counts(cleaned)
    script, share = _dominant_script(counts)
    if script is None:
        return Detection(None, 0.0, "none")
    words = _words(cleaned)
    if script == "gurmukhi":
        return Detection("pa", round(share, 3), "script:gurmukhi")
    if script == "bengali":
        return Detection("bn", round(share, 3), "script:bengali")
    if script == "cyrillic":
        lowered = cleaned.lower()
        if any(ch in "іїєґ" for ch in lowered):
            confidence = share
        elif any(ch in "ыэъё" for ch in lowered):
            confidence = 0.6 * share  # Russian: uk is still our closest language
        else:
            confidence = 0.9 * share
        return Detection("uk", round(confidence, 3), "script:cyrillic")
    if script == "arabic":
        found = _arabic_or_urdu(cleaned, words)
        return Detection(found.language, round(found.confidence * share, 3), found.method)
    if script != "latin":
        return Detection(None, 0.0, "script:unsupported")
    roman = _roman_hindustani(words)
    if roman is not None:
        return roman
    return _latin(_without_service_terms(cleaned))


def normalise_language_tag(tag: str | None) -> str | None:
    """A BCP 47 / ISO 639 tag ("pl-PL", "pt_BR", "pa-Guru", "urd") as one of SUPPORTED."""
    if not isinstance(tag, str):
        return None
    primary = re.split(r"[-_.@\s]", tag.strip().lower(), maxsplit=1)[0]
    primary = _ISO_639_2.get(primary, primary)
    return primary if primary in SUPPORTED else None


_ISO_639_2 = {
    "eng": "en",
    "pol": "pl",
    "ron": "ro",
    "rum": "ro",
    "pan": "pa",
    "urd": "ur",
    "por": "pt",
    "spa": "es",
    "ara": "ar",
    "ben": "bn",
    "ukr": "uk",
}

# Names a parent may type to pick a language: English, the language's own name (with and
# without diacritics) and the names in the other languages we support.
_LANGUAGE_NAMES = {
    "en": "english inglês ingles inglés angielski angielsku engleză engleza engleză "
    "الإنجليزية الانجليزية انجليزي إنجليزي انگریزی ਅੰਗਰੇਜ਼ੀ ইংরেজি англійська англійською",
    "pl": "polish polski polsku polskim poloneză poloneza polaco polonês polones "
    "البولندية بولندي پولش ਪੋਲਿਸ਼ পোলিশ польська польською",
    "ro": "romanian română romana româna românește romaneste rumuński rumunski rumano "
    "romeno الرومانية روماني رومانین ਰੋਮਾਨੀਅਨ রোমানিয়ান румунська румунською",
    "pa": "punjabi panjabi pendżabski pandżabski punjabă panyabí punjabi ਪੰਜਾਬੀ پنجابی "
    "البنجابية পাঞ্জাবি пенджабська",
    "ur": "urdu اردو الأردية الاردية ਉਰਦੂ উর্দু урду",
    "pt": "portuguese português portugues portugalski portugheză portugheza portugués "
    "البرتغالية برتغالي پرتگالی ਪੁਰਤਗਾਲੀ পর্তুগিজ португальська португальською",
    "es": "spanish español espanol castellano espanhol hiszpański hiszpanski spaniolă "
    "spaniola الإسبانية الاسبانية اسباني ہسپانوی ਸਪੇਨੀ স্প্যানিশ іспанська іспанською",
    "ar": "arabic بالعربي بالعربية عربي عربى العربية عربية arabski arabă araba árabe arabe "
    "عربی ਅਰਬੀ আরবি арабська арабською",
    "bn": "bengali bangla বাংলা বাংলায় bengalski bengaleză bengalí bengali بنغالي البنغالية بنگالی "
    "ਬੰਗਾਲੀ бенгальська",
    "uk": "ukrainian українська українською украинский украинском ukraiński ukrainski "
    "ucraineană ucraineana ucraniano الأوكرانية по-українськи",
}
_NAME_TO_CODE = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names.split()}
# Words that may surround a language name in a request to change language.
_CHOICE_FILLER = _wordset(
    """
    in into to please pls speak speaking talk change switch set language lang can we you
    i do want would like prefer use reply answer write chat only let's lets us me
    po w na język jezyk języku jezyku proszę prosze mówić mowic zmień zmien
    în in limba limbă vă va rog te vorbesc schimbă schimba
    em por favor idioma língua lingua falar fala mudar para
    en hablar cambiar habla
    في باللغة لغة اللغة من فضلك بال
    میں زبان براہ کرم کریں
    ਵਿੱਚ ਭਾਸ਼ਾ ਕਿਰਪਾ ਕਰਕੇ
    ভাষা ভাষায় দয়া করে
    мова мовою будь ласка будь-ласка
    """
)
_LANGUAGE_COMMAND = re.compile(
    r'^/(?:language|lang|change_language)\b[\s:={]*(?:"language"\s*:\s*")?([A-Za-z_-]+)'
)


def _fold(word: str) -> str:
    """Lower-case and drop Latin diacritics ("Română" -> "romana"); other scripts unchanged."""
    word = word.lower()
    if all(_script(ch) == "latin" for ch in word if ch.isalpha()):
        decomposed = unicodedata.normalize("NFD", word)
        word = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return word


_FOLDED_NAMES = {_fold(name): code for name, code in _NAME_TO_CODE.items()}
_FOLDED_FILLER = frozenset(_fold(word) for word in _CHOICE_FILLER)


def language_choice_from_text(text: str) -> str | None:
    """The language a short message asks for ("polski", "in Polish", "/language pl"), or None."""
    if not isinstance(text, str):
        return None
    text = _clean(text[:200])
    command = _LANGUAGE_COMMAND.match(text)
    if command:
        return normalise_language_tag(command.group(1)) or _FOLDED_NAMES.get(
            _fold(command.group(1))
        )
    words = [_fold(w) for w in _words(text)]
    if not words or len(words) > 6:
        return None
    codes = {_FOLDED_NAMES[w] for w in words if w in _FOLDED_NAMES}
    rest = [w for w in words if w not in _FOLDED_NAMES]
    if len(codes) != 1 or any(w not in _FOLDED_FILLER for w in rest):
        return None
    return codes.pop()


# Thanks and greetings are often said in English (or the parent's language) whatever the
# conversation language; on their own they never switch it.
_COURTESY = _wordset(
    """
    ok okay yes no yeah please thank thanks you very much so a lot many hello hi bye goodbye
    good morning afternoon evening cheers great that's thats fine
    dziękuję dziekuje dzięki dzieki bardzo tak nie dobrze dzień dzien dobry do widzenia
    mulțumesc multumesc mersi mulțumim multumim da nu bine foarte mult bună buna ziua
    obrigado obrigada muito sim não nao olá ola bom dia tchau
    gracias muchas muchísimas sí si vale hola buenos buenas días dias adiós adios
    shukriya shukria bohat bahut jee ji haan nahi theek hai salaam
    """
)


def _long_enough(text: str) -> bool:
    cleaned = _clean(text)
    letters = sum(ch.isalpha() for ch in cleaned)
    return len(_words(cleaned)) >= MIN_SWITCH_WORDS and letters >= MIN_SWITCH_LETTERS


def _distinct_script(text: str, current: str) -> str | None:
    """The supported non-Latin script a message is written in, if not the current one's."""
    script, _ = _dominant_script(_script_counts(_clean(text)))
    if script in (None, "latin", "other") or script == _SCRIPT_OF_LANGUAGE[current]:
        return None
    return script


def decide_language(
    text: str, current: str | None, hint: str | None = None, explicit: str | None = None
) -> LanguageDecision:
    """The conversation language after this message (sticky; see docs/languages.md).

    Order: an explicit choice (argument, or a typed request such as "polski"); with no current
    language, a confident detection, else the channel hint, else English; with a current
    language, switch only on a confident detection of a long-enough message, or on a message
    in a different non-Latin script. `switched` is True only when an existing language changed.
    """
    try:
        return _decide(text if isinstance(text, str) else "", current, hint, explicit)
    except Exception:  # never break a conversation over language
        fallback = normalise_language_tag(current) or normalise_language_tag(hint)
        return LanguageDecision(fallback or DEFAULT_LANGUAGE, False, "error, kept language")


def _decision(language: str, current: str | None, reason: str) -> LanguageDecision:
    switched = current is not None and language != current
    return LanguageDecision(language, switched, reason)


def _decide(
    text: str, current: str | None, hint: str | None, explicit: str | None
) -> LanguageDecision:
    current = normalise_language_tag(current)
    chosen = normalise_language_tag(explicit)
    if chosen:
        return _decision(chosen, current, "explicit choice")
    typed = language_choice_from_text(text)
    if typed:
        return _decision(typed, current, "language asked for by name")
    if text.lstrip().startswith("/"):
        if current:
            return _decision(current, current, "button payload, kept language")
        return _decision(
            normalise_language_tag(hint) or DEFAULT_LANGUAGE, None, "button payload, no language"
        )

    hint_code = normalise_language_tag(hint)
    if current is None:
        found = detect(text)
        if found.language is None:
            if hint_code:
                return _decision(hint_code, None, "nothing to detect, channel hint")
            return _decision(DEFAULT_LANGUAGE, None, "nothing to detect, default")
        if found.method.startswith("script:"):
            # The script settles it; within Arabic script a short text follows an ar/ur hint.
            hint_script = _SCRIPT_OF_LANGUAGE[hint_code] if hint_code else None
            if (
                hint_code
                and hint_script == _SCRIPT_OF_LANGUAGE[found.language]
                and not _long_enough(text)
            ):
                return _decision(hint_code, None, "short text in the hint's script, channel hint")
            return _decision(found.language, None, f"detected by {found.method}")
        if _long_enough(text) and found.confidence >= SWITCH_CONFIDENCE:
            return _decision(found.language, None, "confident detection")
        if not hint_code and _long_enough(text) and found.confidence >= FIRST_GUESS_CONFIDENCE:
            # Nothing else to go on: the detector's fair guess beats defaulting to English.
            return _decision(found.language, None, "first message, likely language")
        if hint_code:
            return _decision(hint_code, None, "short or unsure text, channel hint")
        if found.language == _unique_letter_language(_clean(text)):
            return _decision(found.language, None, "short text with the language's own letters")
        return _decision(DEFAULT_LANGUAGE, None, "short or unsure text, default")

    script = _distinct_script(text, current)
    if script is not None:
        found = detect(text)
        if found.language is not None and found.language != current:
            return _decision(found.language, current, f"message in {script} script")
        return _decision(current, current, "kept language")
    if not _long_enough(text):
        return _decision(current, current, "short message, kept language")
    if all(w in _COURTESY for w in _words(_clean(text))):
        return _decision(current, current, "courtesy phrase, kept language")
    found = detect(text)
    if found.language is None or found.language == current:
        return _decision(current, current, "kept language")
    if found.confidence >= SWITCH_CONFIDENCE:
        return _decision(found.language, current, f"confident detection ({found.method})")
    return _decision(current, current, "unsure detection, kept language")


def warm_up() -> None:
    """Build both detectors and load lingua's models for all ten languages (optional).

    lingua loads each language's n-gram models on first use; calling this at process start
    moves that cost (about 2 s, 170 MB; see docs/languages.md) off the first parent's turn.
    """
    samples = (
        "where can I find help",
        "gdzie znajdę pomoc",
        "unde găsesc ajutor",
        "onde encontro ajuda",
        "dónde encuentro ayuda",
        "ਮਦਦ ਕਿੱਥੇ ਮਿਲੇਗੀ",
        "مجھے مدد کہاں ملے گی",
        "أين أجد المساعدة",
        "সাহায্য কোথায় পাব",
        "де знайти допомогу",
    )
    for sample in samples:
        _lingua().compute_language_confidence_values(sample)
    _langdetect_scores(samples[0])
