"""Journal articles: front matter, body, footnotes and the reference list.

The front matter (DOI, EDN, article type, title, authors with superscript affiliations,
labelled blocks such as ``Abstract:``, ``Keywords:``, ``Funding:``, ``For citation:``, and the
same again in a second language) becomes ``fields``; the body becomes ``text`` with the
footnote markers (``<sup>12</sup>``) cut out and each footnote's ``anchor`` set to where its
marker stood; footnote paragraphs (which page-based sources interleave with the body) become
``notes``; each entry of the reference list becomes one string in ``references``.

Notes and references keep Markdown italics (``*Title*``) because they mark titles of
publications; every other markup (bold, headings, ``<sup>``, autolinks) is removed.
"""

from __future__ import annotations

import re

from opis.readers.base import PAGE_TEXT_KEY, RawDocument, RawNote
from opis.readers.layouts.common import (
    Par,
    clean_inline,
    heading_text,
    is_heading,
    join_broken_paragraphs,
    normalise_whitespace,
    one_line,
    paragraphs,
    strip_emphasis,
)

LAYOUT = "article"

DOI_RE = re.compile(r"(?:doi\.org/|\bDOI:?\s*)(10\.\d{4,9}/[^\s<>\"]+)", re.IGNORECASE)
EDN_RE = re.compile(r"\bEDN:?\s*([A-Z0-9]{4,8})\b")
_LABEL_RE = re.compile(r"^\**\s*([A-ZА-ЯЁ][^:*\n]{1,50}?)\s*:\s*\**\s*(.*)$", re.DOTALL)
FRONT_LABELS = {
    "abstract", "keywords", "key words", "conflicts of interest", "conflict of interest",
    "authors' contributions", "authors’ contributions", "author contributions", "funding",
    "acknowledgements", "acknowledgments", "for citation", "cite as", "how to cite", "article history",
    "аннотация", "резюме", "ключевые слова", "заявление о конфликте интересов", "конфликт интересов",
    "вклад авторов", "финансирование", "благодарности", "для цитирования",
}
EDITORIAL_RE = re.compile(
    r"^\**\s*(Submitted|Received|Approved after reviewing|Revised|Accepted(?: for publication)?|Published"
    r"|Поступила в редакцию|Статья поступила|Одобрена после рецензирования|Принята к публикации)\s*:?\s*\**\s*(.*)$",
    re.IGNORECASE,
)
REFERENCES_RE = re.compile(
    r"^(?:references|bibliography|literature|sources and references|список литературы|литература|библиография)$",
    re.IGNORECASE,
)
AUTHOR_INFO_RE = re.compile(r"^(?:information about the authors?|about the authors?|сведения об авторах|информация об авторах)\b", re.IGNORECASE)
NOTE_RE = re.compile(r"^<sup>\s*(\d{1,4})\s*</sup>\s*(.*)$", re.DOTALL | re.IGNORECASE)
AFFIL_RE = re.compile(r"^<sup>\s*([a-z*†‡]|\d{1,2})\s*</sup>\s*(.+)$", re.DOTALL | re.IGNORECASE)
MARKER_RE = re.compile(r"<sup>\s*(\d{1,4}(?:\s*[,–-]\s*\d{1,4})*)\s*</sup>", re.IGNORECASE)
ITEM_RE = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use sentinels around note numbers while cleaning


def detect(text: str) -> bool:
    """Whether the text looks like a journal article: an abstract, and a DOI, EDN or keywords."""
    head = text[:15000]
    has_id = bool(DOI_RE.search(head) or EDN_RE.search(head))
    labels = {m.group(1).strip().lower() for m in re.finditer(r"^\**\s*([^:*\n]{2,30}?)\s*:\**", head, re.MULTILINE)}
    has_abstract = bool(labels & {"abstract", "аннотация", "резюме"})
    has_keywords = bool(labels & {"keywords", "key words", "ключевые слова"})
    return has_abstract and (has_id or has_keywords)


def _label(par: Par) -> tuple[str, str] | None:
    m = _LABEL_RE.match(par.text)
    if m and m.group(1).strip().lower() in FRONT_LABELS:
        return m.group(1).strip(), m.group(2).strip()
    return None


