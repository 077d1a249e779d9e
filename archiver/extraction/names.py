"""Bylines to author names: the field researchers count, so be strict.

A byline as printed mixes names with prefixes ("By", "Von", "Por"), roles
("Staff Writer", "Korrespondentin"), places ("in Kyiv"), affiliations
(", Reuters"), dates and social handles. ``split_byline`` keeps the names in
printed order and drops the rest; ``normalize_authors`` applies the same rules
to author lists that come from structured data, which carry the same noise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_PREFIX = re.compile(
    r"^\s*(?:(?:written|reported|reporting|posted|story|words|text|photos?|analysis|interview|compiled|"
    r"reviewed|review|tested|edited)\s+by|our\s+experts?|unser(?:e)?\s+expert(?:in|e)?|more\s+(?:from|by)"
    r"|an?\s+(?:\w+\s+)?by|by|von|vom|por|par|di|door|przez|av|af|από|от|autor(?:in|a|es|en)?|authors?"
    r"|texto?|texte|tekst|escrito\s+por|publicado\s+por|publi[ée]\s+par|geschrieben\s+von|ein\s+\w+\s+von"
    r"|redacci[óo]n|reportage\s+de|mit|with|submitted\s+by|verfasst\s+von)\s*[:\-–—]?(?:\s+|$)",
    re.IGNORECASE,
)
_CJK_PREFIX = re.compile(
    r"^\s*(?:(?:[\u4e00-\u9fff]{1,4}[社台报報])?(?:记者|記者)|文|作者|撰文|编辑|編集|责任编辑|責任編集|来源|文・|取材・文)\s*[:：/／・｜|]?\s*"
)
_CJK_SUFFIX = re.compile(r"\s*(?:记者|記者|特派員|編集委員|論説委員|撮影|报道|報道|通讯员)$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_PAREN = re.compile(r"[(\[（【]([^)\]）】]*)[)\]）】]")
_WITH = re.compile(r"^(?:avec|with|mit|con|com|z|met)\s+", re.IGNORECASE)
_EMAIL_URL_HANDLE = re.compile(r"\S+@\S+\.\S+|https?://\S+|www\.\S+|@\w+")
# Where a byline stops being names: dates, "Updated", times.
_MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|okt|dez|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|"
    r"stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia"
)
_TRAILER = re.compile(
    r"(?:\s*[,|•·–—-]?\s*)(?:\b(?:updated|published|posted|last\s+updated|aktualisiert|veröffentlicht|stand|"
    r"actualizado|publicado|mis\s+à\s+jour|publié|atualizado|zaktualizowano|opublikowano|on)\b.*$"
    r"|\b(?:" + _MONTHS + r")[a-zäéûôç]*\.?\s+\d.*$"
    r"|\d.*$)",
    re.IGNORECASE,
)
_SEGMENT_SEPARATORS = re.compile(r"\s+[|•·]\s+|\s*\|\s*|\s+[–—]\s+|\s+-\s+|\n")
# Separators between names; the captured text tells a list ("and") from an affiliation (",").
_NAME_SEPARATORS = re.compile(
    r"\s*(,|;|、|，|／|/|&|\+)\s*"
    r"|\s+(and|And|AND|und|y|e|et|i|oraz|en|och|og|with|mit|con|avec|com|и)\s+",
)
_PLACE_SUFFIX = re.compile(
    r"\s+(?:in|aus|en|à|em|w|we|z|from|reporting\s+from|reports\s+from|nach)\s+[A-ZÀ-Ý][\w .'-]*$"
)
_ROLE_WORDS = {
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents", "editor",
    "editors", "senior", "chief", "contributor", "contributing", "columnist", "journalist", "photographer",
    "photo", "photos", "video", "producer", "analyst", "special", "foreign", "political", "business",
    "science", "health", "sports", "national", "international", "deputy", "associate", "managing",
    "executive", "bureau", "desk", "news", "newsroom", "team", "opinion", "guest", "freelance", "intern",
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "redaktion", "autor", "autorin",
    "mitarbeiter", "volontär", "volontärin", "chefredakteur", "ressortleiter", "reporterin",
    "corresponsal", "redactor", "redactora", "enviado", "enviada", "especial", "periodista", "redacción",
    "correspondant", "correspondante", "envoyé", "envoyée", "spécial", "spéciale", "journaliste", "rédaction",
    "correspondente", "repórter", "redação", "colunista", "dziennikarz", "dziennikarka", "korespondent",
    "korespondentka", "redakcja", "washington", "london", "moscow", "berlin", "paris", "brussels", "kyiv",
    "at", "large", "of", "the", "for", "and", "&", "in", "our", "wire", "services", "service", "agency",
    "agencies", "medical", "economics", "economy", "technology", "tech", "culture", "defense", "diplomatic",
    "white", "house", "climate", "crime", "legal", "affairs", "global", "europe", "asia", "africa", "digital",
    "head", "director", "graphics", "data", "investigations", "investigative", "fact", "checker", "lead",
    "assistant", "commissioning", "correspondence", "reporting", "additional", "contributed", "to", "this",
    "report", "story", "article",
}
_ROLE_HEADS = {
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents", "editor",
    "editors", "contributor", "columnist", "journalist", "photographer", "producer", "analyst", "redakteur",
    "redakteurin", "korrespondent", "korrespondentin", "redaktion", "corresponsal", "redactor", "redactora",
    "periodista", "correspondant", "correspondante", "journaliste", "rédaction", "correspondente",
    "repórter", "redação", "dziennikarz", "dziennikarka", "korespondent", "korespondentka", "redakcja",
    "reporterin", "desk", "team", "newsroom", "bureau", "intern", "envoyé", "envoyée", "enviado", "enviada",
    "chefredakteur", "chefredakteurin", "ressortleiter", "ressortleiterin", "herausgeber", "herausgeberin",
    "redactor-jefe", "rédacteur", "rédactrice", "editor-in-chief", "editora", "redatora", "redator",
}
_ROLE_WORDS |= _ROLE_HEADS
# "Slate Staff", "Team Kitchen": an organisation's byline, kept whole.
_ORGANISATION_MARKERS = {"staff", "team", "redaktion", "editors", "desk"}
_GENERIC = {
    "admin", "administrator", "staff", "editor", "editors", "redaktion", "the editors", "editorial board",
    "editorial", "newsroom", "web desk", "news desk", "desk", "anonymous", "unknown", "guest", "guest author",
    "reporters", "correspondents", "redacción", "rédaction", "redação", "redakcja", "team", "webmaster",
    "user", "null", "none", "n/a", "wire", "wires", "agencies", "agencias", "agences", "agenturen",
}
AGENCIES = {
    "afp", "agence france-presse", "agence france presse", "ap", "associated press", "the associated press",
    "reuters", "thomson reuters", "dpa", "deutsche presse-agentur", "interfax", "tass", "ria novosti", "ria",
    "xinhua", "新华社", "kyodo", "共同通信", "jiji", "時事通信", "efe", "ansa", "bloomberg", "kna", "epd", "afx",
    "apa", "sda", "keystone-sda", "pap", "europa press", "upi", "yonhap", "anadolu", "ukrinform", "lusa",
    "agência brasil", "agencia brasil", "epa", "belga", "anp", "ntb", "tt", "ritzau", "stt", "ctk", "čtk",
    "mti", "ap/dpa", "afp/dpa", "rtr", "kap", "dts", "reuters/afp", "sid", "bna", "aa", "interfax-ukraine",
}
_AFFILIATION_WORDS = {
    "news", "times", "post", "press", "agency", "service", "media", "zeitung", "magazine", "magazin",
    "institute", "university", "journal", "herald", "tribune", "gazette", "daily", "weekly", "network",
    "radio", "tv", "television", "broadcasting", "foundation", "center", "centre", "council", "school",
    "college", "group", "company", "inc", "ltd", "gmbh", "online", "reporting", "nachrichten", "rundschau",
}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "dos", "das", "bin", "al",
              "el", "ibn", "ten", "ter", "zu", "y", "e", "do", "des", "della", "af", "av", "st.", "mc"}


def name_key(name: str) -> str:
    """A comparison key: case-, accent- and punctuation-insensitive."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def is_agency(name: str) -> bool:
    return name.strip().casefold().rstrip(".") in AGENCIES


