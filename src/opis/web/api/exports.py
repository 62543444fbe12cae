"""/api/documents/{id}/export: a citation or record in one of the export formats."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from opis.archive import Archive
from opis.export import NAMES
from opis.web import lib
from opis.web.settings import get_archive

router = APIRouter(tags=["exports"])
Format = Literal[NAMES]  # type: ignore[valid-type]  # (the formats opis.export offers)


@router.get("/documents/{doc_id}/export", summary="Export a record: chicago, bibtex, ris, csl-json, tei, json (JSON-LD)",
            response_class=Response)
def export(doc_id: str, format: Format = Query("chicago"), download: bool = Query(False),
           archive: Archive = Depends(get_archive)):
    doc_id = archive.resolve_id(doc_id)
    body = archive.export(doc_id, format)
    media, ext, _ = lib.EXPORT_FORMATS[format]
    headers = {"Content-Disposition": f'attachment; filename="{doc_id}.{ext}"'} if download else {}
    return Response(body, media_type=media, headers=headers)
