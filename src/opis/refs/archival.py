"""A printed archival reference -> its ``ArchivalRef`` list: the one entry point for record pages.

``parse_archival("APRF, Fond 45, Opis 1, Delo 347, Listy 12-13 and AVPRF, Fond 059a, ...")`` gives
two references, each with its archive mapped to the authority code, its parts, its span in the
given string, and the rule that parsed it (``ArchivalRef.rule``). The string is what a citation
prints after the repository ("…, Digital Archive, PRC FMA 109-01041-01, 45-46") or what a "Source:"
note gives ("Department of State, Central Files, 611.61/10–2056"). The forms read, in order:

* a signature ``parse_ref`` understands (labelled fond/opis/delo, file numbers, record groups,
  department/piece, German and Hungarian signatures): rule ``signature:<how>``;
* a CIA Records Search Tool document id (``CIA-RDP79T00429A000300020013-1``): ``cia-rdp``;
* a series of papers cited as the source (``CWIHP Working Paper 22, "77 Conversations."``):
  ``publication`` (kind ``published``);
* State Department files cited by the department (FRUS source notes): ``agency-files`` (NARA, RG 59);
* a known archive first, its parts after it (``Kennedy Library, National Security Files, ...``):
  ``archive-first``; parts first, the archive last (``Szyfrogramy ..., 6/77 w-86 t- 1312, Polish
  Foreign Ministry Archive (AMSZ), Warsaw``): ``archive-last``; the archive alone: ``archive-only``;
* an archive the authority does not know still splits into archive (the leading name or code) and
  parts: ``unknown-archive`` (``known_archive`` False); a file number before a collection name
  without any archive: ``file-without-archive``.

Parts no rule can name are kept in ``extra["series"]`` as printed; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opis.authority import archives as authority
from opis.model import ArchivalRef
from opis.refs.parse import (
    ARCHIVE_WORD_RE,
    LABEL_RE,
    _dash_hyphen,
    _looks_like_archive,
    clean,
    norm_dashes,
    parse_ref,
    split_folios,
)

CIA_RDP_RE = re.compile(r"\bCIA-RDP\d{2}[A-Z0-9]{5,12}\d{9,12}-\d\b")
PUBLICATION_RE = re.compile(
    r"^(?P<title>(?:[A-Z][\w.'’-]*\s+){0,4}(?:Working\s+Papers?|Bulletin|Occasional\s+Papers?|Electronic\s+Briefing\s+Book|"
    r"Briefing\s+Book|e-Dossier))\s+(?:No\.?\s*|#\s*)?(?P<number>\d+(?:[-–]\d+)?)"
    r"(?:\s*,\s*(?P<rest>.+))?$"
)
# FRUS "Source:" notes cite State Department files by the department; its files are NARA RG 59
AGENCY_FILES_RE = re.compile(
    r"^(?:U\.?S\.?\s+)?Department\s+of\s+State\s*,\s*(?P<rest>(?:Central\s+(?:Decimal\s+)?Files?|Lot\s).*)$", re.IGNORECASE
)
AND_SPLIT_RE = re.compile(r"\s+(?:and|&|;)\s+|\s*;\s*")
PLACE_TAIL_RE = re.compile(r"^(?:\s*,\s*[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*){0,3}\s*$")
FILE_NO_RE = re.compile(r"^\d{1,5}(?:\s*-\s*\d{1,6}){1,4}$")
POLISH_RE = re.compile(r"(?P<zespol>\d+/\d+)?\s*w\s*[-.]\s*(?P<wiazka>\d+)\s*,?\s*t\s*[-.]\s*(?P<teczka>\d+)", re.IGNORECASE)
# the language of an unknown archive's name tells how its parts read (Polish "k." = karta, a folio)
NAME_LANGUAGE = [(r"\barchiwum\b", "PL"), (r"levéltár", "HU"), (r"\barhiv(?:a|ele)\b", "RO"), (r"\barchyvas\b", "LT")]
SEGMENT_LABELS: list[tuple[str, str]] = [
    ("fond", r"(?:zesp\.|zespół|fonds?|fondas)"),
    ("box", r"(?:box|cx\.?|caixa|karton|carton|doboz|busta|b\.)"),
    ("folder", r"(?:folder|pasta|fasc\.?|fascicolo)"),
    ("entry", r"entry"),
    ("lot", r"lot"),
    ("delo", r"(?:file\s+no\.?|file|dosar|dossier|sygn\.|nr\.|no\.)"),
    ("folios", r"(?:ff?\.|fols?\.|ll?\.|pp?\.|Bl\.|S\.|filele)"),
]


@dataclass(frozen=True)
class _Piece:
    text: str
    start: int
    end: int


def parse_archival(text: str) -> list[ArchivalRef]:
    """Every archival reference in ``text`` (a printed reference string), parsed.

    Each ``ArchivalRef`` keeps its raw text and span (``start``/``end`` relative to ``text``), the
    archive's authority code when the archive is known (``known_archive``), its parts, ``scheme``
    and the ``rule`` that read it. A string no rule reads comes back as one ``kind="unparsed"``
    reference. Pure: no I/O.
    """
    if not text or not text.strip():
        return []
    out: list[ArchivalRef] = []
    for piece in _pieces(text):
        ref = _one(piece.text)
        ref.raw, ref.start, ref.end = piece.text, piece.start, piece.end
        out.append(ref)
    return out


# --- splitting ----------------------------------------------------------------------------------


def _pieces(text: str) -> list[_Piece]:
    """Split at ';' / ' and ' when what follows starts with an archive (or both halves parse alone)."""
    stripped = text.strip()
    lead = text.index(stripped)
    cuts = [0]
    for m in AND_SPLIT_RE.finditer(stripped):
        after = stripped[m.end() :]
        starts_archive = any(a.start == 0 for a in authority.find(after[:120]))
        if starts_archive or (";" in m.group(0) and _one(after).kind != "unparsed"):
            cuts.append(m.start())
            cuts.append(m.end())
    cuts.append(len(stripped))
    pieces = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        seg = stripped[a:b]
        core = seg.strip().rstrip(".").strip() if not re.search(r"\b(?:ob|об|ll|l|ff|f|pp|p)\.$", seg.strip()) else seg.strip()
        if not core:
            continue
        off = lead + a + seg.index(core)
        pieces.append(_Piece(core, off, off + len(core)))
    return pieces


# --- one reference ------------------------------------------------------------------------------


def _one(text: str) -> ArchivalRef:
    ref = parse_ref(text)
    if ref.kind in ("archival", "published"):
        ref.rule = f"signature:{ref.rule or 'parsed'}"
        return ref
    body = clean(text)
    for rule in (_cia_rdp, _publication, _agency_files, _named_archive, _unknown_archive, _file_without_archive):
        got = rule(body)
        if got is not None:
            return got
    return ArchivalRef(raw=text, kind="unparsed")


def _known(ref: ArchivalRef, arc: authority.Archive, rule: str) -> ArchivalRef:
    ref.archive, ref.archive_name, ref.known_archive = arc.code, arc.name_translit, True
    ref.scheme = ref.scheme or arc.scheme
    ref.rule = rule
    return ref


def _cia_rdp(body: str) -> ArchivalRef | None:
    m = CIA_RDP_RE.search(body)
    if not m or len(body) > len(m.group(0)) + 40:
        return None
    arc = authority.lookup("CIA CREST")
    ref = ArchivalRef(raw=body, kind="archival", delo=m.group(0), scheme="cia-rdp")
    return _known(ref, arc, "cia-rdp") if arc else None


def _publication(body: str) -> ArchivalRef | None:
    m = PUBLICATION_RE.match(body)
    if not m:
        return None
    extra = {"title": re.sub(r"\s+", " ", m.group("title")), "number": norm_dashes(m.group("number"))}
    if m.group("rest"):
        extra["part"] = m.group("rest").strip(" .\"“”'")
    return ArchivalRef(raw=body, kind="published", extra=extra, rule="publication")


def _agency_files(body: str) -> ArchivalRef | None:
    m = AGENCY_FILES_RE.match(body)
    arc = authority.lookup("NARA")
    if not m or arc is None:
        return None
    ref = parse_ref(f"NARA, RG 59, {m.group('rest')}")
    if ref.kind != "archival":
        return None
    ref.extra.setdefault("agency", "Department of State")
    return _known(ref, arc, "agency-files")


def _named_archive(body: str) -> ArchivalRef | None:
    """A known archive at the start or at the end of the reference; the rest are its parts."""
    matches = authority.find(body)
    if not matches:
        return None
    first, last = matches[0], matches[-1]
    if re.fullmatch(r"[\s,.:;(]*", body[: first.start]):
        rest = body[first.end :].strip(" ,.;:")
        if not rest:
            return _known(ArchivalRef(raw=body, kind="archival"), first.archive, "archive-only")
        ref = parse_ref(f"{first.archive.code}, {rest}")
        if ref.kind == "archival" and ref.archive == first.archive.code:
            return _known(ref, first.archive, f"archive-first:{ref.rule}")
        ref = ArchivalRef(raw=body, kind="archival")
        if _parts(rest, ref, first.archive.country):
            return _known(ref, first.archive, "archive-first")
        return None
    if PLACE_TAIL_RE.fullmatch(body[last.end :]):
        rest = body[: last.start].strip(" ,.;:")
        ref = ArchivalRef(raw=body, kind="archival")
        if rest and _parts(rest, ref, last.archive.country):
            return _known(ref, last.archive, "archive-last")
    return None


def _unknown_archive(body: str) -> ArchivalRef | None:
    """'Some Regional Archive, fond 3, ...' or 'XYZA, Box 3': the leading segment names the archive."""
    if "," not in body:
        return None
    head, rest = (x.strip() for x in body.split(",", 1))
    if not head or not rest or not _looks_like_archive(head) or LABEL_RE.match(head):
        return None
    if not (ARCHIVE_WORD_RE.search(head) or re.search(r"\bLibrary\b|[A-ZА-ЯЁ]{2,}", head)):
        return None
    ref = ArchivalRef(raw=body, kind="archival")
    country = next((c for rx, c in NAME_LANGUAGE if re.search(rx, head, re.IGNORECASE)), None)
    if not _parts(rest, ref, country):
        return None
    ref.archive, ref.known_archive, ref.rule = head, False, "unknown-archive"
    return ref


def _file_without_archive(body: str) -> ArchivalRef | None:
    """'2001-42, Act on Access to Information ...': a file number, then what it belongs to; no archive."""
    head, _, rest = body.partition(",")
    if not FILE_NO_RE.match(head.strip()) or not rest.strip() or re.search(r"\d", rest):
        return None
    ref = ArchivalRef(raw=body, kind="archival", delo=re.sub(r"\s*-\s*", "-", head.strip()))
    ref.extra["series"] = rest.strip(" .")
    ref.rule = "file-without-archive"
    return ref


# --- parts without a known scheme ---------------------------------------------------------------


def _parts(text: str, ref: ArchivalRef, country: str | None) -> bool:
    """Fill ``ref`` from comma-separated parts: labelled segments (box, folder, file, folios) and a
    Polish 'zespół w- teczka t-' group are named; everything else is kept as the series, in order."""
    series: list[str] = []
    if country == "PL" and (m := POLISH_RE.search(text)):
        if m.group("zespol"):
            ref.fond = m.group("zespol")
        ref.extra["wiazka"] = m.group("wiazka")
        ref.delo = m.group("teczka")
        text = (text[: m.start()] + text[m.end() :]).strip(" ,")
    for seg in _segments(text):
        if country == "PL" and (m := re.fullmatch(r"k\.\s*(.+)", seg)) and (folios := split_folios(m.group(1))):
            ref.folios.extend(folios)  # Polish karta = folio
            continue
        if _labelled_segment(seg, ref):
            continue
        series.append(_dash_hyphen(seg) if re.search(r"\d", seg) else seg)
    if series:
        ref.extra["series"] = ", ".join(series)
    return bool(ref.fond or ref.delo or ref.folios or ref.extra)


def _segments(text: str) -> list[str]:
    """Comma-separated segments, commas inside parentheses kept; '(Cx 324)' unwrapped."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch in ",;" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    segs = [s.strip() for s in out if s.strip()]
    return [s[1:-1].strip() if re.fullmatch(r"\([^()]+\)", s) else s for s in segs]


def _labelled_segment(seg: str, ref: ArchivalRef) -> bool:
    for part, rx in SEGMENT_LABELS:
        m = re.fullmatch(rf"{rx}\s*(?P<v>\S.*)", seg, re.IGNORECASE)
        if not m:
            continue
        value = m.group("v").strip(" .")
        if part == "folios":
            folios = split_folios(value)
            if folios is None:
                return False
            ref.folios.extend(folios)
        elif part in ("delo", "fond"):
            if getattr(ref, part) is not None or not re.search(r"\d", value):
                return False
            setattr(ref, part, norm_dashes(value))
        else:
            if len(value) > 20:
                return False
            ref.extra[part] = value
        return True
    return False
