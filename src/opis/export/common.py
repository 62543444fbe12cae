"""What every export needs from a document: names, date parts, the archival reference, the kind."""

from __future__ import annotations

import re

from opis.model import Agent, ArchivalRef, Document
from opis.readers.layouts.common import drop_email_placeholders

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Digital archives that publish records, recognised from a record's URL or, for a saved page
# without its URL, from the words of its rights statement (the Wilson Center Digital Archive is
# run by its History and Public Policy Program; names from the archive's own pages).
DIGITAL_ARCHIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "Wilson Center Digital Archive": {
        "hosts": ("digitalarchive.wilsoncenter.org", "digitalarchive.umd.edu", "wilson-center-digital-archive"),
        "rights": ("History and Public Policy Program",),
    },
}
# Seasons of EDTF level 1 (2026-21 is spring 2026).
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}


def is_article(doc: Document) -> bool:
    """A journal article (read by the article layout, or naming a journal), not an archive record."""
    layout = doc.provenance.layout if doc.provenance else None
    return layout == "article" or bool(doc.journal)


def agent_names(doc: Document, role: str = "authors") -> list[str]:
    """The names of the document's ``authors`` (or ``recipients``), in order."""
    out = []
    for a in getattr(doc, role) or []:
        name = a.name if isinstance(a, Agent) else a  # a record written before agents were typed
        if name:
            out.append(name)
    return out


def split_name(name: str) -> dict[str, str]:
    """'Lavrentiy Beria' -> {'family': 'Beria', 'given': 'Lavrentiy'}; 'Beria, L.' likewise."""
    name = name.strip()
    if "," in name:
        family, given = (x.strip() for x in name.split(",", 1))
        return {"family": family, "given": given} if given else {"family": family}
    parts = name.split()
    if len(parts) == 1:
        return {"family": parts[0]}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def date_parts(doc: Document) -> list[int]:
    """[year, month, day] as far as the document's date goes ([] when undated)."""
    edtf = ((doc.date.edtf if doc.date else None) or "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if m:
        return [int(g) for g in m.groups() if g]
    if doc.year:
        return [int(doc.year)]
    return []


def long_date(parts: list[int]) -> str:
    """'November 16, 1945', 'November 1945', 'Summer 1925', '1945' or 'n.d.'."""
    if len(parts) == 3 and 1 <= parts[1] <= 12:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) >= 2 and parts[1] in SEASONS:
        return f"{SEASONS[parts[1]]} {parts[0]}"
    if len(parts) == 2 and 1 <= parts[1] <= 12:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    if parts:
        return str(parts[0])
    return "n.d."


def calendar_parts(doc: Document) -> list[int]:
    """The date parts a calendar date can hold: a season (EDTF month 21-24) is left out, so
    ``[2026, 21]`` becomes ``[2026]`` (for CSL, BibTeX and ISO dates)."""
    parts = date_parts(doc)
    return parts[:1] if len(parts) >= 2 and not 1 <= parts[1] <= 12 else parts


def iso_parts(parts: list[int]) -> str:
    """'1945-11-16' from [1945, 11, 16] (as far as the parts go)."""
    return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))


def main_ref(doc: Document) -> ArchivalRef | None:
    """The document's own archival signature (the first archival or unparsed one)."""
    for ref in doc.archival_refs or []:
        if ref.kind in ("archival", "unparsed"):
            return ref
    return None


def archive_code(doc: Document) -> str | None:
    """The code of the archive holding the document (GARF, RGASPI ...)."""
    ref = main_ref(doc)
    return ref.archive if ref else None


def signature(doc: Document) -> str | None:
    """The archival signature as written, without its final full stop."""
    ref = main_ref(doc)
    return ref.raw.strip().rstrip(".") if ref and ref.raw else None


def archive_names(ref: ArchivalRef) -> list[str]:
    """Every name the reference's archive goes by: its code and name, and from the archive
    authority its other names and former names (``TsKhSD`` for RGANI), longest first."""
    names = [n for n in (ref.archive, ref.archive_name) if n]
    if ref.archive:
        from opis.authority.archives import lookup

        entry = lookup(ref.archive)
        if entry is not None:
            names += entry.names
    return sorted(dict.fromkeys(names), key=len, reverse=True)


def names_archive(sig: str, ref: ArchivalRef) -> bool:
    """True when the signature already names its archive (by any of its names, as a whole word)."""
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", sig, re.IGNORECASE) for n in archive_names(ref))


