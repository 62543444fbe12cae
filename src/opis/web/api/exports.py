"""/api/documents/{id}/export: a citation or record in one of the export formats.

(No ``from __future__ import annotations``: the route's format type is a local that FastAPI must see.)"""

from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from opis.archive import Archive
from opis.export import exporters
from opis.web.settings import get_archive


def build_router() -> APIRouter:
    """The export route, offering the export formats registered when the app is built."""
    formats = exporters()
    Format = Literal[tuple(formats)]  # type: ignore[valid-type]  # (the formats opis.export offers)
    router = APIRouter(tags=["exports"])

    @router.get("/documents/{doc_id}/export", response_class=Response,
                summary="Export a record: " + ", ".join(f"{name} ({e.label})" if e.label and e.label.lower() != name
                                                        else name for name, e in formats.items()))
    def export(doc_id: str, format: Format = Query("chicago"), download: bool = Query(False),  # type: ignore[valid-type]
               archive: Archive = Depends(get_archive)):
        doc_id = archive.resolve_id(doc_id)
        body = archive.export(doc_id, format)
        exporter = formats[format]
        headers = {"Content-Disposition": f'attachment; filename="{doc_id}.{exporter.extension}"'} if download else {}
        return Response(body, media_type=exporter.media_type, headers=headers)

    return router
