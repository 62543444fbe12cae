"""Book, article and chapter citations -> CSL-JSON items.

Two shapes are read, both with and without Markdown italics around titles:

* the footnote (Chicago notes) form: ``O.Yu. Repukhova, *Pogranichnyy rezhim v Karelii* [Border
  regime in Karelia] (Petrozavodsk: Izd. PetrGU Publ., 2017), 48.``; articles
  ``A.K. Kamalov, "Title," *Journal* 22, no. 3–4 (2024): 82–95``; chapters ``..., "Title," in
  *Book* (Moscow: Publ., 2016), 232–240``; short forms ``O.Yu. Repukhova, *Pogranichnyy rezhim*, 48``;
* the reference-list form: ``Repukhova, O.Yu. *Title* [Translated]. Petrozavodsk: Publ., 2017
  (in Russian).``, ``Barmin, V.A. “Title.” *Journal* 22, no. 1 (2023): 97–109 (in Russian),
  <https://doi.org/...>``, ``... “Title.” In *Book*, 232–240. Barnaul: Publ., 2024``.

Items carry only CSL-JSON keys; citation dicts in notes add ``locator`` (pages cited), ``short``
(a short-form note), ``ibid`` and ``ref`` (id of the bibliography entry it was linked to).
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz
from unidecode import unidecode

QUOTES = "\"“”«»„"
INITIALS = r"(?:[A-ZА-ЯЁ][a-zа-яё]{0,2}\.\s?-?\s?){1,3}"
INITIALS_RE = re.compile(f"^{INITIALS}$")
GIVEN_FAMILY_RE = re.compile(f"^({INITIALS})\\s*([A-ZА-ЯЁ][\\w'’-]+(?:\\s[A-ZА-ЯЁ][\\w'’-]+)?)$")
FAMILY_GIVEN_RE = re.compile(f"^([A-ZА-ЯЁ][\\w'’-]+)\\s+({INITIALS})$")
FULL_NAME_RE = re.compile(r"^([A-ZА-ЯЁ][a-zа-яё]+(?:\s(?:[A-ZА-ЯЁ]\.|[A-ZА-ЯЁ][a-zа-яё]+))?)\s([A-ZА-ЯЁ][\w'’-]+)$")
SURNAME_RE = re.compile(r"^[A-ZА-ЯЁ][\w'’-]+(?:\s[A-ZА-ЯЁ][\w'’-]+)?$")
TITLE_RE = re.compile(
    r"\*(?P<ital>[^*]+)\*|[\"“«„](?P<quot>[^\"“”«»„]+(?:«[^»]*»[^\"“”«»„]*)*)[\"”»]"
)
PUB_RE = re.compile(r"\((?P<place>[^():]{2,80}):\s*(?P<publisher>[^()]*?(?:\([^()]*\)[^()]*?)?),?\s*(?P<year>1[5-9]\d\d|20\d\d)\)")
REF_PUB_RE = re.compile(r"(?P<place>[A-ZА-ЯЁ][^.:;]{1,60}?):\s*(?P<publisher>.+?),\s*(?P<year>1[5-9]\d\d|20\d\d)\b")
JOURNAL_TAIL_RE = re.compile(
    r"^\s*(?P<volume>\d+[\w-]*)?\s*,?\s*(?:(?:no\.|№|issue)\s*(?P<issue>[\w–—-]+))?\s*\((?P<year>1[5-9]\d\d|20\d\d)\)\s*:\s*(?P<page>\d+(?:\s*[-–—]\s*\d+)?)"
)
DOI_RE = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s<>,]+[^\s<>,.])", re.IGNORECASE)
URL_RE = re.compile(r"<?(https?://[^\s<>]+[^\s<>.,])>?")
LANG_RE = re.compile(r"\(in (Russian|English|Chinese|Kazakh|German|French|Ukrainian|Polish|Mongolian)\)", re.IGNORECASE)
LANG_CODES = {"russian": "ru", "english": "en", "chinese": "zh", "kazakh": "kk", "german": "de", "french": "fr",
              "ukrainian": "uk", "polish": "pl", "mongolian": "mn"}
TRANSLATED_RE = re.compile(r"^\s*\[(?P<tr>[^\[\]]+(?:\[[^\]]*\][^\[\]]*)*)\]")
PAGES_RE = re.compile(r"^\s*,?\s*(?:pp?\.\s*|s\.\s*|с\.\s*)?(?P<pages>\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*)\s*\.?\s*$")


# --- names ---------------------------------------------------------------------------------


def parse_names(text: str) -> list[dict[str, str]]:
    """'O.Yu. Repukhova', 'Ablazhey, N.N., and Nazemtseva, E.N.', 'Ablazhey N.N.' -> CSL names."""
    s = re.sub(r",?\s+(?:and|и|&)\s+", ", ", text.strip().strip(","))
    tokens = [t.strip() for t in s.split(",") if t.strip()]
    out: list[dict[str, str]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if m := GIVEN_FAMILY_RE.match(t):
            out.append({"family": m.group(2).strip(), "given": m.group(1).strip()})
        elif m := FAMILY_GIVEN_RE.match(t):
            out.append({"family": m.group(1).strip(), "given": m.group(2).strip()})
        elif SURNAME_RE.match(t) and i + 1 < len(tokens) and INITIALS_RE.match(tokens[i + 1]):
            out.append({"family": t, "given": tokens[i + 1].strip()})
            i += 1
        elif SURNAME_RE.match(t) and i + 1 < len(tokens) and FULL_NAME_RE.match(tokens[i + 1] + " Xx") and " " not in t:
            # reference-list form with full given names: "Fitzpatrick, Sheila"
            out.append({"family": t, "given": tokens[i + 1].strip()})
            i += 1
        elif m := FULL_NAME_RE.match(t):
            out.append({"family": m.group(2), "given": m.group(1)})
        elif SURNAME_RE.match(t):
            out.append({"family": t})
        else:
            return []
        i += 1
    return out


# --- helpers -------------------------------------------------------------------------------


def _strip(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("*", "")).strip(" ,.;:")


def _strip_pub(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("*", "")).strip(" ,;:")


def _year_item(year: str | None) -> dict[str, Any] | None:
    return {"date-parts": [[int(year)]]} if year else None


def _pages(s: str) -> str:
    return re.sub(r"\s*[-–—]\s*", "-", s.strip())


def _split_title(t: str) -> tuple[str, str | None]:
    """'Sin'tszian: ocherk [Xinjiang: An Essay]' -> (title, translated)."""
    m = re.match(r"^(.*?)\s*\[([^\[\]]+)\]\s*[.,]?$", t.strip())
    if m and m.group(1):
        return m.group(1).strip(" ,."), m.group(2).strip(" .")
    return t.strip(" ,."), None