def looks_like_byline(text: str) -> bool:
    """A short "By A and B" / "Von A" line that names people (a byline printed as a paragraph)."""
    words = text.split()
    return (len(words) <= 14 and bool(_PREFIX.match(text) or _CJK_PREFIX.match(text))
            and not (len(words) > 7 and text.rstrip().endswith((".", "!", "?"))) and bool(split_byline(text)))


_TAGLINE = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}) (?:is|was|has been|serves as) "
    r"(?:a|an|the|our|\w+'s) [^.!?]{3,160}[.]$")


def author_tagline(text: str) -> str | None:
    """The author of an op-ed's closing line, "Jane Doe is a professor of law at ..."."""
    match = _TAGLINE.match(text.strip())
    if not match or len(text.split()) > 30:
        return None
    return match.group("name")


def split_byline(byline: str | None) -> list[str]:
    """Names from a printed byline, in printed order, without roles, places or dates."""
    if not byline:
        return []
    text = _clean_spaces(byline)
    text = _EMAIL_URL_HANDLE.sub(" ", text)
    text = _pick_segment(text)
    return _names_from_segment(text)


def normalize_authors(values: Iterable[str]) -> list[str]:
    """Normalise a list of author strings (each may itself be a byline) and dedupe."""
    names: list[str] = []
    for value in values:
        if value and not value.strip().lower().startswith(("http://", "https://", "/")):
            names.extend(split_byline(value))
    return dedupe(names)


def dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


def is_generic(name: str, site_names: Iterable[str] = ()) -> bool:
    """True for placeholders ("Staff", "Redaktion") and the outlet's own name."""
    key = name_key(name)
    if name.strip().casefold() in _GENERIC:
        return True
    return any(key == name_key(site) for site in site_names if site)


def _clean_spaces(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"[ \t\r\f\v]+", " ", text).strip()


def _pick_segment(text: str) -> str:
    """Keep the part of "By A | Updated 3 May" or "Politics — By A" that names people."""
    segments = [s.strip() for s in _SEGMENT_SEPARATORS.split(text) if s and s.strip()]
    if not segments:
        return ""
    for segment in segments:
        if _PREFIX.match(segment) or _CJK_PREFIX.match(segment):
            rest = [s for s in segments[segments.index(segment) + 1:] if is_agency(s)]
            return segment + "".join(f", {s}" for s in rest)
    first = segments[0]
    rest = [s for s in segments[1:] if is_agency(s)]
    return first + "".join(f", {s}" for s in rest)


def _strip_prefixes(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text, count=1)
        text = _CJK_PREFIX.sub("", text, count=1)
    return text.strip(" :;,-–—·•|")


def _names_from_segment(text: str) -> list[str]:
    whole = _PAREN.fullmatch(text.strip())
    if whole and not is_agency(whole.group(1)):
        text = whole.group(1)  # "（山田太郎）": the whole byline in parentheses
    # Parenthesised agencies become affiliation parts, other parentheses go.
    parens = [p.strip() for p in _PAREN.findall(text)]
    # "Martin Untersinger (avec Damien Leloup et Morgane Tual)": co-authors printed in parentheses.
    with_more = [_WITH.sub("", p) for p in parens if _WITH.match(p)]
    text = _PAREN.sub(" ", text) + "".join(f" and {p}" for p in with_more)
    text = _strip_prefixes(_clean_spaces(text))
    text = _TRAILER.sub("", text).strip(" ,;:-–—")
    parts = _split_parts(text)
    parts += [(p, ",") for p in parens if is_agency(p)]

    names: list[str] = []
    person_seen = False
    for part, separator in parts:
        part = _strip_prefixes(part)
        part = _CJK_SUFFIX.sub("", part).strip()
        if not part:
            continue
        if is_agency(part):
            if person_seen and separator in {",", ";", "|", "/", "／"}:
                continue  # "Jane Doe, Reuters": an affiliation, not a co-author
            names.append(part)
            continue
        cleaned = _clean_part(part, after_comma=separator in {",", ";"} and person_seen)
        for name in cleaned:
            names.append(name)
            person_seen = True
    # An agency listed before any person keeps its place; drop it if only
    # affiliations remain after people ("AFP, Jane Doe" keeps both: printed so).
    return dedupe(names)


