"""``/entities/{id}``: names by script, type, a small map, mentions in context (by page),
co-occurring entities, claims (by page). Every part is a bounded read of the kept aggregates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render
from opis.web.views.history import curation_context

router = APIRouter(include_in_schema=False)

MENTIONS_PAGE = 30
CLAIMS_PAGE = 25
SCRIPTS = {"Latn": "Latin", "Cyrl": "Cyrillic", "Hani": "Chinese", "Hans": "Chinese (simplified)",
           "Hant": "Chinese (traditional)", "Arab": "Arabic script", "Mong": "Mongolian", "Grek": "Greek"}


def variants_by_script(entity: dict) -> list[tuple[str, list[str]]]:
    """An entity's variant names grouped by script (or language), groups in name order."""
    groups: dict[str, list[str]] = {}
    for v in entity.get("variants") or []:
        name = v.get("name") if isinstance(v, dict) else str(v)
        script = (v.get("script") or v.get("lang") or "other") if isinstance(v, dict) else "other"
        script = SCRIPTS.get(script, script)
        if name and name not in groups.setdefault(script, []):
            groups[script].append(name)
    return sorted(groups.items())


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: str, page: int = Query(1, ge=1, le=1_000_000),
                cpage: int = Query(1, ge=1, le=1_000_000), archive: Archive = Depends(get_archive)):
    """The entity page; ``page``: the page of mentions, ``cpage``: the page of claims."""
    entity = archive.entity(entity_id, documents_limit=0)
    mentions = archive.mentions(entity_id, limit=MENTIONS_PAGE, offset=(page - 1) * MENTIONS_PAGE)
    co = archive.cooccurring(entity_id)
    claims = archive.claims(about=entity_id, limit=CLAIMS_PAGE + 1, offset=(cpage - 1) * CLAIMS_PAGE)
    total = entity.get("mentions") or 0
    return render(request, "entity.html", {
        "e": entity, "title": entity.get("label"), "variants": variants_by_script(entity),
        "mentions": mentions, "co": co, "claims": claims[:CLAIMS_PAGE], "doc_titles": {},
        "page": page, "pages": max(1, -(-total // MENTIONS_PAGE)), "first": (page - 1) * MENTIONS_PAGE + 1,
        "cpage": cpage, "more_claims": len(claims) > CLAIMS_PAGE, "params": {"page": page, "cpage": cpage},
        **curation_context(request, archive, entity.get("id") or entity_id),
    })