def _finish(item: dict[str, Any], rest: str) -> None:
    if m := DOI_RE.search(rest):
        item["DOI"] = m.group(1)
        item["URL"] = f"https://doi.org/{m.group(1)}"
    elif m := URL_RE.search(rest):
        item["URL"] = m.group(1)
    if m := LANG_RE.search(rest):
        item["language"] = LANG_CODES[m.group(1).lower()]


def split_citations(text: str) -> list[str]:
    """Split a note at top-level semicolons (not inside brackets, parentheses or quotes)."""
    out, depth, buf, in_q = [], 0, [], False
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in "“”\"":
            in_q = not in_q if ch == '"' else (ch == "“")
        if ch == ";" and depth == 0 and not in_q:
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    if "".join(buf).strip():
        out.append("".join(buf).strip())
    return out


# --- footnote form -------------------------------------------------------------------------


def _container(item: dict[str, Any], rest: str, *, chapter_pages: bool = False, short_form: bool = False) -> str:
    """What follows a quoted title: ``in *Book*`` (a chapter) or ``*Journal* 22, no. 1 (2023): 97–109``.

    Sets the item's type and container fields and returns the text left over. ``chapter_pages``
    reads a chapter's page range (reference lists); ``short_form`` types a quoted title with no
    container as a short-form article (notes: ``"Title," 13–20``).
    """
    rest_s = rest.lstrip(" ,.")
    if cm := re.match(r"^in\s+\*([^*]+)\*", rest_s, re.IGNORECASE):
        item["type"] = "chapter"
        item["container-title"] = _strip(cm.group(1))
        rest = rest_s[cm.end() :]
        if chapter_pages and (pm := re.match(r"^\s*,?\s*(\d+\s*[-–]\s*\d+|\d+)", rest)):
            item["page"] = _pages(pm.group(1))
            rest = rest[pm.end() :]
    elif jm := re.match(r"^\*([^*]+)\*", rest_s):
        item["type"] = "article-journal"
        item["container-title"] = _strip(jm.group(1))
        rest = rest_s[jm.end() :]
        if tail := JOURNAL_TAIL_RE.match(rest):
            for k in ("volume", "issue"):
                if tail.group(k):
                    item[k] = _pages(tail.group(k))
            item["issued"] = _year_item(tail.group("year"))
            item["page"] = _pages(tail.group("page"))
            rest = rest[tail.end() :]
    elif short_form:
        item["type"] = "article"
    return rest


