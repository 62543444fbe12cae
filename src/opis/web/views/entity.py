"""``/entities/{id}``: names by script, type, a small map, mentions in context, co-occurring, claims."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from opis.archive import Archive
from opis.web.settings import get_archive
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


SCRIPTS = {"Latn": "Latin", "Cyrl": "Cyrillic", "Hani": "Chinese", "Hans": "Chinese (simplified)",
           "Hant": "Chinese (traditional)", "Arab": "Arabic script", "Mong": "Mongolian", "Grek": "Greek"}


def variants_by_script(entity: dict) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for v in entity.get("variants") or []:
        name = v.get("name") if isinstance(v, dict) else str(v)
        script = (v.get("script") or v.get("lang") or "other") if isinstance(v, dict) else "other"
        script = SCRIPTS.get(script, script)
        if name and name not in groups.setdefault(script, []):
            groups[script].append(name)
    return sorted(groups.items())


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: str, archive: Archive = Depends(get_archive)):
    entity = archive.entity(entity_id)
    mentions = archive.mentions(entity_id)
    co = archive.cooccurring(entity_id)
    claims = archive.claims(about=entity_id)
    return render(request, "entity.html", {
        "e": entity, "title": entity.get("label"), "variants": variants_by_script(entity),
        "mentions": mentions, "co": co, "claims": claims, "doc_titles": {},
    })