def recognise(raw: RawDocument) -> RawDocument | None:
    """Read a journal article's front matter, body, notes and references; None when the text is not an
    article."""
    if not detect(raw.text):
        return None
    page_languages = _languages(raw.text)  # the whole page: bilingual front matter counts
    pars = paragraphs(raw.text)
    fields: dict[str, str] = {}
    body_start = _front_matter(pars, fields)
    rest = pars[body_start:]
    back = back_matter_block(rest) if not fields.get("Title (ru)") and not fields.get("Title (2)") else None
    if back:
        first, last = back
        back_pars, rest = rest[first:last + 1], rest[:first] + rest[last + 1:]
    raw.facts = second_language_facts(pars[:body_start], fields, back_pars if back else None)
    if raw.facts:  # the facts' spans point into the page as read
        raw.fields[PAGE_TEXT_KEY] = raw.text
    body, notes, references, tail = _split_rest(rest, fields)
    raw.layout = LAYOUT
    raw.fields.update({k: v for k, v in fields.items() if v})
    raw.text, anchors = _clean_body(body, {n for n, _ in notes})
    raw.notes = [RawNote(n=n, text=text, anchor=anchors.get(n)) for n, text in notes]
    raw.references = references
    if not raw.languages and page_languages:
        raw.languages = page_languages
    if tail:
        raw.fields["Information about the authors"] = "\n\n".join(one_line(clean_inline(t)) for t in tail)
    return raw


def _languages(text: str) -> list[str]:
    from opis.lang import detect_languages

    return detect_languages(text)


# --- front matter ---------------------------------------------------------------------------


def _front_matter(pars: list[Par], fields: dict[str, str]) -> int:
    """Fill fields from the front matter; return the index of the first body paragraph."""
    last_label = -1
    limit = len(pars)
    for i, p in enumerate(pars):
        if is_heading(p.text) and re.match(r"^(?:introduction|введение)\b", heading_text(p.text), re.IGNORECASE):
            limit = i
            break
        if _label(p):
            last_label = i
    front = pars[: last_label + 1] if last_label >= 0 else pars[:limit]
    _front_ids("\n\n".join(p.text for p in front), fields)
    titles = _title_pars(front)
    for i, p in enumerate(front):
        t = one_line(clean_inline(p.text))
        if titles and i < titles[0] and re.search(r"\barticle\b|стать", t, re.IGNORECASE) and len(t) < 80:
            fields["Article type"] = t
    for k, ti in enumerate(titles[:2]):
        suffix = "" if k == 0 else (" (ru)" if _CYRILLIC.search(front[ti].text) else f" ({k + 1})")
        fields["Title" + suffix] = one_line(clean_inline(front[ti].text))
        _authors_after(front, ti, fields, suffix)
    for p in front:
        lab = _label(p)
        if lab:
            fields[lab[0]] = one_line(clean_inline(lab[1]))
    return last_label + 1 if last_label >= 0 else limit


ABSTRACT_LABELS = {"abstract", "аннотация", "резюме"}
KEYWORD_LABELS = {"keywords", "key words", "ключевые слова"}
SECOND_LANGUAGE = "article.second_language"  # rule prefix of the second-language front matter


BACK_REACH = 6  # paragraphs between a back-matter title and its abstract (byline, affiliations)


def back_matter_block(rest: list[Par]) -> tuple[int, int] | None:
    """(first, last) indices in ``rest`` (what follows the front matter) of a second-language
    block that closes the article, as journals that print the other language at the end do: a
    heading (its title) followed, within BACK_REACH paragraphs and before any other heading, by a
    labelled abstract, then more labelled paragraphs (keywords, citation ...); None when there is
    none."""
    for i, p in enumerate(rest):
        if not is_heading(p.text):
            continue
        abstract = None
        for j in range(i + 1, min(i + 1 + BACK_REACH, len(rest))):
            if is_heading(rest[j].text):
                break
            lab = _label(rest[j])
            if lab and lab[0].lower() in ABSTRACT_LABELS:
                abstract = j
                break
        if abstract is None:
            continue
        last = abstract
        while last + 1 < len(rest) and _label(rest[last + 1]):
            last += 1
        return i, last
    return None