def parse_citation(text: str) -> dict[str, Any] | None:
    """A footnote citation of a book/article/chapter as a CSL item (+ ``locator``); None if not one."""
    t = re.sub(r"«\*([^*]+)\*»", r"*«\1»*", text.strip())
    t = re.sub(r"\.$", "", t)
    m = TITLE_RE.search(t)
    if not m:
        marked = _mark_plain_title(t)
        return parse_citation(marked) if marked else None
    head = t[: m.start()].strip().rstrip(",").strip()
    authors = parse_names(head) if head else []
    if head and not authors:
        return None
    quoted = m.group("quot") is not None
    raw_title = (m.group("quot") or m.group("ital")).strip()
    rest = t[m.end() :]
    item: dict[str, Any] = {"type": "book"}
    if authors:
        item["author"] = authors
    title, translated = _split_title(raw_title.rstrip(","))
    # a book title may continue with further italic parts: «*Sovershenno sekretno*» *Lubyanka ...*
    while not quoted and (m2 := re.match(r"^[»”\"]?\s*\.?\s*\*([^*]+)\*", rest)):
        title = f"{title} {m2.group(1).strip()}".strip()
        rest = rest[m2.end() :]
    if tm := TRANSLATED_RE.match(rest):
        translated = tm.group("tr").strip()
        rest = rest[tm.end() :]
    item["title"] = _strip(title)
    if translated:
        item["translated-title"] = translated
    if quoted:
        rest = _container(item, rest, short_form=True)
    if pm := PUB_RE.search(rest):
        item["publisher-place"] = _strip(pm.group("place"))
        item["publisher"] = _strip_pub(pm.group("publisher"))
        item["issued"] = _year_item(pm.group("year"))
        rest = rest[pm.end() :]
    _finish(item, rest)
    rest_nourl = URL_RE.sub("", rest)
    if pg := PAGES_RE.match(rest_nourl):
        item["locator"] = _pages(pg.group("pages"))
    elif rest_nourl.strip(" ,.<>"):
        # something we do not understand follows: keep the parts found, but say so
        item["note"] = rest_nourl.strip(" ,.")
    if "issued" not in item and "container-title" not in item and "publisher" not in item:
        item["short"] = True
    item = {k: v for k, v in item.items() if v is not None}
    return item


PLAIN_HEAD_RE = re.compile(
    f"^((?:{INITIALS}\\s*[A-ZА-ЯЁ][\\w'’-]+)(?:,\\s*{INITIALS}\\s*[A-ZА-ЯЁ][\\w'’-]+)*),\\s+(.+)$"
)
PLAIN_TAIL_RE = re.compile(r"(\s\[|\s\(|,\s*\d+(?:\s*[-–]\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*\.?$)")


def _mark_plain_title(t: str) -> str | None:
    """'O. Mozokhin, VCHK – OGPU, 182–185' -> 'O. Mozokhin, *VCHK – OGPU*, 182–185' (titles printed without italics)."""
    m = PLAIN_HEAD_RE.match(t)
    if not m:
        return None
    rest = m.group(2)
    tail = PLAIN_TAIL_RE.search(rest)
    if not tail or tail.start() == 0:
        return None
    title = rest[: tail.start()].strip().rstrip(",")
    if not title or "*" in title:
        return None
    return f"{m.group(1)}, *{title}*{rest[tail.start():]}"


# --- reference-list form -------------------------------------------------------------------


