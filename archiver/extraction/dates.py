"""Dates as printed or tagged, in any common format and language, to ISO 8601.

The output keeps exactly the precision the page gave: "2025-01-12" for a bare
date, "2025-01-12T10:05:00" for a time without zone, and an offset only when
the page states one (a midnight or a UTC offset is never invented). Common
formats are parsed by hand because dateparser costs milliseconds per call;
it remains the fallback for the long tail.
"""

from __future__ import annotations

import email.utils
import html
import re
from datetime import date, datetime, timedelta, timezone

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar jänner janv janvier enero ene janeiro stycznia styczeń styczen gennaio januari январь января",
        "february feb februar febr février fevr févr febrero fevereiro fev lutego luty febbraio februari февраль февраля",
        "march mar märz maerz mrz mars marzo março marca marzec maart март марта",
        "april apr avril avr abril abr kwietnia kwiecień aprile апрель апреля",
        "may mai mayo maio maja maj maggio mei май мая",
        "june jun juni juin junio junho czerwca czerwiec giugno июнь июня",
        "july jul juli juillet juil julio julho lipca lipiec luglio июль июля",
        "august aug août aout agosto ago sierpnia sierpień augustus август августа",
        "september sep sept septembre septiembre setembro set septiembre września wrzesień settembre сентябрь сентября",
        "october oct okt oktober octobre octubre outubro out października październik ottobre oktober октябрь октября",
        "november nov novembre noviembre novembro listopada listopad ноябрь ноября",
        "december dec dez dezember décembre decembre diciembre dic dezembro grudnia grudzień dicembre december декабрь декабря",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

TZ_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "wet": 0, "bst": 60, "cet": 60, "mez": 60, "cest": 120, "mesz": 120,
    "eet": 120, "eest": 180, "msk": 180, "ist": 330, "hkt": 480, "sgt": 480, "jst": 540, "kst": 540,
    "aest": 600, "aedt": 660, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "et": None, "pt": None, "brt": -180, "art": -180,
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_OFFSET = r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?)"
_TIME = (
    r"(?:\s*(?:T|,|um|à|a\s+las|às|o|at|-|–|\|)?\s*(?P<hour>\d{1,2})\s*[:h.](?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,]\d+)?)?\s*(?:Uhr\s*)?(?P<ampm>[ap]\.?\s?m\.?)?"
    r"\s*(?:" + _OFFSET + r"|\(?(?P<abbr>[A-Z]{1,5})\)?(?![a-z]))?)?"
)
_ISO = re.compile(
    r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})"
    r"(?:[T\s]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?\s*" + _OFFSET + r"?)?"
)
_CJK = re.compile(
    r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
    r"(?:[^\d]{0,8}?(?P<hour>\d{1,2})\s*[時时:]\s*(?P<minute>\d{1,2})\s*分?)?"
)
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\w])(?P<day>\d{1,2})(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+|-)?(?P<mname>" + _MONTH_RE + r")\.?"
    r"(?:\s*(?:de|del|-)?\s*|,\s*)(?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<![\w])(?P<mname>" + _MONTH_RE + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME,
    re.IGNORECASE,
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})" + _TIME
)
_HAS_TIME = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|\d{1,2}\s*[時时]|\b\d{1,2}\s*[ap]\.?m\b", re.IGNORECASE)


def parse_date(value: str | None, *, language: str | None = None) -> str | None:
    """Parse one date string; ISO 8601 with the precision the text carries, or None."""
    if not value:
        return None
    text = html.unescape(str(value)).replace("\u00a0", " ").strip()
    if not text or len(text) > 300:
        return None
    for parser in (_parse_iso, _parse_cjk, _parse_rfc2822, _parse_named, _parse_numeric):
        result = parser(text, language)
        if result:
            return result
    return _parse_fallback(text, language)


def precision(iso: str | None) -> int:
    """0 = date only, 1 = time without zone, 2 = time with offset."""
    if not iso:
        return -1
    if "T" not in iso:
        return 0
    return 2 if re.search(r"[+-]\d{2}:\d{2}$|Z$", iso) else 1