def second_language_facts(front: list[Par], fields: dict[str, str], back: list[Par] | None = None) -> list:
    """The title, abstract and keywords of the article's block in a second language, as facts
    with their spans in the page (``alt.lang``, ``alt.title``, ``alt.abstract``, ``alt.keywords``).

    A bilingual article prints two blocks, each opening with its title (a heading): title, byline,
    affiliations, labelled abstract and keywords; both in the front matter, or the second one at
    the end (``back``, see :func:`back_matter_block`). The block whose title is not the record's
    (``fields["Title"]``) is the second language, when its words are in another language than the
    record's block; otherwise (one block, same language, no record title) nothing."""
    from opis.lang import detect_language
    from opis.readers.layouts.record.facts import STRONG, FactSheet

    titles = [i for i, p in enumerate(front) if is_heading(p.text)][:2]
    if not titles or not fields.get("Title"):
        return []
    if back:
        blocks = [front[titles[0]:], back]
    elif len(titles) == 2:
        blocks = [front[titles[0]:titles[1]], front[titles[1]:]]
    else:
        return []
    record = next((k for k, b in enumerate(blocks) if one_line(clean_inline(b[0].text)) == fields["Title"]), None)
    if record is None:
        return []
    other = blocks[1 - record]
    langs = [detect_language(" ".join(clean_inline(p.text) for p in b)) for b in blocks]
    lang = langs[1 - record]
    if not lang or lang == langs[record]:
        return []
    sheet = FactSheet()
    head = other[0]
    sheet.add("alt.lang", lang, head.start, other[-1].start + len(other[-1].text), SECOND_LANGUAGE + ".block", STRONG)
    sheet.add("alt.title", one_line(clean_inline(head.text)), head.start, head.start + len(head.text),
              SECOND_LANGUAGE + ".title", STRONG)
    for p in other[1:]:
        m = _LABEL_RE.match(p.text)
        label = m.group(1).strip().lower() if m else ""
        name = "alt.abstract" if label in ABSTRACT_LABELS else "alt.keywords" if label in KEYWORD_LABELS else None
        if m and name and not sheet.has(name):
            value = one_line(clean_inline(m.group(2)))
            sheet.add(name, value, p.start + m.start(2), p.start + len(p.text.rstrip("* ")),
                      f"{SECOND_LANGUAGE}.{name[4:]}", STRONG)
    return sheet.facts


def _front_ids(front_text: str, fields: dict[str, str]) -> None:
    """The DOI and EDN of the front matter."""
    doi = DOI_RE.search(front_text)
    if doi:
        fields["DOI"] = doi.group(1).rstrip(".,;)>")
    edn = EDN_RE.search(front_text)
    if edn:
        fields["EDN"] = edn.group(1)


def _title_pars(front: list[Par]) -> list[int]:
    """The indices of the title paragraphs: the headings, or in plain text (e.g. from a PDF) the
    first substantial paragraph that is not an id line."""
    titles = [i for i, p in enumerate(front) if is_heading(p.text)]
    if titles:
        return titles
    for i, p in enumerate(front):
        t = one_line(strip_emphasis(p.text))
        if len(t) >= 20 and not DOI_RE.search(t) and not EDN_RE.search(t) and not _label(p) and "article" not in t.lower():
            return [i]
    return []


def _authors_after(front: list[Par], ti: int, fields: dict[str, str], suffix: str) -> None:
    """The byline after a title and the affiliation lines keyed by superscript letters."""
    if ti + 1 >= len(front) or _label(front[ti + 1]) or is_heading(front[ti + 1].text):
        return
    fields["Authors" + suffix] = one_line(front[ti + 1].text)
    affiliations = []
    for p in front[ti + 2:]:
        m = AFFIL_RE.match(p.text)
        if not m:
            break
        affiliations.append(f"{m.group(1)}: {one_line(clean_inline(m.group(2)))}")
    if affiliations:
        fields["Affiliations" + suffix] = "\n".join(affiliations)