def _split_parts(text: str) -> list[tuple[str, str]]:
    """Split "A, B and C" into [(A, ""), (B, ","), (C, "and")]."""
    pieces = _NAME_SEPARATORS.split(text)
    parts: list[tuple[str, str]] = [(pieces[0] or "", "")]
    i = 1
    while i < len(pieces):
        sep = (pieces[i] or pieces[i + 1] or "").lower()
        parts.append((pieces[i + 2] or "", sep))
        i += 3
    # CJK names are often separated only by spaces: "张三 李四".
    out: list[tuple[str, str]] = []
    for part, sep in parts:
        stripped = part.strip()
        if stripped and _CJK.search(stripped) and " " in stripped and not re.search(r"[A-Za-z]", stripped):
            tokens = stripped.split()
            out.append((tokens[0], sep))
            out.extend((t, "and") for t in tokens[1:])
        else:
            out.append((stripped, sep))
    return out


def _clean_part(part: str, *, after_comma: bool) -> list[str]:
    """Return [name] for a person-like part, [] for roles, places and affiliations."""
    part = part.strip(" .,;:'\"“”„«»")
    if not part or re.search(r"\d", part):
        return []
    if _CJK.search(part) and not re.search(r"[A-Za-z]", part):
        return [part] if 1 < len(part.replace(" ", "")) <= 12 else []
    part = _strip_role_suffix(part)
    part = _PLACE_SUFFIX.sub("", part).strip(" ,")
    if not part:
        return []
    tokens = part.split()
    lowered = [t.casefold().strip(".,") for t in tokens]
    if all(t in _ROLE_WORDS for t in lowered):
        return []
    if is_generic(part):
        return []
    if len(tokens) > 5:
        return []
    if after_comma:
        if len(tokens) == 1 or lowered[0] == "the" or any(t in _AFFILIATION_WORDS for t in lowered):
            return []  # "Jane Doe, Berlin" / "Jane Doe, The Post": place or affiliation
    if not tokens[0][:1].isupper() and lowered[0] not in _PARTICLES:
        return []
    letters = [c for c in part if c.isalpha()]
    if len(letters) < 2:
        return []
    if part.isupper() and len(part) > 4:
        part = " ".join(t.lower() if t.casefold() in _PARTICLES else "-".join(x.capitalize() for x in t.split("-"))
                        for t in tokens)
    return [part]


def _strip_role_suffix(part: str) -> str:
    """Drop a trailing role or agency ("Jane Doe Staff Writer", "JANE DOE Associated Press")."""
    tokens = part.split()
    if len(tokens) == 2 and (tokens[1].casefold() in _ORGANISATION_MARKERS or tokens[0].casefold() == "team") \
            and tokens[0][:1].isupper() and tokens[1][:1].isupper():
        return part  # "Slate Staff", "Team Kitchen": an organisation, not a person with a role
    for size in (3, 2, 1):
        if len(tokens) > size + 1 and is_agency(" ".join(tokens[-size:])):
            tokens = tokens[:-size]
            part = " ".join(tokens)
            break
    cut = len(tokens)
    while cut > 1 and tokens[cut - 1].casefold().strip(".,") in _ROLE_WORDS:
        cut -= 1
    if cut < len(tokens) and any(t.casefold().strip(".,") in _ROLE_HEADS for t in tokens[cut:]):
        return " ".join(tokens[:cut])
    return part
