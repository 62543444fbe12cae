"""The opis web UI and REST API (FastAPI): ``create_app(db_path)``."""

from opis.web.app import create_app

__all__ = ["create_app"]