# --- body, notes, references ----------------------------------------------------------------


def _split_rest(pars: list[Par], fields: dict[str, str]):
    body: list[tuple[str, bool]] = []  # (paragraph, notes were cut out just before it)
    notes: list[tuple[int, str]] = []
    references: list[str] = []
    tail: list[str] = []
    section = "body"
    cut = False
    for p in pars:
        text = p.text
        if is_heading(text) or (len(text) < 60 and "\n" not in text):
            title = heading_text(text)
            if REFERENCES_RE.match(title.rstrip(":")):
                section = "references"
                continue
            if AUTHOR_INFO_RE.match(title):
                section = "tail"
                continue
        m = NOTE_RE.match(text)
        if m:
            notes.append((int(m.group(1)), one_line(clean_inline(m.group(2), keep_italics=True))))
            cut = True
            continue
        ed = EDITORIAL_RE.match(text)
        if ed and len(text) < 120:
            fields[ed.group(1).strip()] = one_line(ed.group(2))
            continue
        if section == "references":
            items = [ln for ln in text.splitlines() if ln.strip()]
            if items and ITEM_RE.match(items[0]):
                references += _reference_items(items)
                continue
            if references:  # a paragraph continuing the last entry
                references[-1] += " " + one_line(clean_inline(text, keep_italics=True))
                continue
        if section == "tail":
            tail.append(text)
            continue
        body.append((text, cut))
        cut = False
    return body, notes, references, tail


def _reference_items(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if ITEM_RE.match(ln):
            out.append(ITEM_RE.sub("", ln, count=1))
        elif out:
            out[-1] += " " + ln.strip()
    return [one_line(clean_inline(x, keep_italics=True)) for x in out]


def clean_body_and_notes(
    pars: list[str], known: dict[int, str] | None = None
) -> tuple[str, list[tuple[int, str, int | None]]]:
    """Paragraphs with footnote paragraphs among them -> (clean body text, [(n, note text, anchor)]).

    ``known``: notes a reader already found (number -> text, e.g. DOCX footnotes), so their
    markers are cut out of the text even when no note paragraph carries them (an empty note)."""
    body: list[tuple[str, bool]] = []
    notes: list[tuple[int, str]] = []
    cut = False
    for text in pars:
        m = NOTE_RE.match(text)
        if m:
            notes.append((int(m.group(1)), one_line(clean_inline(m.group(2), keep_italics=True))))
            cut = True
            continue
        body.append((text, cut))
        cut = False
    found = {n for n, _ in notes}
    notes = sorted(notes + [(n, t) for n, t in (known or {}).items() if n not in found], key=lambda x: x[0])
    clean, anchors = _clean_body(body, {n for n, _ in notes})
    return clean, [(n, t, anchors.get(n)) for n, t in notes]


def _expand(spec: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", spec):
        m = re.match(r"(\d+)\s*[–-]\s*(\d+)$", part)
        if m and int(m.group(1)) <= int(m.group(2)) <= int(m.group(1)) + 20:
            out += list(range(int(m.group(1)), int(m.group(2)) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def _clean_body(body: list[tuple[str, bool]], note_numbers: set[int]) -> tuple[str, dict[int, int]]:
    """Clean body text; cut out note markers and return where each one stood."""
    force = {i for i, (_, cut) in enumerate(body) if cut}
    joined = join_broken_paragraphs([t for t, _ in body], force)

    def mark(m: re.Match[str]) -> str:
        nums = _expand(m.group(1))
        if nums and all(n in note_numbers for n in nums):
            return "".join(f"{_OPEN}{n}{_CLOSE}" for n in nums)
        return m.group(0)

    text = "\n\n".join(MARKER_RE.sub(mark, p) for p in joined)
    text = normalise_whitespace(clean_inline(text))
    anchors: dict[int, int] = {}
    out: list[str] = []
    pos = 0
    length = 0
    for m in re.finditer(_OPEN + r"(\d+)" + _CLOSE, text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        anchors.setdefault(int(m.group(1)), length)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), anchors
