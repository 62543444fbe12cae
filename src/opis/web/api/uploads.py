"""/api/uploads: send files to a writable server, follow their ingest; /api/files: the originals.

``POST /api/uploads`` (multipart, one or more ``files`` parts; needs ``--allow-write`` and the
token) keeps each file in the file store and queues it; the server's upload runner ingests the
queue in the background. Each file is answered on its own: taken (``202``, its upload row with
status ``queued``) or refused with the reason, so one bad file never costs the others.
``GET /api/uploads/{id}`` says where its ingest stands (``queued``, ``running``, ``done`` with
the document id, ``failed`` with the error).

``GET /api/files/{key}`` downloads an original kept in the file store, always as an attachment
(``application/octet-stream``): an uploaded HTML page is never rendered by the browser.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from opis.archive import Archive
from opis.errors import NotFound, OpisError
from opis.store.uploads import STATUSES
from opis.uploads import UploadRefused
from opis.web.settings import get_archive

router = APIRouter(tags=["uploads"])

MAX_FILES = 1000  # parts one request may carry


@router.post("/uploads", status_code=202,
             summary="Upload files for ingest (multipart 'files'; needs --allow-write and the token)")
def add_uploads(request: Request, files: Annotated[list[UploadFile], File(description="the files to ingest")],
                collection: Annotated[list[str] | None, Form(
                    description="collections the documents go into (repeatable; none: the default public one)")] = None,
                archive: Archive = Depends(get_archive)):
    """Queue files for ingest: 202 with the uploads taken and those refused (with the reason), 422 when none
    was taken; 404 for a collection that does not exist."""
    limit = request.app.state.settings.max_body
    taken, refused = [], []
    for part in files[:MAX_FILES]:
        try:
            taken.append(archive.upload(part.filename or "", part.file, max_size=limit,
                                        collections=collection or ()).to_dict())
        except UploadRefused as exc:
            refused.append({"name": part.filename, "error": exc.message})
        finally:
            part.file.close()
    refused += [{"name": p.filename, "error": f"more than {MAX_FILES} files in one request"} for p in files[MAX_FILES:]]
    runner = request.app.state.uploads
    if runner is not None and taken:
        runner.submit(taken)
    return JSONResponse({"uploads": taken, "refused": refused}, status_code=202 if taken else 422)


@router.get("/uploads", summary="Uploads, newest first, and how many have each status")
def list_uploads(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                 status: str | None = Query(None, pattern="^(" + "|".join(STATUSES) + ")$"),
                 archive: Archive = Depends(get_archive)):
    """Uploads, newest first (optionally of one status), ``limit`` from ``offset``, with the number of uploads
    in each status."""
    return {"counts": archive.upload_counts(),
            "uploads": [u.to_dict() for u in archive.uploads(limit, offset, status)]}


@router.get("/uploads/{upload_id}", summary="One upload: where its ingest stands")
def get_upload(upload_id: int, archive: Archive = Depends(get_archive)):
    """One upload by its number: file name, size, status, error and the document it became; 404 when unknown."""
    return archive.get_upload(upload_id).to_dict()


@router.get("/files/{key:path}", summary="Download an original from the file store (as an attachment)",
            response_class=FileResponse)
def get_file(key: Annotated[str, Path(max_length=200)], name: str | None = Query(None, max_length=255),
             archive: Archive = Depends(get_archive)):
    """The original file stored under ``key``, as a download named ``name`` (default: the stored file's name);
    404 when unknown."""
    try:
        path = archive.files.path(key)
    except OpisError as exc:
        raise NotFound(exc.message) from None
    filename = name or path.name
    return FileResponse(path, media_type="application/octet-stream", filename=filename,
                        content_disposition_type="attachment")
