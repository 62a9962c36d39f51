"""Entity words for Punjabi, Urdu, Arabic and Bengali, in their scripts and in Roman script."""

from __future__ import annotations

import unicodedata

import pytest

from actions.entities import extract_age, extract_day, extract_session_kind


@pytest.mark.parametrize(
    ("language", "text", "months"),
    [
        # Punjabi (Gurmukhi, Gurmukhi digits, Roman)
        ("pa", "ਮੇਰਾ ਬੱਚਾ 2 ਸਾਲ ਦਾ ਹੈ", 24.0),
        ("pa", "ਮੇਰੀ ਧੀ ੬ ਮਹੀਨਿਆਂ ਦੀ ਹੈ", 6.0),
        ("pa", "ਮੇਰਾ ਪੁੱਤ ਤਿੰਨ ਸਾਲਾਂ ਦਾ ਹੈ", 36.0),
        ("pa", "ਬੇਟਾ 6 ਹਫ਼ਤਿਆਂ ਦਾ ਹੈ", 1.4),
        ("pa", "ਬੇਟਾ 6 ਹਫਤਿਆਂ ਦਾ ਹੈ", 1.4),  # nukta left out
        ("pa", "ਮੇਰਾ ਬੇਟਾ ਡੇਢ ਸਾਲ ਦਾ ਹੈ", 18.0),
        ("pa", "ਸਾਢੇ ਤਿੰਨ ਸਾਲ ਦਾ", 42.0),
        ("pa", "ਉਸਦੀ ਉਮਰ 4 ਹੈ", 48.0),
        ("pa", "mera putt 2 saal da aa", 24.0),
        ("pa", "meri dhee dhai saal di hai", 30.0),
        ("pa", "beta 10 din da hai", 0.0),
        # Urdu (Urdu script, Urdu digits, Arabic keyboard letters, Roman)
        ("ur", "میرا بیٹا 2 سال کا ہے", 24.0),
        ("ur", "میری بیٹی ۶ مہینے کی ہے", 6.0),
        ("ur", "بیٹا تین سال کا ہے", 36.0),
        ("ur", "میرا بچہ 6 ہفتے کا ہے", 1.4),
        ("ur", "بیٹی ڈیڑھ سال کی ہے", 18.0),
        ("ur", "اس کی عمر 4 ہے", 48.0),
        ("ur", "ميرا بيٹا 3 سال كا ہے", 36.0),
        ("ur", "mera beta 2 saal ka hai", 24.0),
        ("ur", "meri beti 18 mahine ki hai", 18.0),
        ("ur", "beta dhai saal ka hai", 30.0),
        # Arabic (Arabic-Indic digits, dual, dialect plurals, hamza left out)
        ("ar", "ابني عمره 3 سنوات", 36.0),
        ("ar", "بنتي عمرها ٦ شهور", 6.0),
        ("ar", "ابني عمره سنتين", 24.0),
        ("ar", "بنتي عمرها سنة ونص", 18.0),
        ("ar", "عمره 4", 48.0),
        ("ar", "ابني عمره 6 اسابيع", 1.4),
        ("ar", "طفلي عمره ثلاث سنين", 36.0),
        ("ar", "عمرها تسعة أشهر", 9.0),
        ("ar", "ابني عمره 11 شهرًا", 11.0),
        # Bengali (Bengali digits, case endings on the unit, Roman)
        ("bn", "আমার ২ বছরের ছেলে", 24.0),
        ("bn", "আমার ছেলের বয়স ২ বছর", 24.0),
        ("bn", "৬ মাসের বাচ্চা", 6.0),
        ("bn", "আমার ৬ সপ্তাহের বাচ্চা আছে", 1.4),
        ("bn", "১০ দিনের বাচ্চা", 0.0),
        ("bn", "ওর বয়স ৩", 36.0),
        ("bn", "দেড় বছরের মেয়ে", 18.0),
        ("bn", "আমার ছেলের বয়স তিন বছর", 36.0),
        ("bn", "amar 2 bochorer chele", 24.0),
        ("bn", "amar meyer boyosh 6 mash", 6.0),
        ("bn", "amar pola 3 bosor er", 36.0),
    ],
)
def test_ages(language: str, text: str, months: float) -> None:
    assert extract_age(text, language)[0] == months


_PRECOMPOSE = {
    "\u09a1\u09bc": "\u09dc",  # ড়
    "\u09af\u09bc": "\u09df",  # য়
    "\u0a38\u0a3c": "\u0a36",  # ਸ਼
}


def _spellings(text: str) -> list[str]:
    """`text` with nukta letters decomposed (as NFC leaves them) and precomposed."""
    decomposed = unicodedata.normalize("NFC", text)
    precomposed = decomposed
    for pair, single in _PRECOMPOSE.items():
        precomposed = precomposed.replace(pair, single)
    assert decomposed != precomposed
    return [decomposed, precomposed]


