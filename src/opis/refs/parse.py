"""Archival signatures and published legal sources: a raw string -> ``ArchivalRef`` parts.

``parse_ref("RGASPI, f. 17, op. 3, d. 921, l. 65–66")`` gives archive ``RGASPI``, fond ``17``,
opis ``3``, delo ``921``, folios ``["65-66"]``. The forms understood:

* Russian/Soviet (and Ukrainian/Mongolian) hierarchies in English transliteration or Cyrillic,
  with commas or full stops between the parts: ``f./Fond/ф.``, ``op./Opis'/оп.``,
  ``d./Delo/д./ed. khr./spr.``, ``l./ll./list/listy/л./лл./ark.``; ``t.`` (tom), ``p.``
  (papka, before the delo), ``ch.`` (part), ``ob./об./zv.`` (verso); bare folios after the delo;
* file-number archives (``PRC FMA 118-01764-05, 39-42``);
* NARA record groups, TNA department/series/piece, German, Czech, Polish, Hungarian archives;
* official gazettes and newspapers cited as ``SU RSFSR, 1918, no. 44`` (kind ``published``).

A string that does not fit comes back ``kind="unparsed"`` with its raw text: a part is only
filled when its label (or position) says what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.authority import archives as authority
from opis.model import ArchivalRef

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH_RE = re.compile(f"\\s*[{DASHES}]\\s*")
DEFINITION_RE = re.compile(
    r"\(\s*(?:thereafter|hereafter|hereinafter|henceforth|further|далее|в дальнейшем)\s*[-:"
    + DASHES
    + r"]?\s*([^()]{1,40}?)\s*\)",
    re.IGNORECASE,
)
IBID_RE = re.compile(r"^\s*(?:Ibid|Ibidem|Там же|Тамже|Ibd)\b\.?\s*[,.:;]?\s*", re.IGNORECASE)

# --- labels -------------------------------------------------------------------------------
# (part, regex).  A label must start a token (after start, space or punctuation).
_L = r"(?<![\w'’])"
LABELS: list[tuple[str, str]] = [
    ("delo", r"ed\.\s?khr\.|ed\.\s?hr\.|ед\.\s?хр\.|kh/n|kh\.\s?n\.|х/н|a\.\s?e\.|а\.\s?е\."),
    ("year", r"V\.(?=\s?\d{4}\b)|viti\b"),
    ("fond", r"fonds?\b|fond\b|f\.|ф\.|фонд\b|zesp\.|zespół\b|z\."),
    ("opis", r"opis['’]?(?=\s|$|,)|op\.|оп\.|опись\b|dans\b|ap\."),
    ("delo", r"delo\b|d\.|д\.|дело\b|spr\.|спр\.|sprava\b|справа\b|sygn\.|a\.\s?j\.|file\s+no\.|file\b|Nr\.|nr\.|"
             r"dosar\b|dos\."),
    ("folios", r"listy\b|list\b|ll\.|l\.|лл\.|л\.|листы\b|лист\b|ark\.|арк\.|Bl\.|k\.|pp\.|p\.|khuu\b|khuudas\b|kh\.|"
               r"ff\.|fols?\.|filele\b|fl\."),
    ("byla", r"b\."),
    ("tom", r"tom\b|t\.|т\.|vol\.|sv\.|svazek\b"),
    ("papka", r"papka\b|п\."),
    ("chast", r"ch\.|ч\.|chast['’]?\b"),
    ("box", r"box\b|korobka\b|kor\.|кор\.|karton\b|doboz\b"),
    ("folder", r"folder\b"),
    ("entry", r"entry\b"),
    ("reel", r"reel\b|rolik\b|ролик\b|roll\b"),
    ("lot", r"lot\b"),
    ("wiazka", r"w\."),
]
_LABEL_ALT = "|".join(f"(?P<g{i}>{rx})" for i, (_part, rx) in enumerate(LABELS))
LABEL_RE = re.compile(_L + f"(?:{_LABEL_ALT})", re.IGNORECASE)

VERSO = r"(?:\s?(?:ob|об|zv|зв|v|r|a|а|b|б)\.?(?![\w]))?"
NUM = r"[0-9]+[a-zа-я]?" + VERSO
RANGE = NUM + r"(?:\s*-\s*" + NUM + r")?"
FOLIO_LIST_RE = re.compile(f"^{RANGE}(?:\\s*,\\s*{RANGE})*$", re.IGNORECASE)
FOND_VALUE_RE = re.compile(r"^[A-Za-zА-Яа-яЁё]{0,3}-?\d+[A-Za-zА-Яа-яЁё]{0,4}(?:/\d+)?$")
OPIS_VALUE_RE = re.compile(r"^\d+[A-Za-zА-Яа-яЁё]{0,3}(?:\s?[/-]\s?\d+[A-Za-zА-Яа-я]{0,2})*(?:\s?\([^)]{1,10}\))?$")
DELO_VALUE_RE = re.compile(r"^[A-Za-zА-Яа-яЁё]{0,2}\s?\d+[A-Za-zА-Яа-яЁё]{0,3}(?:\s?[/.-]\s?\d+[A-Za-zА-Яа-я]{0,2})*$")
SHORT_VALUE_RE = re.compile(r"^[\w./-]{1,20}$")
FILE_NUMBER_RE = re.compile(r"^(\d{1,4}(?:-\d{1,6}){2,4})(?:\s*,\s*(.+))?$")
RG_RE = re.compile(r"^(?:RG|Record Group)\s*(\d+[A-Z]?)$", re.IGNORECASE)
TNA_RE = re.compile(r"^([A-Z]{1,5})\s?(\d{1,4}[A-Z]?)/(\d+[A-Z]?(?:/\d+)?)$")
GERMAN_SIG_RE = re.compile(r"^([A-Z]{1,3}\s?\d+(?:-[IVX]+)?)(?:\s?/\s?(.+))?$")
HU_FOND_RE = re.compile(r"^[IVXLC]+-[A-Z](?:-\d+)*(?:-[a-z])?(?:[-\s][A-Za-zÁÉÍÓÖŐÚÜŰáéíóöőúüű]+)?$")
HU_BOX_RE = re.compile(r"^(\d+)\.\s?doboz$", re.IGNORECASE)
HU_ITEM_RE = re.compile(r"^\d+/[a-z]$")  # tétel: '5/b'
# the same signature written as one hyphenated string: 'XIX-J-1-j-Kína-4/b-00929/1957'
HU_JOINED_RE = re.compile(
    r"^(?P<fond>[IVXLC]+-[A-Z](?:-\d+)*-[a-z](?:[-\s][A-ZÁÉÍÓÖŐÚÜŰ][a-záéíóöőúüű]+)?)"
    r"(?:-(?P<item>\d+/[a-z]))?-(?P<file>\d+(?:/\d+)*/\d{4})$"
)
PUB_SPLIT_RE = re.compile(
    r"\s*[,;]\s*|(?<!\bno)(?<!\bNo)(?<!\bart)(?<!\bst)(?<!\bSt)(?<!\bСт)(?<!\bст)(?<!\bvyp)(?<!\bp)(?<!\bs)(?<!\bс)\.\s+(?=\S)"
)
FILE_SLASH_YEAR_RE = re.compile(r"^\d+(?:/\d+)*/\d{4}$")
DECIMAL_FILE_RE = re.compile(r"^\d{3}(?:\.\d+)?[A-Z]?/\d+(?:-\d+)*$")
# State Department subject-numeric files (1963-1973): primary subject code, numbers, country/tag
SUBJECT_FILE_RE = re.compile(
    r"^(?:POL|DEF|ECON|E|FN|FT|INCO|ORG|PER|PS|SOC|CSM|AV|CULT|EDU|INT|PET|SCI|TEL|TRV|STR|AGR|LAB|AID|CON)"
    r"\s+\d+(?:-\d+)*(?:\s+[A-Z][A-Z/-]*)*$"
)
UNNUMBERED_RE = re.compile(r"^(?:un-?numbered|not numbered)\s+(?:pages?|folios?|sheets?|listy?)$", re.IGNORECASE)
SED_SIG_RE = re.compile(r"^(?:J\s)?IV\s?\d+(?:/[\w.]+)+$")

PUBLISHED_CODES = {
    "SU RSFSR", "SZ SSSR", "SU", "SZ", "PSZ", "PSZ RI", "СУ РСФСР", "СЗ СССР", "ПСЗ", "SP SSSR", "СП СССР",
    "Vedomosti VS SSSR", "Ведомости ВС СССР", "SZ RF", "СЗ РФ", "Sobranie zakonodatel'stva RF",
}
NEWSPAPER_WORDS = re.compile(
    r"\b(izvestiia|izvestiya|известия|pravda|правда|vedomosti|ведомости|gazeta|газета|bulletin|biulleten|"
    r"бюллетень|sobraniye|sobranie|собрание|vestnik|вестник|renmin ribao|times|herald)\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
NUMBER_RE = re.compile(r"^(?:no\.?|№|N|nr\.?|vyp\.?)\s?(\d+[\w/-]*)$", re.IGNORECASE)
ARTICLE_RE = re.compile(r"^(?:art\.?|st\.?|ст\.?|p\.|pp\.|s\.|с\.)?\s?(\d+(?:-\d+)?)$", re.IGNORECASE)
DATE_WORD_RE = re.compile(
    r"^(?:\d{1,2}\s)?(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"янв\w*|фев\w*|мар\w*|апр\w*|ма[яй]|июн\w*|июл\w*|авг\w*|сен\w*|окт\w*|ноя\w*|дек\w*)(?:\s\d{1,2})?$",
    re.IGNORECASE,
)


@dataclass
class Abbreviation:
    """A code defined in a document ("(thereafter – X)") with the full name it stands for."""

    code: str
    name: str
    kind: str  # archival | published


# --- small helpers ------------------------------------------------------------------------


def clean(raw: str) -> str:
    """Strip Markdown emphasis, brackets of autolinks, surrounding space and the final full stop."""
    s = raw.replace("\u00a0", " ").replace("*", "")
    s = re.sub(r"\s+", " ", s).strip()
    s = s.rstrip(" ;")
    if s.endswith(".") and not re.search(r"(?:\b(?:ob|об|zv|зв|ll|l|d|f|op|p|pp|k|t|g)\.)$", s, re.IGNORECASE):
        s = s[:-1].rstrip()
    return s


def norm_dashes(s: str) -> str:
    """The string with its en/em and other dashes as plain hyphens."""
    return _DASH_RE.sub("-", s)


def _dash_hyphen(s: str) -> str:
    """Dashes as hyphens, spacing kept ('CC al PCR – Cancelarie' -> 'CC al PCR - Cancelarie')."""
    return re.sub(f"[{DASHES}]", "-", s)


def norm_folio(s: str) -> str:
    """'8 – 9' -> '8-9'; '12 об.' -> '12ob.'; '5v' kept."""
    s = norm_dashes(s.strip())
    s = re.sub(r"\s*-\s*", "-", s)
    s = re.sub(r"\s?(?:ob|об)\.?(?=$|-)", "ob.", s, flags=re.IGNORECASE)
    s = re.sub(r"\s?(?:zv|зв)\.?(?=$|-)", "zv.", s, flags=re.IGNORECASE)
    return s


def split_folios(value: str) -> list[str] | None:
    """The normalised folios of a comma-separated folio list, or None when the value is not one."""
    v = norm_dashes(value.strip().rstrip("."))
    if not FOLIO_LIST_RE.match(v):
        return None
    return [norm_folio(p) for p in v.split(",") if p.strip()]


def _label_part(m: re.Match) -> str:
    for i, (part, _rx) in enumerate(LABELS):
        if m.group(f"g{i}") is not None:
            return part
    raise AssertionError("label without a group")


def _resolve_archive(prefix: str, abbreviations: dict[str, Abbreviation] | None) -> tuple[str | None, str | None, bool]:
    """(code, name, known) for the archive part of a signature; (None, None, False) when empty."""
    p = prefix.strip(" ,.;:")
    if not p:
        return None, None, False
    name_in_text = None
    m = DEFINITION_RE.search(p)
    if m:
        name_in_text = p[: m.start()].strip(" ,")
        p = m.group(1).strip()
    elif cm := re.match(r"^(.{6,}?)\s*\(([A-ZА-ЯЁ][A-ZА-ЯЁ\s.-]{1,20}(?:g\. [A-Z][a-z]+)?)\)$", p):
        name_in_text, p = cm.group(1).strip(" ,"), cm.group(2).strip()  # "Full name (GANO)"
    else:
        p = re.sub(r"\s*\((?:[A-Z][a-z]+|[А-Я][а-я]+)(?:,? [A-Z][a-z]+)?\)$", "", p)  # "GARF (Moscow)"
    arc = authority.lookup(p)
    if arc is None and name_in_text:
        arc = authority.lookup(name_in_text)
    if arc is not None:
        return arc.code, arc.name_translit, True
    if abbreviations and p in abbreviations:
        return p, abbreviations[p].name, False
    return p, name_in_text, False


ARCHIVE_WORD_RE = re.compile(
    r"arkhiv|архів|архив|archive|archiv|levéltár|archiwum|dang'?anguan|档案|arquivo|arhiv", re.IGNORECASE
)


def _looks_like_archive(prefix: str) -> bool:
    """An archive we do not know: a code ('GAAO', 'ГАНО', 'SGA DP g. Almaty') or a name with 'archive' in it."""
    p = DEFINITION_RE.sub("", prefix).strip(" ,.;:")
    if not p or len(p) > 160:
        return False
    if re.search(r"\d", p) and not re.search(r"\b(?:No\.|№)\s?\d", p):
        return False
    if not re.match(r"^[A-ZА-ЯЁÁČŠŽ]", p):
        return False
    if ARCHIVE_WORD_RE.search(p):
        return True
    tokens = p.split()
    return len(tokens) <= 6 and all(t[0].isupper() or len(t) <= 2 for t in tokens)


# --- families --------------------------------------------------------------------------------


# countries whose signatures carry the post-Soviet labels (f., op., d., l.); with MN, whose values
# keep their Soviet shape
_LABEL_COUNTRIES = (None, "RU", "KZ", "KG", "UZ", "UA")
_SOVIET_VALUES = (*_LABEL_COUNTRIES, "MN")
_FREE_VALUE_RE = re.compile(r"^[^,;]{1,40}$")
_PART_VALUE_RE = {"fond": FOND_VALUE_RE, "opis": OPIS_VALUE_RE, "delo": DELO_VALUE_RE}


def _labelled(body: str, ref: ArchivalRef, country: str | None, need_file: bool = True) -> bool:
    """Parse 'f. 17, op. 3, d. 921, l. 65–66' style parts into ``ref``; False when anything is left over."""
    matches = list(LABEL_RE.finditer(body))
    if not matches:
        return False
    head = body[: matches[0].start()].strip(" ,.;:")
    if head:
        if country in _LABEL_COUNTRIES:
            return False
        ref.extra["series"] = head  # e.g. "KC PZPR", "MfS, HA II"
    seen_delo = False
    for i, m in enumerate(matches):
        label = m.group(0).lower()
        value = _label_value(body, matches, i)
        part = _country_part(_label_part(m), label, country) if value else None
        if part is None:
            return False
        # papka sits between opis and delo (AVP RF); after the delo, or alone, "p." is a page
        later_delo = any(_label_part(x) == "delo" for x in matches[i + 1 :])
        if label == "p." and not seen_delo and country in ("RU", None) and later_delo:
            part = "papka"
        if part == "delo":
            seen_delo = True
            value = re.sub(r"^(?:no\.?|nr\.?|№)\s*(?=\w)", "", value, flags=re.IGNORECASE)
        # Romanian "f." after the dosar: filele (folios)
        if part == "folios" or (country == "RO" and label == "f." and seen_delo):
            ok = _add_folios(ref, value)
        else:
            ok = _set_part(ref, part, value, country)
        if not ok:
            return False
    return bool(ref.fond or ref.delo or ref.opis or (not need_file and (ref.folios or ref.extra)))


def _label_value(body: str, matches: list[re.Match], i: int) -> str:
    """The text between the label ``matches[i]`` and the next, trimmed (a final '.' kept after ob./zv.)."""
    m = matches[i]
    value = body[m.end() : matches[i + 1].start() if i + 1 < len(matches) else len(body)]
    value = value.strip(" ,;:")
    return value.rstrip(".").strip() if not re.search(r"(?:ob|об|zv|зв)\.$", value, re.I) else value


def _country_part(part: str, label: str, country: str | None) -> str | None:
    """The part a label names in the archives of ``country`` (Polish t. is a file, k. its folios;
    Czech k. a box; Lithuanian b. a file); None for a label that country does not use."""
    if country == "MN" and label in ("d.", "dans"):
        part = "opis"
    if country == "PL":
        if label == "t.":
            part = "delo"
        elif label == "k.":
            part = "folios"
    elif country == "CZ":
        if label == "k.":
            part = "box"
    elif label == "k.":
        return None
    if part == "byla":  # Lithuanian byla (file); elsewhere "b." is not a file label
        return "delo" if country == "LT" else None
    return part


def _add_folios(ref: ArchivalRef, value: str) -> bool:
    folios = split_folios(value)
    if folios is None:
        return False
    ref.folios.extend(folios)
    return True


def _set_part(ref: ArchivalRef, part: str, value: str, country: str | None) -> bool:
    """Set the part (fond, opis, delo, or an extra such as box or folder) from its value; False for
    a value of the wrong shape or a part set twice."""
    soviet = country in _SOVIET_VALUES
    value = norm_dashes(value) if soviet else _dash_hyphen(value)
    if part in ("fond", "delo") and not soviet and "," in value:
        value, rest = (x.strip() for x in value.split(",", 1))  # "f. 507, CK SKJ, IX": parts without a label
        ref.extra["series"] = ", ".join(filter(None, [ref.extra.get("series"), rest]))
    rx = _FREE_VALUE_RE if part in ("fond", "delo") and not soviet else _PART_VALUE_RE.get(part)
    if rx is not None and not rx.match(value):
        return _delo_and_folios(ref, part, value, rx)
    if part in ("fond", "opis", "delo"):
        if getattr(ref, part) is not None:
            return False
        setattr(ref, part, value)
        return True
    if not SHORT_VALUE_RE.match(value.replace(" ", "")) and part not in ("folder", "entry"):
        return False
    ref.extra[part] = value
    return True


def _delo_and_folios(ref: ArchivalRef, part: str, value: str, rx: re.Pattern) -> bool:
    """A delo followed by bare folios: "d. 98, 377-379", or by "unnumbered page"."""
    if part != "delo" or "," not in value:
        return False
    first, rest = (x.strip() for x in value.split(",", 1))
    folios = split_folios(rest)
    if rx.match(first) and folios is not None:
        ref.delo = first
        ref.folios.extend(folios)
        return True
    if rx.match(first) and UNNUMBERED_RE.match(rest):
        ref.delo = first
        ref.extra["folios"] = "unnumbered"
        return True
    return False


def _file_number(body: str, ref: ArchivalRef) -> bool:
    m = FILE_NUMBER_RE.match(re.sub(r"(?<=\d)\s*-\s*(?=\d)", "-", body))
    if not m:
        return False
    ref.delo = m.group(1)
    if m.group(2):
        rest = re.sub(r"^(?:pp?\.|ll?\.|S\.|s\.)\s*", "", m.group(2).strip())
        folios = split_folios(rest)
        if folios is None:
            return False
        ref.folios = folios
    return True


def _segments(body: str) -> list[str]:
    return [s.strip() for s in re.split(r"\s*[,;]\s*", body) if s.strip()]


def _nara(body: str, ref: ArchivalRef) -> bool:
    segs = _segments(body)
    series = []
    for s in segs:
        s = norm_dashes(s)
        if m := RG_RE.match(s):
            ref.fond = f"RG {m.group(1)}"
        elif m := re.match(r"^(Box|Entry|Folder|Lot|File|Stack Area|Row|Compartment)\s+(.+)$", s, re.IGNORECASE):
            k = m.group(1).lower()
            ref.extra[k] = m.group(2).strip(" '\"“”")
        elif ref.delo is None and (DECIMAL_FILE_RE.match(s) or SUBJECT_FILE_RE.match(s)):
            ref.delo = s
        elif m := re.match(r"^pp?\.\s*(.+)$", s):
            folios = split_folios(m.group(1))
            if folios is None:
                return False
            ref.folios.extend(folios)
        else:
            series.append(norm_dashes(s))
    if series:
        ref.extra["series"] = ", ".join(series)
    return ref.fond is not None


def _tna(body: str, ref: ArchivalRef) -> bool:
    segs = _segments(body)
    if not segs:
        return False
    m = TNA_RE.match(segs[0])
    if not m:
        return False
    ref.fond = f"{m.group(1)} {m.group(2)}"
    ref.delo = m.group(3)
    for s in segs[1:]:
        if fm := re.match(r"^(?:ff?\.|fol\.|fols\.|pp?\.)\s*(.+)$", s):
            folios = split_folios(fm.group(1))
            if folios is None:
                return False
            ref.folios.extend(folios)
        elif re.match(r"^[A-Z]{1,3}\s?[\d/]+$|^[A-Z]{1,3}\(\d+\)\s?\d+$", s):
            ref.extra["item"] = s
        else:
            return False
    return True


def _german(body: str, ref: ArchivalRef) -> bool:
    segs = _segments(body)
    rest = []
    for s in segs:
        if fm := re.match(r"^(?:Bl\.|S\.|pp?\.)\s*(.+)$", s):
            folios = split_folios(fm.group(1))
            if folios is None:
                return False
            ref.folios.extend(folios)
        elif ref.fond is None and (m := GERMAN_SIG_RE.match(s)) and m.group(2):
            ref.fond, ref.delo = m.group(1), m.group(2).strip()
        elif ref.fond is None and re.match(r"^(?:MfAA|MfS|ZPA|NY|DY|DC)\b[\w\s.-]*$", s) and not re.search(r"\d", s):
            ref.fond = s
        elif ref.delo is None and (SED_SIG_RE.match(s) or re.match(r"^(?:[A-Z]{1,2}\s?)?\d+(?:/\d+)*$", s)):
            ref.delo = s
        elif ref.delo is None and (m := re.match(r"^Nr\.\s*(.+)$", s)):
            ref.delo = m.group(1)
        else:
            rest.append(s)
    if rest:
        ref.extra["series"] = ", ".join(rest)
    return bool(ref.fond or ref.delo)


def _hungarian(body: str, ref: ArchivalRef) -> bool:
    segs = _segments(body)
    rest = []
    for s in segs:
        if ref.fond is None and (m := HU_JOINED_RE.match(s)):
            ref.fond, ref.delo = m.group("fond"), m.group("file")
            if m.group("item"):
                ref.extra["item"] = m.group("item")
        elif ref.fond is None and HU_FOND_RE.match(s):
            ref.fond = s
        elif HU_ITEM_RE.match(s) and "item" not in ref.extra:
            ref.extra["item"] = s
        elif m := HU_BOX_RE.match(s):
            ref.extra["box"] = m.group(1)
        elif ref.delo is None and FILE_SLASH_YEAR_RE.match(s):
            ref.delo = s
        elif re.match(r"^\d{4}$", s):
            ref.extra["year"] = s
        else:
            rest.append(s)
    if rest:
        ref.extra["series"] = ", ".join(rest)
    return ref.fond is not None


def _published(text: str, abbreviations: dict[str, Abbreviation] | None) -> ArchivalRef | None:
    """'SU RSFSR, 1918, no. 44', 'Izvestiya VTSIK, 1922, January 26, no. 19', 'СЗ СССР. 1935. № 45. Ст. 377'."""
    m = DEFINITION_RE.search(text)
    code = None
    if m:
        code = m.group(1).strip()
        text_wo = (text[: m.start()].rstrip(" ,") + text[m.end() :]).strip()
    else:
        text_wo = text
    parts = [p.strip() for p in PUB_SPLIT_RE.split(norm_dashes(text_wo)) if p.strip()]
    if len(parts) < 2:
        return None
    title = parts[0]
    rest = parts[1:]
    # The year must come next (date words may sit between the year and the number)
    if not YEAR_RE.match(rest[0].rstrip(".")):
        return None
    known_abbrev = abbreviations is not None and title in abbreviations and abbreviations[title].kind == "published"
    if not (title in PUBLISHED_CODES or known_abbrev or NEWSPAPER_WORDS.search(title) or code):
        return None
    if authority.lookup(title) is not None:
        return None
    extra: dict[str, str] = {"year": rest[0].rstrip(".")}
    pages = None
    for p in rest[1:]:
        p = p.rstrip(".")
        if nm := NUMBER_RE.match(p):
            if "number" in extra:
                return None
            extra["number"] = nm.group(1)
        elif DATE_WORD_RE.match(p) and "number" not in extra:
            extra["date"] = p
        elif (am := ARTICLE_RE.match(p)) and "number" in extra and pages is None:
            pages = am.group(1)
        else:
            return None
    if "number" not in extra:
        return None
    ref = ArchivalRef(raw="", kind="published", archive=None)
    ref.extra = {"title": code or title, **extra}
    if code:
        ref.extra["title_full"] = title
    elif known_abbrev:
        ref.extra["title_full"] = abbreviations[title].name
    ref.pages = pages
    return ref


# --- entry point ---------------------------------------------------------------------------


def parse_ref(raw: str, abbreviations: dict[str, Abbreviation] | None = None) -> ArchivalRef:
    """Parse one signature string; never raises on odd input (``kind='unparsed'`` instead)."""
    text = clean(raw or "")
    out = ArchivalRef(raw=raw, kind="unparsed")
    if not text:
        return out
    if m := IBID_RE.match(text):
        out.ibid = True
        return _ibid(raw, text[m.end() :].strip(), out)

    pub = _published(text, abbreviations)
    if pub is not None:
        pub.raw, pub.rule = raw, "published"
        return pub

    ref = ArchivalRef(raw=raw, kind="archival")
    # where does the signature start? at the first label, or after a known archive code
    first = LABEL_RE.search(text)
    prefix, body = (text[: first.start()], text[first.start() :]) if first else (text, "")
    code, name, known = _resolve_archive(prefix, abbreviations)
    arc = authority.lookup(code) if code else None
    bare = prefix.strip(" ,.;:")
    if first and arc is None and "," in bare and not DEFINITION_RE.search(bare):
        # "AAN, KC PZPR, sygn. 2639": the archive is the first segment, the rest a series name
        head = bare.split(",", 1)[0].strip()
        if (head_arc := authority.lookup(head)) is not None:
            code, name, known, arc = head_arc.code, head_arc.name_translit, True, head_arc
            body = text[len(head) :].lstrip(" ,")
        else:
            return out
    country = arc.country if arc else None
    scheme = arc.scheme if arc else None

    labelled = first and (arc is not None or _looks_like_archive(prefix) or not prefix.strip()) and scheme not in UNLABELLED_SCHEMES
    if labelled and _labelled(body, ref, country):
        ref.archive, ref.archive_name, ref.known_archive = code, name, known
        ref.scheme, ref.rule = scheme or "fond-opis-delo", "labelled"
        return ref
    return _unlabelled(raw, text, out)


def _ibid(raw: str, text: str, out: ArchivalRef) -> ArchivalRef:
    """'Ibid., l. 5', 'Ibid., pp. 3-4': the parts after Ibid. (``out`` when none parse)."""
    if not text:
        return out
    ref = ArchivalRef(raw=raw, kind="archival", ibid=True, rule="ibid")
    if _labelled(text, ref, None, need_file=False):
        return ref
    folios = split_folios(re.sub(r"^(?:ll?\.|л{1,2}\.|pp?\.)\s*", "", text))
    if folios is None:
        return out
    if re.match(r"^(?:ll?\.|л{1,2}\.)", text):
        ref.folios = folios
    else:
        ref.kind = "book"
        ref.pages = ", ".join(folios)
    return ref


def _unlabelled(raw: str, text: str, out: ArchivalRef) -> ArchivalRef:
    """Archives whose signatures are not labelled: split archive code / signature at the first comma
    or at the longest known code at the start, then the archive's positional parser, a file
    number, or labels after all (``out`` when none parses)."""
    code2, body2 = _split_known_prefix(text)
    if code2 is None:
        return out
    arc = authority.lookup(code2)
    if arc is None:
        return out
    ref = ArchivalRef(raw=raw, kind="archival")
    family = UNLABELLED_SCHEMES.get(arc.scheme or "")
    ok = family(body2, ref) if family else False
    rule = arc.scheme
    if not ok:
        ref = ArchivalRef(raw=raw, kind="archival")
        ok = _file_number(body2, ref)
        rule = "file-number"
    if not ok and arc.scheme not in UNLABELLED_SCHEMES:
        ref = ArchivalRef(raw=raw, kind="archival")
        ok = _labelled(body2, ref, arc.country)
        rule = "labelled"
    if not ok:
        return out
    ref.archive, ref.archive_name, ref.known_archive = arc.code, arc.name_translit, True
    ref.scheme, ref.rule = arc.scheme, rule
    return ref


# archives whose signatures are positional, each with its parser
UNLABELLED_SCHEMES = {"record-group": _nara, "department-piece": _tna, "german": _german, "hungarian": _hungarian}


def _split_known_prefix(text: str) -> tuple[str | None, str]:
    """('PRC FMA', '118-01764-05, 39-42') for 'PRC FMA 118-01764-05, 39-42'."""
    m = DEFINITION_RE.search(text)
    if m and m.start() < 200:
        after = text[m.end() :].lstrip(" ,")
        return m.group(1).strip(), after
    if "," in text:
        head, tail = text.split(",", 1)
        if authority.lookup(head.strip()) is not None:
            # "Political Archive of the Federal Foreign Office, Berlin (PA AA), MfAA, A 17363"
            return head.strip(), tail.strip()
        hm = re.match(r"^(.*?)\s*\(([^()]{2,20})\)$", head.strip())
        if hm and authority.lookup(hm.group(2)) is not None:
            return hm.group(2), tail.strip()
    for surface in authority.alias_surfaces():
        if text.startswith(surface) and (len(text) == len(surface) or text[len(surface)] in " ,:."):
            return surface, text[len(surface) :].lstrip(" ,:.")
    # "Political Archive ..., Berlin (PA AA), ..."
    pm = re.match(r"^[^()]{3,120}?\(([^()]{2,20})\)\s*,\s*(.+)$", text)
    if pm and authority.lookup(pm.group(1)) is not None:
        return pm.group(1), pm.group(2)
    return None, text


def learn_abbreviations(text: str) -> list[Abbreviation]:
    """Codes defined in a note: 'Full name (thereafter – CODE)' / '(далее – CODE)'."""
    out = []
    for m in DEFINITION_RE.finditer(clean(text)):
        before = clean(text)[: m.start()]
        # the full name: from the last sentence/semicolon start to the parenthesis
        name = re.split(r"[;]|\.\s", before)[-1].strip(" ,*")
        code = m.group(1).strip()
        kind = "archival" if re.search(r"arkhiv|архив|archiv|archive|levéltár|archiwum", name, re.IGNORECASE) else "published"
        if authority.lookup(code) is not None:
            kind = "archival"
        out.append(Abbreviation(code=code, name=name, kind=kind))
    return out