def archive_and_location(doc: Document) -> tuple[str | None, str | None]:
    """The holding archive (its code) and the place of the document in it: the signature without
    the archive's code when it begins with it (``("GARF", "Fond R-9401ss, Opis' 2, Delo 98, 377-379")``),
    for fields that keep them apart (CSL ``archive``/``archive_location``, RIS ``DB``/``AN``)."""
    ref = main_ref(doc)
    sig = signature(doc)
    if not ref:
        return None, None
    code = ref.archive
    if sig and code:
        for name in archive_names(ref):
            if sig.lower().startswith(name.lower()) and not sig[len(name):len(name) + 1].isalnum():
                rest = sig[len(name):].lstrip(" ,:;")
                return code, rest or sig
    return code, sig


def _people(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _credit_groups(doc: Document) -> list[tuple[list[str], list[str]]]:
    """[(verbs, names)]: the record's credits in the source's order and wording ('contributed',
    'obtained', 'translated' ...), verbs sharing the same names merged ('Obtained and translated by X').
    Records without ``credits`` fall back to 'obtained' for contributors and 'translated' for translators."""
    by_verb: dict[str, list[str]] = {}
    for c in doc.credits or []:
        verb = c.role.removesuffix(" by").strip()
        if c.name and verb:
            by_verb.setdefault(verb, []).append(c.name)
    if not by_verb:
        if doc.contributors:
            by_verb["obtained"] = list(doc.contributors)
        if doc.translators:
            by_verb["translated"] = list(doc.translators)
    groups: list[tuple[list[str], list[str]]] = []
    for verb, names in by_verb.items():
        same = next((g for g in groups if g[1] == names), None)
        if same:
            same[0].append(verb)
        else:
            groups.append(([verb], names))
    return groups


def credit_line(doc: Document) -> str:
    """'Contributed by X and translated by Y': the record's credits in the source's words and order
    (first verb capitalised), or ''."""
    clauses = [f"{_people(verbs)} by {_people(names)}" for verbs, names in _credit_groups(doc)]
    line = " and ".join(clauses)
    return line[:1].upper() + line[1:]


def publisher(doc: Document) -> str | None:
    """The digital archive that publishes the record: from its URL, else (a page saved without
    its address) from the program its rights statement names. None for an article."""
    if is_article(doc):
        return None
    url = doc.source_url or ""
    rights = doc.rights or ""
    for name, signs in DIGITAL_ARCHIVES.items():
        if any(host in url for host in signs["hosts"]) or any(p in rights for p in signs["rights"]):
            return name
    return None


def repository(doc: Document) -> str | None:
    """The name of the archive holding the original (``archive_name``, else its code)."""
    ref = main_ref(doc)
    return (ref.archive_name or ref.archive) if ref else None


def url(doc: Document) -> str | None:
    """The record's address: its source URL, else its DOI."""
    if doc.source_url:
        return doc.source_url
    if doc.doi:
        return f"https://doi.org/{doc.doi}"
    return None


def cite_key(doc: Document) -> str:
    """'Beria1945_12345': the first author's family name (or the archive), the year, the record id."""
    names = agent_names(doc)
    base = split_name(names[0])["family"] if names else (archive_code(doc) or "doc")
    base = re.sub(r"[^A-Za-z0-9]", "", _ascii(base)) or "doc"
    parts = date_parts(doc)
    return f"{base}{parts[0] if parts else ''}_{doc.record_id or (doc.id or '')[:8]}"


def clean(text: str | None) -> str | None:
    """A record value for export: without e-mail-protection placeholders of saved web pages,
    whitespace collapsed; None when nothing is left."""
    if not text:
        return None
    text = drop_email_placeholders(text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text or None


# Language names the readers record (original_language: "Russian") and their BCP 47 codes.
LANGUAGE_CODES = {"russian": "ru", "english": "en", "chinese": "zh", "kazakh": "kk", "german": "de", "french": "fr",
                  "mongolian": "mn", "uyghur": "ug", "uighur": "ug", "japanese": "ja", "polish": "pl",
                  "hungarian": "hu", "korean": "ko", "ukrainian": "uk", "czech": "cs", "romanian": "ro",
                  "bulgarian": "bg", "serbian": "sr", "italian": "it", "spanish": "es", "vietnamese": "vi",
                  "persian": "fa", "turkish": "tr", "uzbek": "uz", "kyrgyz": "ky", "tajik": "tg", "albanian": "sq"}


def lang_code(value: str) -> str:
    """A language as a BCP 47 code ("Russian" -> "ru", "en" stays), "und" when unknown."""
    c = value.strip()
    c = LANGUAGE_CODES.get(c.lower(), c)
    return c if re.fullmatch(r"[a-zA-Z]{2,3}(?:-[A-Za-z0-9]{1,8})*", c) else "und"


def _ascii(s: str) -> str:
    from unidecode import unidecode

    return unidecode(s)