def test_nukta_letters_typed_either_way() -> None:
    for text in _spellings("ছেলের বয়স আড়াই বছর"):
        assert extract_age(text, "bn")[0] == 30.0
    for text in _spellings("ਸ਼ਨੀਵਾਰ ਸ਼ਾਮ"):
        assert extract_day(text, "pa") == ("saturday", "evening")
    assert extract_day("ਸਨੀਵਾਰ ਸਾਮ", "pa") == ("saturday", "evening")  # nukta left out


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pa", "ਮੈਂ 20 ਹਫ਼ਤਿਆਂ ਦੀ ਗਰਭਵਤੀ ਹਾਂ"),
        ("pa", "main 20 hafte di pregnant haan"),
        ("ur", "میں 20 ہفتے کی حاملہ ہوں"),
        ("ur", "main 20 hafte ki pregnant hoon"),
        ("ar", "أنا حامل 20 أسبوع"),
        ("ar", "انا حامل في الشهر السابع"),
        ("bn", "আমি ৭ মাসের গর্ভবতী"),
        ("bn", "আমি ২০ সপ্তাহের প্রেগন্যান্ট"),
        ("bn", "ami 7 masher pregnant"),
    ],
)
def test_pregnancy_is_not_a_childs_age(language: str, text: str) -> None:
    assert extract_age(text, language) == (None, True)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pa", "mere 2 bache ne"),
        ("pa", "mera number 07700 900123 hai"),
        ("pa", "ਮੇਰੇ 2 ਬੱਚੇ ਹਨ ਤੇ ਸਾਨੂੰ 3 ਦਿਨ ਲੱਗੇ"),
        ("ur", "mere 2 bache hain"),
        ("ur", "mera number 07700 900123 hai"),
        ("ur", "وہ 3 دن سے بیمار ہے"),
        ("ar", "عندي 2 أطفال"),
        ("ar", "رقمي 07700 900123"),
        ("ar", "مفتوح 3 أيام في الأسبوع"),
        ("bn", "আমার ২টা বাচ্চা আছে"),
        ("bn", "আমার ২ জন বাচ্চা আছে"),
        ("bn", "আমার নম্বর 07700 900123"),
    ],
)
def test_no_age_where_none_is_said(language: str, text: str) -> None:
    assert extract_age(text, language) == (None, False)


@pytest.mark.parametrize(
    ("language", "text", "day", "time_of_day"),
    [
        ("pa", "ਸ਼ਨੀਵਾਰ ਸਵੇਰੇ", "saturday", "morning"),
        ("pa", unicodedata.normalize("NFC", "ਸ਼ੁੱਕਰਵਾਰ ਨੂੰ"), "friday", None),
        ("pa", "ਕੱਲ੍ਹ ਸ਼ਾਮ ਨੂੰ", "tomorrow", "evening"),
        ("pa", "somvar nu school ton baad", "monday", "after_school"),
        ("pa", "ajj dupehar", "today", "afternoon"),
        ("ur", "جمعہ کو صبح", "friday", "morning"),
        ("ur", "کل شام", "tomorrow", "evening"),
        ("ur", "peer ko school ke baad", "monday", "after_school"),
        ("ur", "aaj dopahar", "today", "afternoon"),
        ("ur", "اتوار", "sunday", None),
        ("ar", "يوم السبت الصبح", "saturday", "morning"),
        ("ar", "بكرة بعد الظهر", "tomorrow", "afternoon"),
        ("ar", "الاثنين بعد المدرسة", "monday", "after_school"),
        ("ar", "شو في نهاية الأسبوع", "weekend", None),
        ("ar", "والجمعه", "friday", None),
        ("bn", "শনিবার সকালে", "saturday", "morning"),
        ("bn", "আগামীকাল বিকেলে", "tomorrow", "afternoon"),
        ("bn", "সোমবারে স্কুলের পরে", "monday", "after_school"),
        ("bn", "aj dupure", "today", "afternoon"),
        ("bn", "robibar e ki ache", "sunday", None),
    ],
)
def test_days_and_times(language: str, text: str, day: str, time_of_day: str | None) -> None:
    assert extract_day(text, language) == (day, time_of_day)


@pytest.mark.parametrize(
    ("language", "text"),
    [("ar", "عندي اثنين أطفال"), ("ar", "هل يوجد أحد هناك"), ("ur", "6 ہفتے کا بچہ")],
)
def test_numbers_and_weeks_are_not_days(language: str, text: str) -> None:
    assert extract_day(text, language)[0] is None


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("pa", "ਕੀ ਕੋਈ ਖੇਡ ਗਰੁੱਪ ਹੈ", "stay_and_play"),
        ("pa", "bacche da bhaar karauna", "weigh_in"),
        ("pa", "ਦੁੱਧ ਪਿਲਾਉਣਾ ਬਾਰੇ ਮਦਦ", "breastfeeding"),
        ("pa", "ਕਹਾਣੀਆਂ ਵਾਲਾ ਸੈਸ਼ਨ", "chat_play_read"),
        ("ur", "کیا کوئی کھیل کا گروپ ہے", "stay_and_play"),
        ("ur", "bachay ka wazan karwana hai", "weigh_in"),
        ("ur", "دودھ پلانا سیکھنا ہے", "breastfeeding"),
        ("ur", "abbu ke liye kuch hai", "dads_group"),
        ("ar", "هل يوجد مجموعة لعب", "stay_and_play"),
        ("ar", "وين أقدر أوزن طفلي", "weigh_in"),
        ("ar", "هل في شي للآباء", "dads_group"),
        ("ar", "مساعدة في الرضاعة الطبيعية", "breastfeeding"),
        ("bn", "খেলার গ্রুপ আছে?", "stay_and_play"),
        ("bn", "বাচ্চার ওজন মাপতে চাই", "weigh_in"),
        ("bn", "বাবাদের জন্য কিছু আছে", "dads_group"),
        ("bn", "golpo bolar session", "chat_play_read"),
    ],
)
def test_session_kinds(language: str, text: str, kind: str) -> None:
    assert extract_session_kind(text, language) == kind


@pytest.mark.parametrize("language", ["pa", "ur", "ar", "bn"])
def test_english_words_still_work(language: str) -> None:
    assert extract_age("my 2 year old", language)[0] == 24.0
    assert extract_day("saturday morning", language) == ("saturday", "morning")
    assert extract_session_kind("any stay and play", language) == "stay_and_play"
