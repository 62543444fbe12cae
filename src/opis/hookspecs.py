"""The hooks through which opis is extended (pluggy), one place for all of them.

Every reader, page layout, record family, exporter, indexer, scorer, CLI command and web router
of opis is registered through these hooks; the built-ins are default plugins
(:mod:`opis.plugins_builtin`), and a third-party package adds its own by declaring an entry point
in the ``opis`` group (see ``docs/guide/plugins.md``)::

    from opis.hookspecs import hookimpl

    @hookimpl
    def register_exporters():
        return [Exporter("card", render_card, "text/plain; charset=utf-8", "txt", "Card")]

Hooks that return lists are called in pluggy's order: the plugin registered last is called first,
so entry-point plugins come before the built-ins (``@hookimpl(trylast=True)`` puts one after).
Recognisers (readers' sniffers, layouts, record families) are tried in that order; for named things
(readers, exporters, indexers, scorers) the first implementation called that gives a name wins, and
the listing keeps the built-ins first; routers are mounted built-ins first, so a plugin adds pages
but does not shadow the built-in ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # the item types live with the code that uses them
    import click
    from fastapi import APIRouter

    from opis.evaluate import Scorer
    from opis.export import Exporter
    from opis.readers import Reader
    from opis.readers.layouts import Layout
    from opis.readers.layouts.record import RecordFamily
    from opis.store.indexers import Indexer

PROJECT = "opis"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``opis`` click group: ``cli.add_command(my_command)``."""


@hookspec
def register_api_routers() -> list[APIRouter]:
    """FastAPI routers mounted under ``/api`` (the JSON API)."""


@hookspec
def register_views() -> list[APIRouter]:
    """FastAPI routers of server-rendered pages, mounted at the root."""


@hookspec
def register_readers() -> list[Reader]:
    """File-format readers (:class:`opis.readers.Reader`): a name, a label for messages, a
    ``read(path, data, options) -> RawDocument`` function and, for a new format, a
    ``sniff(path, head) -> bool`` that claims a file by its first bytes. The built-in formats are
    told apart by opis's own content sniffing; a plugin's sniffer is asked first."""


@hookspec
def register_layouts() -> list[Layout]:
    """Page-layout recognisers (:class:`opis.readers.layouts.Layout`), tried in order on the text
    a reader returned; the first whose ``recognise(raw)`` returns a RawDocument wins. When none
    does, the plain layout reads the page."""


@hookspec
def register_record_families() -> list[RecordFamily]:
    """Families of archive record pages (:class:`opis.readers.layouts.record.RecordFamily`), tried
    in order by the record layout; the first whose ``read(text)`` returns a RecordPage wins."""


@hookspec
def register_exporters() -> list[Exporter]:
    """Export formats (:class:`opis.export.Exporter`): a name, ``render(doc) -> str`` (``doc`` an
    :class:`opis.model.Document`, as :meth:`opis.Archive.get` returns it), the media type and
    file extension the web serves it with, and a label for the Cite panel. They are offered by ``opis export --format``, ``/api/documents/{id}/export`` and
    :meth:`opis.Archive.export`."""


@hookspec
def register_indexers() -> list[Indexer]:
    """Derived tables kept in step with the records (:class:`opis.store.indexers.Indexer`):
    ``write(conn, doc)`` adds a document's rows and ``delete(conn, doc_id)`` removes them, inside
    the transaction of the upsert. They run in the order given."""


@hookspec
def register_scorers() -> list[Scorer]:
    """Scorers of ``opis eval`` (:class:`opis.evaluate.Scorer`): ``score(gold, record) ->
    list[Tally]`` compares one gold file with its stored record."""
