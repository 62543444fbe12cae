"""/api/entities: list, one entity, its mentions, its co-occurring entities, places for the map.

Every list is a page (``limit`` bounded, ``offset``), read from the kept aggregates by index."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from opis.archive import Archive
from opis.web.settings import get_archive

router = APIRouter(tags=["entities"])

MAX_PAGE = 200  # rows per request at most (mentions, documents)


@router.get("/entities", summary="List entities")
def list_entities(
    type: str | None = Query(None, pattern="^(PERSON|PLACE|ORG|UNIT)$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    archive: Archive = Depends(get_archive),
):
    """People, places, organisations and units with their document and mention counts, most documents first;
    ``limit`` from ``offset``."""
    return archive.entities(type=type, limit=limit, offset=offset)


@router.get("/places", summary="Places with document counts and coordinates (for the map), most documents first")
def places(limit: int = Query(1000, ge=1, le=5000), offset: int = Query(0, ge=0),
           archive: Archive = Depends(get_archive)):
    """Places with coordinates and the number of documents discussing them, most documents first; ``limit``
    from ``offset``."""
    # plain rows of the store: written as JSON as they are (FastAPI's encoder took 70 ms for 1,000)
    return JSONResponse(archive.places(limit=limit, offset=offset))


@router.get("/entities/{entity_id}", summary="One entity: label, variants, coordinates, counts, a page of its documents")
def get_entity(entity_id: str, limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0),
               archive: Archive = Depends(get_archive)):
    """One entity: label, type, variants, coordinates, external ids, counts, and a page of its documents by
    date (``limit`` from ``offset``); 404 when unknown."""
    return archive.entity(entity_id, documents_limit=limit, documents_offset=offset)


@router.get("/entities/{entity_id}/mentions", summary="A page of the entity's mentions, in context, by document date")
def mentions(entity_id: str, limit: int = Query(100, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0),
             archive: Archive = Depends(get_archive)):
    """The entity's mentions in document date order, each with its document, span, surface and the words
    around it; ``limit`` from ``offset``; 404 for an unknown entity."""
    archive.entity(entity_id, documents_limit=0)  # 404 for an unknown entity
    return archive.mentions(entity_id, limit=limit, offset=offset)


@router.get("/entities/{entity_id}/cooccurring", summary="Entities mentioned in the same documents")
def cooccurring(entity_id: str, limit: int = Query(20, ge=1, le=200), archive: Archive = Depends(get_archive)):
    """Entities mentioned in the same documents as this one, by number of shared documents (each row's ``of``:
    how many of its documents were read); 404 for an unknown entity."""
    archive.entity(entity_id, documents_limit=0)
    return archive.cooccurring(entity_id, limit=limit)
