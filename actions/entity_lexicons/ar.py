"""Arabic entity words: Modern Standard Arabic plus the Levantine, Iraqi, Gulf, Egyptian and
Sudanese forms UK parents type ("عمره 3 سنين", "بكرة", "الصبح").

Word order is NUMBER UNIT: "ابني عمره 3 سنوات", "بنتي ٦ شهور". Arabic-Indic digits (٠-٩) need
no entry: `_number_at` reads any Unicode digit. "عمره"/"عمرها" (his/her age) work as "aged"
before a bare number ("عمره 3").

Parents often leave out hamza and write ة as ه or final ي as ى, so every word is added in each
of those spellings (`_forms`).

The dual of years is one word ("سنتين" = two years, "سنة" = a year): they are listed as the
numbers 2 and 1 so that "عمره سنتين" and "عمرها سنة ونص" read as ages after "عمره" or when
the bot has just asked the age. The dual of months ("شهرين") cannot be read that way, since a
bare number after "عمره" is taken as years.
"""

from __future__ import annotations

from itertools import product

from actions.entities import Lexicon

_TASHKEEL = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"


def _forms(word: str) -> set[str]:
    """`word` with and without short vowels and hamza on alef, ة as ه, final ي as ى and back."""
    bare = "".join(c for c in word if c not in _TASHKEEL)
    forms = set()
    for base, alef, taa, yaa in product((word, bare), (False, True), (False, True), (False, True)):
        form = base
        if alef:
            form = form.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
        if taa:
            form = " ".join(w[:-1] + "ه" if w.endswith("ة") else w for w in form.split())
        if yaa:
            form = " ".join(
                w[:-1] + "ى" if w.endswith("ي") else w[:-1] + "ي" if w.endswith("ى") else w
                for w in form.split()
            )
        forms.add(form)
    return forms


def _words(*words: str) -> tuple[str, ...]:
    return tuple(sorted({form for word in words for form in _forms(word)}))


def _mapping(pairs: dict[str, str]) -> dict[str, str]:
    return {form: value for word, value in pairs.items() for form in _forms(word)}


def _with_prefixes(pairs: dict[str, str], prefixes: tuple[str, ...]) -> dict[str, str]:
    """Words with "و" (and), "ب" (in/on) and similar clitics glued on, as Arabic writes them."""
    return {prefix + word: value for word, value in pairs.items() for prefix in ("", *prefixes)}


_NUMBER_WORDS: dict[str, float] = {
    "واحد": 1,
    "واحدة": 1,
    "اثنين": 2,
    "اثنان": 2,
    "اثنتين": 2,
    "إثنين": 2,
    "اتنين": 2,
    "ثنين": 2,
    "تنين": 2,
    "ثلاث": 3,
    "ثلاثة": 3,
    "تلات": 3,
    "تلاتة": 3,
    "تلاث": 3,
    "أربع": 4,
    "أربعة": 4,
    "خمس": 5,
    "خمسة": 5,
    "ست": 6,
    "ستة": 6,
    "سبع": 7,
    "سبعة": 7,
    "ثمان": 8,
    "ثماني": 8,
    "ثمانية": 8,
    "تمن": 8,
    "تمنية": 8,
    "تمانية": 8,
    "تسع": 9,
    "تسعة": 9,
    "عشر": 10,
    "عشرة": 10,
    "أحد عشر": 11,
    "إحدى عشرة": 11,
    "حداش": 11,
    "احدعش": 11,
    "اثنا عشر": 12,
    "اثني عشر": 12,
    "اثنتا عشرة": 12,
    "اطناش": 12,
    "اتناشر": 12,
    "طنعش": 12,
    "ثلاثة عشر": 13,
    "ثلاث عشرة": 13,
    "تلتاش": 13,
    "تلطعش": 13,
    "أربعة عشر": 14,
    "أربع عشرة": 14,
    "اربعتاش": 14,
    "اربعطعش": 14,
    "خمسة عشر": 15,
    "خمس عشرة": 15,
    "خمستاش": 15,
    "خمسطعش": 15,
    "ستة عشر": 16,
    "ست عشرة": 16,
    "ستاش": 16,
    "سطعش": 16,
    "سبعة عشر": 17,
    "سبع عشرة": 17,
    "سبعتاش": 17,
    "سبعطعش": 17,
    "ثمانية عشر": 18,
    "ثماني عشرة": 18,
    "تمنتاش": 18,
    "تمنطعش": 18,
    "تسعة عشر": 19,
    "تسع عشرة": 19,
    "تسعتاش": 19,
    "تسعطعش": 19,
    "عشرين": 20,
    "عشرون": 20,
    # "a year" / "two years" are single words in Arabic (see the module note)
    "سنة": 1,
    "عام": 1,
    "سنتين": 2,
    "سنتان": 2,
    "عامين": 2,
}

