"""/api/documents/{id}/export and /api/export: one document, or every document, in one of the
export formats (citations, TEI, JSON-LD; GeoJSON and CSV tables).

(No ``from __future__ import annotations``: the route's format type is a local that FastAPI must see.)"""

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from opis.archive import Archive
from opis.export import Exporter, exporters
from opis.web.settings import get_archive

TABLE_HELP = "CSV only: the table, documents, entities or claims (default documents)."


def _pick(files: dict[str, str], exporter: Exporter, table: str | None) -> tuple[str, str]:
    """The file to answer with: the one file, or the CSV table asked for (404 for another)."""
    if len(files) == 1:
        return next(iter(files.items()))
    name = f"{table or 'documents'}.{exporter.extension}"
    if name not in files:
        raise HTTPException(404, f"no table {table!r} in the {exporter.name} export")
    return name, files[name]


def _answer(name: str, body: str, exporter: Exporter, download: bool) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'} if download else {}
    return Response(body, media_type=exporter.media_type, headers=headers)


def build_router() -> APIRouter:
    """The export routes, offering the export formats registered when the app is built."""
    formats = exporters()
    Format = Literal[tuple(formats)]  # type: ignore[valid-type]  # (the formats opis.export offers)
    Many = Literal[tuple(n for n, e in formats.items() if e.render_all is not None)]  # type: ignore[valid-type]
    router = APIRouter(tags=["exports"])

    @router.get("/documents/{doc_id}/export", response_class=Response,
                summary="Export a record: " + ", ".join(f"{name} ({e.label})" if e.label and e.label.lower() != name
                                                        else name for name, e in formats.items()))
    def export(doc_id: str, format: Format = Query("chicago"), download: bool = Query(False),  # type: ignore[valid-type]
               table: str | None = Query(None, description=TABLE_HELP),
               archive: Archive = Depends(get_archive)):
        doc_id = archive.resolve_id(doc_id)
        exporter = formats[format]
        if exporter.citation or exporter.render_all is None:
            return _answer(f"{doc_id}.{exporter.extension}", archive.export(doc_id, format), exporter, download)
        name, body = _pick(archive.export_all(format, [doc_id]), exporter, table)
        return _answer(f"{doc_id}-{name}", body, exporter, download)

    @router.get("/export", response_class=Response,
                summary="Export every document: " + ", ".join(n for n, e in formats.items() if e.render_all))
    def export_every(format: Many = Query(...), download: bool = Query(False),  # type: ignore[valid-type]
                     table: str | None = Query(None, description=TABLE_HELP),
                     archive: Archive = Depends(get_archive)):
        exporter = formats[format]
        name, body = _pick(archive.export_all(format), exporter, table)
        return _answer(name, body, exporter, download)

    return router
