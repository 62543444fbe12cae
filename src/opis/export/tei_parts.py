"""Parts of the TEI export built from record values: ``xml:id`` s, the ``standOff`` lists of
people, places and organisations with their authority ids, and ``bibl`` entries of the
reference list (from the record's CSL-like bibliography items)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from opis.export.tei_text import attrs_of, tei
from opis.model import Document, Entity

WIKIDATA = "https://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"
LISTS = {"PERSON": ("listPerson", "person", "persName"), "PLACE": ("listPlace", "place", "placeName"),
         "ORG": ("listOrg", "org", "orgName"), "UNIT": ("listOrg", "org", "orgName")}


def xml_id(entity_id: str | None) -> str | None:
    """An ``xml:id`` (an XML name) for an entity id: ``person:joseph-stalin`` -> ``person.joseph-stalin``."""
    if not entity_id:
        return None
    # ':' (type:name) reads as '.', every other character an XML name cannot hold as _hex_, so
    # two ids never meet ('org:politburo' and 'org~politburo' stay apart)
    x = re.sub(r"[^\w.-]", lambda m: "." if m.group() == ":" else f"_{ord(m.group()):x}_", entity_id)
    return x if re.match(r"[A-Za-z_]", x) else f"e.{x}"


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    e = etree.SubElement(parent, tei(tag), attrs_of(attrs))
    if text is not None:
        e.text = text
    return e


def _entity(parent, e: Entity) -> None:
    """One ``person``/``place``/``org`` entry: preferred name, variants, ids, coordinates."""
    _lst, item_tag, name_tag = LISTS[e.type]
    item = _el(parent, item_tag, xml_id=xml_id(e.id), type="unit" if e.type == "UNIT" else None)
    _el(item, name_tag, e.label, type="preferred")
    for v in (e.variants or [])[:12]:
        if v.name and v.name != e.label:
            _el(item, name_tag, v.name, type="variant", xml_lang=v.lang if v.lang and re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", v.lang) else None)
    if e.type == "PLACE" and e.lat is not None and e.lon is not None:
        _el(_el(item, "location"), "geo", f"{e.lat} {e.lon}")
    if e.wikidata:
        _el(item, "idno", WIKIDATA + e.wikidata, type="wikidata")
    if e.geonames:
        _el(item, "idno", GEONAMES + str(e.geonames), type="geonames")
    _el(item, "idno", e.id, type="opis")
    if e.description:
        _el(item, "note", e.description)


def standoff(doc: Document) -> etree._Element | None:
    """The ``standOff`` with the document's people, places, organisations and units (None if none)."""
    entities = [e for e in doc.entities or [] if e.type in LISTS]
    if not entities:
        return None
    so = etree.Element(tei("standOff"))
    lists: dict[str, etree._Element] = {}
    for e in sorted(entities, key=lambda e: (list(LISTS).index(e.type), e.label or "")):
        lst = LISTS[e.type][0]
        if lst not in lists:
            lists[lst] = _el(so, lst)
        _entity(lists[lst], e)
    return so


def _names(people: list[dict[str, Any]]) -> list[str]:
    out = []
    for p in people or []:
        if p.get("literal"):
            out.append(p["literal"])
        elif p.get("family"):
            out.append(", ".join(x for x in (p.get("family"), p.get("given")) if x))
    return out


def bibl_item(item: dict[str, Any]) -> etree._Element:
    """A reference-list entry as a ``bibl``: authors, titles, container, place, publisher, date, pages, ids."""
    b = etree.Element(tei("bibl"), attrs_of({"xml_id": xml_id(f"bib.{item['id']}") if item.get("id") else None,
                                              "type": item.get("type")}))
    for name in _names(item.get("author")):
        _el(b, "author", name)
    for name in _names(item.get("editor")):
        _el(b, "editor", name)
    if item.get("title"):
        _el(b, "title", str(item["title"]), level="m" if item.get("type") == "book" else "a")
    if item.get("translated-title"):
        _el(b, "title", str(item["translated-title"]), type="translated")
    if item.get("container-title"):
        _el(b, "title", str(item["container-title"]), level="j" if "journal" in str(item.get("type")) else "m")
    for key, unit in (("volume", "volume"), ("issue", "issue"), ("page", "page")):
        if item.get(key):
            _el(b, "biblScope", str(item[key]), unit=unit)
    if item.get("publisher-place"):
        _el(b, "pubPlace", str(item["publisher-place"]))
    if item.get("publisher"):
        _el(b, "publisher", str(item["publisher"]))
    parts = ((item.get("issued") or {}).get("date-parts") or [[]])[0]
    if parts and isinstance(parts[0], int):
        _el(b, "date", str(parts[0]), when=f"{parts[0]:04d}")
    if item.get("DOI"):
        _el(b, "idno", str(item["DOI"]), type="DOI")
    if item.get("URL"):
        _el(b, "ptr", target=str(item["URL"]))
    if item.get("language"):
        _el(b, "textLang", mainLang=str(item["language"]))
    return b
