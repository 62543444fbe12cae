"""/api/entities: list, one entity, its mentions, its co-occurring entities, places for the map."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from opis.store import Store
from opis.web import lib
from opis.web.settings import get_store

router = APIRouter(tags=["entities"])


@router.get("/entities", summary="List entities")
def list_entities(
    type: str | None = Query(None, pattern="^(PERSON|PLACE|ORG|UNIT)$"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    store: Store = Depends(get_store),
):
    return lib.list_entities(store, type=type, limit=limit, offset=offset)


@router.get("/places", summary="Places with mention counts and coordinates (for the map)")
def places(store: Store = Depends(get_store)):
    return lib.places_with_counts(store)


@router.get("/entities/{entity_id}", summary="One entity: label, variants, coordinates, counts")
def get_entity(entity_id: str, store: Store = Depends(get_store)):
    return lib.get_entity(store, entity_id)


@router.get("/entities/{entity_id}/mentions", summary="Every mention of the entity, in context")
def mentions(entity_id: str, store: Store = Depends(get_store)):
    lib.get_entity(store, entity_id)
    return lib.entity_mentions(store, entity_id)


@router.get("/entities/{entity_id}/cooccurring", summary="Entities mentioned in the same documents")
def cooccurring(entity_id: str, limit: int = Query(20, ge=1, le=200), store: Store = Depends(get_store)):
    lib.get_entity(store, entity_id)
    return lib.cooccurring(store, entity_id, limit=limit)