def to_datetime(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def local_day(iso: str) -> str:
    """The calendar day as printed on the page (the offset's local day)."""
    return iso[:10]


def utc_instant(iso: str) -> datetime | None:
    """The instant in UTC, or None when the value has no time zone."""
    if precision(iso) < 2:
        return None
    return to_datetime(iso).astimezone(timezone.utc)


def _build(year: int, month: int, day: int, hour: str | None = None, minute: str | None = None,
           second: str | None = None, ampm: str | None = None, tz: str | None = None,
           abbr: str | None = None) -> str | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None
    if hour is None or minute is None:
        return day_value.isoformat()
    h, m, s = int(hour), int(minute), int(second or 0)
    if ampm:
        is_pm = ampm.lower().startswith("p")
        if h == 12:
            h = 0
        if is_pm:
            h += 12
    if h > 23 or m > 59 or s > 59:
        return day_value.isoformat()
    moment = datetime(year, month, day, h, m, s)
    offset = _offset_minutes(tz, abbr)
    if offset is not None:
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=offset)))
    return moment.isoformat()


def _offset_minutes(tz: str | None, abbr: str | None) -> int | None:
    if tz:
        tz = tz.strip().upper().replace(" ", "")
        if tz == "Z":
            return 0
        tz = tz.removeprefix("UTC").removeprefix("GMT")
        match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", tz)
        if match:
            minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
            return minutes if match.group(1) == "+" else -minutes
        return None
    if abbr:
        return TZ_ABBREVIATIONS.get(abbr.lower())
    return None


def _parse_iso(text: str, language: str | None) -> str | None:
    match = _ISO.search(text)
    if not match:
        return None
    g = match.groupdict()
    return _build(int(g["year"]), int(g["month"]), int(g["day"]), g["hour"], g["minute"], g["second"],
                  tz=g["tz"])


def _parse_cjk(text: str, language: str | None) -> str | None:
    match = _CJK.search(text)
    if not match:
        return None
    g = match.groupdict()
    pm = re.search(r"午後|下午|晚上", text[match.start():match.end()])
    hour = g["hour"]
    if pm and hour is not None and int(hour) < 12:
        hour = str(int(hour) + 12)
    return _build(int(g["year"]), int(g["month"]), int(g["day"]), hour, g["minute"])


def _parse_rfc2822(text: str, language: str | None) -> str | None:
    if not re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed.isoformat()


def _parse_named(text: str, language: str | None) -> str | None:
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match:
            g = match.groupdict()
            month = MONTHS.get(g["mname"].lower().rstrip("."))
            if month:
                return _build(int(g["year"]), month, int(g["day"]), g["hour"], g["minute"], g["second"],
                              g["ampm"], g["tz"], g["abbr"])
    return None


def _parse_numeric(text: str, language: str | None) -> str | None:
    match = _NUMERIC.search(text)
    if not match:
        return None
    g = match.groupdict()
    first, second = int(g["a"]), int(g["b"])
    us_style = g["sep"] == "/" and (language or "en").lower().startswith("en") and first <= 12
    if second > 12:
        us_style = True
    month, day = (first, second) if us_style else (second, first)
    return _build(int(g["year"]), month, day, g["hour"], g["minute"], g["second"], g["ampm"], g["tz"],
                  g["abbr"])


def _parse_fallback(text: str, language: str | None) -> str | None:
    """dateparser for the long tail ("gestern", "vor 3 Stunden" are not dates to archive)."""
    if not re.search(r"\d{4}", text):
        return None  # relative dates depend on the crawl time: not a publication date
    import dateparser  # slow import: only when the fast parsers fail

    languages = [language.split("-")[0].split("_")[0].lower()] if language else None
    try:
        parsed = dateparser.parse(text, languages=languages, settings={"STRICT_PARSING": True})
    except (ValueError, TypeError, OverflowError):
        parsed = None
    if parsed is None and languages:
        parsed = dateparser.parse(text, settings={"STRICT_PARSING": True})
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    if not _HAS_TIME.search(text):
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()
