"""/api/entities: list, one entity, its mentions, its co-occurring entities, places for the map."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.archive import Archive
from opis.web.settings import get_archive

router = APIRouter(tags=["entities"])


@router.get("/entities", summary="List entities")
def list_entities(
    type: str | None = Query(None, pattern="^(PERSON|PLACE|ORG|UNIT)$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    archive: Archive = Depends(get_archive),
):
    return archive.entities(type=type, limit=limit, offset=offset)


@router.get("/places", summary="Places with mention counts and coordinates (for the map)")
def places(archive: Archive = Depends(get_archive)):
    return archive.places()


@router.get("/entities/{entity_id}", summary="One entity: label, variants, coordinates, counts")
def get_entity(entity_id: str, archive: Archive = Depends(get_archive)):
    return archive.entity(entity_id)


@router.get("/entities/{entity_id}/mentions", summary="Every mention of the entity, in context")
def mentions(entity_id: str, archive: Archive = Depends(get_archive)):
    archive.entity(entity_id)  # 404 for an unknown entity
    return archive.mentions(entity_id)


@router.get("/entities/{entity_id}/cooccurring", summary="Entities mentioned in the same documents")
def cooccurring(entity_id: str, limit: int = Query(20, ge=1, le=200), archive: Archive = Depends(get_archive)):
    archive.entity(entity_id)
    return archive.cooccurring(entity_id, limit=limit)