def parse_reference(text: str) -> dict[str, Any] | None:
    """One entry of a reference list as a CSL item; None when no title can be found."""
    t = re.sub(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+", "", text.strip())
    m = TITLE_RE.search(t)
    if not m:
        return _gost(t)
    head = t[: m.start()].strip().rstrip(",").strip()
    head = re.sub(r"(?<=[a-zа-яё]{2})\.$", "", head)  # "Fitzpatrick, Sheila." -> "Fitzpatrick, Sheila"
    authors = parse_names(head) if head else []
    quoted = m.group("quot") is not None
    title, translated = _split_title((m.group("quot") or m.group("ital")).strip().rstrip(".,"))
    rest = t[m.end() :]
    item: dict[str, Any] = {"type": "book"}
    if authors:
        item["author"] = authors
    if tm := TRANSLATED_RE.match(rest):
        translated = tm.group("tr").strip()
        rest = rest[tm.end() :]
    item["title"] = _strip(title)
    if translated:
        item["translated-title"] = translated.strip(" .")
    if quoted:
        rest = _container(item, rest, chapter_pages=True)
    if item["type"] in ("book", "chapter") and (pm := REF_PUB_RE.search(rest)):
        item["publisher-place"] = _strip(pm.group("place"))
        publisher = _strip_pub(pm.group("publisher"))
        if publisher and publisher not in ("[N.s.]", "N.s"):
            item["publisher"] = publisher
        item["issued"] = _year_item(pm.group("year"))
    _finish(item, rest)
    return {k: v for k, v in item.items() if v is not None}


GOST_AUTHORS = r"(?P<authors>(?:[A-ZА-ЯЁ][\w'’-]+,?\s(?:[A-ZА-ЯЁ][a-zа-яё]?\.\s?){1,2},?\s?)+)"
GOST_ARTICLE_RE = re.compile(
    GOST_AUTHORS + r"(?P<title>[^/]+?)\s*//\s*(?P<container>[^/]+?)\.\s*(?P<year>1[5-9]\d\d|20\d\d)\.(?P<rest>.*)$"
)
GOST_BOOK_RE = re.compile(
    GOST_AUTHORS + r"(?P<title>[^/]+?)\.\s*[-–—]\s*(?P<place>[^:.]{2,40}):\s*(?P<publisher>[^,]+),\s*(?P<year>1[5-9]\d\d|20\d\d)"
)


def _gost(t: str) -> dict[str, Any] | None:
    """Russian GOST-style entries without italics: 'Author I.O. Title // Journal. 2004. Vol. 45, no. 1. P. 137–192.'"""
    if m := GOST_ARTICLE_RE.match(t):
        item: dict[str, Any] = {"type": "article-journal", "author": parse_names(m.group("authors").strip(" ,")),
                                "title": _strip(m.group("title")), "container-title": _strip(m.group("container")),
                                "issued": _year_item(m.group("year"))}
        rest = m.group("rest")
        if vm := re.search(r"\b(?:Vol|Т)\.\s*(\d+)", rest):
            item["volume"] = vm.group(1)
        if im := re.search(r"(?:no\.|№)\s*([\d–-]+)", rest):
            item["issue"] = _pages(im.group(1))
        if pm := re.search(r"\b(?:P|pp?|С|S)\.\s*(\d+(?:\s*[-–]\s*\d+)?)", rest):
            item["page"] = _pages(pm.group(1))
        _finish(item, rest)
        return item if item["author"] else None
    if m := GOST_BOOK_RE.match(t):
        item = {"type": "book", "author": parse_names(m.group("authors").strip(" ,")), "title": _strip(m.group("title")),
                "publisher-place": _strip(m.group("place")), "publisher": _strip_pub(m.group("publisher")),
                "issued": _year_item(m.group("year"))}
        return item if item["author"] else None
    return None


# --- linking --------------------------------------------------------------------------------


def _norm(s: str) -> str:
    s = unidecode(s or "").lower()
    return re.sub(r"[^a-z0-9 ]", "", re.sub(r"[\s'’-]+", " ", s)).strip()


def _family(item: dict[str, Any]) -> str:
    authors = item.get("author") or []
    return _norm(authors[0].get("family", "")) if authors else ""


def match_entry(citation: dict[str, Any], entries: list[dict[str, Any]], threshold: float = 85.0) -> dict[str, Any] | None:
    """The bibliography entry a (short or full) citation refers to: same first author, title prefix."""
    title = _norm(citation.get("title", ""))
    if not title:
        return None
    fam = _family(citation)
    best, best_score = None, 0.0
    for e in entries:
        if fam and _family(e) and fuzz.ratio(fam, _family(e)) < 85:
            continue
        et = _norm(e.get("title", ""))
        if not et:
            continue
        # a short title is a prefix of the full one (spellings vary: Pogranichnyy / Pogranichny)
        score = fuzz.ratio(title, et[: len(title) + 2]) if len(title) < len(et) else fuzz.ratio(title, et)
        if not fam and _family(e):
            score -= 5  # no author in the note: a title match alone must be strong
        if score > best_score:
            best, best_score = e, score
    return best if best_score >= threshold else None


def item_id(item: dict[str, Any], taken: set[str]) -> str:
    """A stable readable id: family name + year (+ a/b/c on a clash)."""
    fam = _family(item).split(" ")[0] or _norm(item.get("title", "")).split(" ")[0] or "item"
    year = ""
    if issued := item.get("issued"):
        year = str(issued["date-parts"][0][0])
    base = f"{fam}{year}"
    cand, i = base, 0
    while cand in taken:
        i += 1
        cand = f"{base}{chr(ord('a') + i - 1)}"
    taken.add(cand)
    return cand