_YEARS = (
    "سنة",
    "سنوات",
    "سنين",
    "سنتين",
    "سنتان",
    "سنه",
    "عام",
    "أعوام",
    "عامًا",
    "عامين",
)
_MONTHS = ("شهر", "شهور", "أشهر", "شهرًا", "شهرين")
_WEEKS = ("أسبوع", "أسابيع", "أسبوعًا", "أسبوعين")
_DAYS = ("يوم", "أيام", "يومًا", "يومين")

_WEEKDAYS = {
    "الأحد": "sunday",
    "الاثنين": "monday",
    "الإثنين": "monday",
    "الاتنين": "monday",
    "التنين": "monday",
    "الثلاثاء": "tuesday",
    "الثلاثا": "tuesday",
    "التلات": "tuesday",
    "التلاتاء": "tuesday",
    "الثلوث": "tuesday",
    "الأربعاء": "wednesday",
    "الأربعا": "wednesday",
    "الاربعة": "wednesday",
    "الخميس": "thursday",
    "خميس": "thursday",
    "الجمعة": "friday",
    "السبت": "saturday",
    "سبت": "saturday",
}

LEXICON = Lexicon(
    numbers={form: value for word, value in _NUMBER_WORDS.items() for form in _forms(word)},
    half=_words("ونص", "و نص", "ونصف", "و نصف", "والنصف", "ونُص"),
    months=_words(*_MONTHS),
    years=_words(*_YEARS),
    weeks=_words(*_WEEKS),
    days_unit=_words(*_DAYS),
    old=(),
    aged=_words(
        "عمره",
        "عمرها",
        "عمرو",
        "عمرة",
        "عمرهم",
        "عمر",
        "بعمر",
        "سن",
        "بسن",
        "العمر",
        "العمر:",
        "عمرها:",
        "عمره:",
    ),
    is_words=_words(
        "صار",
        "صارت",
        "عنده",
        "عندها",
        "تقريبا",
        "تقريباً",
        "حوالي",
        "الآن",
        "هلق",
        "هلأ",
    ),
    clause_words=_words("و", "بس", "لكن", "الآن", "هلق", "حاليا", "فقط", "وأنا"),
    pregnant=_words(
        "حامل",
        "حاملة",
        "حبلى",
        "حبلة",
        "الحمل",
        "بالحمل",
        "حمل",
        "أنتظر مولود",
        "انتظر مولود",
        "ننتظر مولود",
        "منتظرة مولود",
        "بانتظار مولود",
        "متوقع ولادتي",
        "موعد الولادة",
        "pregnant",
    ),
    newborn=_words(
        "مولود جديد",
        "حديث الولادة",
        "حديثة الولادة",
        "حديث الولاده",
        "رضيع جديد",
        "لسه مولود",
        "توني ولدت",
        "ولدت جديد",
    ),
    teenager=_words("مراهق", "مراهقة", "مراهقين", "المراهق", "المراهقة", "ابني المراهق"),
    toddler=_words(
        "تودلر",
    ),
    weekdays=_mapping(_with_prefixes(_WEEKDAYS, ("و", "ب", "وب"))),
    relative_days=_mapping(
        {
            "اليوم": "today",
            "هاليوم": "today",
            "الليلة": "today",
            "الليله": "today",
            "هلق": "today",
            "هلأ": "today",
            "هلا": "today",
            "الحين": "today",
            "الآن": "today",
            "حاليا": "today",
            "دلوقتي": "today",
            "هسه": "today",
            "هسا": "today",
            "بكرة": "tomorrow",
            "بكره": "tomorrow",
            "بكرا": "tomorrow",
            "باكر": "tomorrow",
            "غدا": "tomorrow",
            "غدًا": "tomorrow",
            "الغد": "tomorrow",
            "بالغد": "tomorrow",
            "عطلة نهاية الأسبوع": "weekend",
            "نهاية الأسبوع": "weekend",
            "نهاية الاسبوع": "weekend",
            "آخر الأسبوع": "weekend",
            "الويكند": "weekend",
            "ويكند": "weekend",
            "الويك اند": "weekend",
            "العطلة": "weekend",
        }
    ),
    times_of_day=_mapping(
        {
            "الصبح": "morning",
            "بالصبح": "morning",
            "الصباح": "morning",
            "صباحا": "morning",
            "صباحًا": "morning",
            "صباح": "morning",
            "الضحى": "morning",
            "الظهر": "afternoon",
            "بعد الظهر": "afternoon",
            "الظهيرة": "afternoon",
            "العصر": "afternoon",
            "بالعصر": "afternoon",
            "عصرا": "afternoon",
            "المساء": "evening",
            "مساء": "evening",
            "مساءً": "evening",
            "مساءا": "evening",
            "المسا": "evening",
            "بالمسا": "evening",
            "بالليل": "evening",
            "الليلة": "evening",
            "الليل": "evening",
            "بعد المدرسة": "after_school",
            "بعد المدرسه": "after_school",
            "بعد الدوام المدرسي": "after_school",
            "بعد المدارس": "after_school",
        }
    ),
    place_suffixes=_words(
        "مركز العائلة", "مركز الأسرة", "مركز الأطفال", "مركز", "المركز", "هب", "family hub", "hub"
    ),
    session_kinds=_mapping(
        {
            "لعب": "stay_and_play",
            "اللعب": "stay_and_play",
            "للعب": "stay_and_play",
            "جلسة لعب": "stay_and_play",
            "مجموعة لعب": "stay_and_play",
            "وقت اللعب": "stay_and_play",
            "مجموعة الأطفال الرضع": "baby_group",
            "مجموعة الرضع": "baby_group",
            "مجموعة للرضع": "baby_group",
            "الرضع": "baby_group",
            "مساج الرضع": "baby_group",
            "تدليك الرضع": "baby_group",
            "مساج للطفل": "baby_group",
            "الرضاعة": "breastfeeding",
            "رضاعة": "breastfeeding",
            "الرضاعة الطبيعية": "breastfeeding",
            "رضاعة طبيعية": "breastfeeding",
            "إرضاع": "breastfeeding",
            "الإرضاع": "breastfeeding",
            "وزن": "weigh_in",
            "الوزن": "weigh_in",
            "أوزن": "weigh_in",
            "نوزن": "weigh_in",
            "يوزن": "weigh_in",
            "توزين": "weigh_in",
            "وزن الطفل": "weigh_in",
            "الآباء": "dads_group",
            "آباء": "dads_group",
            "للآباء": "dads_group",
            "الأباء": "dads_group",
            "للأب": "dads_group",
            "مجموعة الآباء": "dads_group",
            "احتياجات خاصة": "send_group",
            "الاحتياجات الخاصة": "send_group",
            "ذوي الاحتياجات": "send_group",
            "التوحد": "send_group",
            "توحد": "send_group",
            "قصص": "chat_play_read",
            "قصة": "chat_play_read",
            "القصص": "chat_play_read",
            "وقت القصة": "chat_play_read",
            "قراءة": "chat_play_read",
            "دورة تربية": "parenting_course",
            "تربية الأطفال": "parenting_course",
            "دورة الأبوة": "parenting_course",
            "دورة للأهل": "parenting_course",
            "الأبوة والأمومة": "parenting_course",
            "تسجيل المولود": "registration",
            "تسجيل ولادة": "registration",
            "تسجيل الولادة": "registration",
            "تسجيل": "registration",
            "شهادة ميلاد": "registration",
            "نادي الشباب": "youth_club",
            "نادي شباب": "youth_club",
            "المراهقين": "youth_club",
            "للمراهقين": "youth_club",
            "نصيحة": "advice_drop_in",
            "نصائح": "advice_drop_in",
            "استشارة": "advice_drop_in",
            "استشارات": "advice_drop_in",
            "ديون": "advice_drop_in",
            "الديون": "advice_drop_in",
            "عيادة": "clinic",
            "العيادة": "clinic",
            "دورة": "course",
            "دورات": "course",
            "كورس": "course",
            "دروس": "course",
            "صف": "course",
            "طعام": "food",
            "الطعام": "food",
            "أكل": "food",
            "الأكل": "food",
            "غداء": "food",
            "وجبة": "food",
            "وجبات": "food",
            "بنك الطعام": "food",
            "نشاطات العطلة": "holiday_activities",
            "أنشطة العطلة": "holiday_activities",
            "نادي العطلة": "holiday_activities",
            "العطلة المدرسية": "holiday_activities",
            "ما قبل الولادة": "antenatal",
            "قبل الولادة": "antenatal",
            "رعاية الحمل": "antenatal",
            "صف الحمل": "antenatal",
            "دروس الحمل": "antenatal",
            "مجموعة دعم": "support_group",
            "مجموعة الدعم": "support_group",
            "مجموعات دعم": "support_group",
        }
    ),
)
