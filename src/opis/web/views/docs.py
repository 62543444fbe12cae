"""``/docs``: the OpenAPI schema in Swagger UI, served from local assets (no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from opis.export import exporters
from opis.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs_page(request: Request):
    """The REST API page (Swagger UI when its files are installed)."""
    from opis.web.app import STATIC_DIR

    have = (STATIC_DIR / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").exists()
    formats = "|".join(exporters())
    return render(request, "docs.html", {"title": "REST API", "have_swagger": have, "export_formats": formats})
