"""CLI commands for search: ``opis search QUERY``, ``opis related ID`` and ``opis reindex``."""

from __future__ import annotations

import sys

import click

from opis.cli.options import db_option, echo_json, fail, json_option, open_db
from opis.display import for_terminal
from opis.errors import OpisError, QuerySyntaxError

BACKEND_CHOICE = click.Choice(["tantivy", "fts5"])


def register(cli: click.Group) -> None:
    """Add the ``search`` and ``reindex`` commands to the CLI."""
    cli.add_command(search_cmd)
    cli.add_command(reindex_cmd)
    cli.add_command(related_cmd)


@click.command("search")
@click.argument("query")
@db_option
@json_option
@click.option("--limit", type=click.IntRange(0, 1000), default=10, show_default=True, help="Hits to show.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Hits to skip.")
@click.option("--exact", is_flag=True, help="Do not expand names to their variants in other scripts.")
@click.option("--backend", type=BACKEND_CHOICE, default=None, help="Search engine (default: tantivy, or $OPIS_SEARCH_BACKEND).")
@click.option("--mode", type=click.Choice(["words", "meaning", "hybrid"]), default="words", show_default=True,
              help="words; meaning (passages close in meaning, any language); hybrid (both fused).")
def search_cmd(query, db, as_json, limit, offset, exact, backend, mode):
    """Search the archive: words, "phrases", AND/OR/NOT/-word, prefix*, field filters.

    \b
    Examples:
      opis search Chuguchak
      opis search '"border guards" date:1962 -Moscow'
      opis search 'Tacheng place:Ili type:memorandum' --json
      opis search '~"беженцы из Синьцзяна"'          (by meaning, across languages)
      opis search 'date:1945 ~"rebels took the district"'
    Fields: place: person: org: archive: fond: lang: class: type: translator:
    date:1945  date:1945-08  date:1945..1962  date:1940s
    """
    from opis.search import search, words
    from opis.search.snippets import plain

    store = open_db(db)
    try:
        result = search(store, query, limit=limit, offset=offset, exact=exact, backend=backend, mode=mode)
        stale_words = "*" in query and words.pending_in(store)
    except QuerySyntaxError as exc:
        if exc.position is not None and exc.query and not as_json:
            from opis.search.query import caret_lines

            shown, caret = caret_lines(exc.query, exc.position)
            click.echo(f"  {shown}\n  {caret}", err=True)
        fail(str(exc), code=2)
    except OpisError as exc:
        fail(str(exc))
    finally:
        store.close()
    if as_json:
        echo_json(result.to_dict())
        return
    shown = f"{offset + 1}-{offset + len(result.hits)} of " if result.hits else ""
    click.echo(f"{shown}{result.total} documents")
    if stale_words:
        click.echo("  (this database's word list for prefix queries is not built yet: run 'opis reindex')")
    for term, names in result.expansions.items():
        click.echo(f"  {term} also matched: {', '.join(names)}")
    for hit in result.hits:
        click.echo(f"\n{hit.id[:12]}  {hit.date or '----'}  {for_terminal(hit.title or '(untitled)')}")
        if hit.snippet:  # controls shown as escapes first; then only opis's own colours are added
            click.echo(f"    {plain(for_terminal(hit.snippet), color=sys.stdout.isatty())}")
    facets = [(name, values) for name, values in result.facets.items() if values and name != "year"]
    if facets and result.total:
        about = "~" if result.approximate else ""
        click.echo("\nfacet counts estimated from a sample of the matches:" if result.approximate else "")
        for name, values in facets:
            click.echo(f"{name}: " + ", ".join(f"{for_terminal(str(label))} ({about}{n})" for label, n in values[:8]))


@click.command("reindex")
@db_option
@click.option("--backend", type=BACKEND_CHOICE, default=None, help="Rebuild only this index (default: both).")
@click.option("--vectors", is_flag=True,
              help="Embed the passages of new and changed documents and rebuild the index of meaning (only that).")
def reindex_cmd(db, backend, vectors):
    """Rebuild the search index from the stored records."""
    from opis.search import reindex

    store = open_db(db)
    try:
        if vectors:
            from opis.archive import Archive

            counts = Archive.over(store).index_vectors()
        else:
            counts = reindex(store, backend=backend)
    except OpisError as exc:
        fail(str(exc))
    finally:
        store.close()
    if vectors:
        click.echo(f"passages of {counts['documents']} documents embedded; {counts['passages']} passages indexed")
        return
    click.echo(", ".join(f"{name}: {n} documents" for name, n in counts.items()))


@click.command("related")
@click.argument("doc_id")
@db_option
@json_option
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Documents to show.")
def related_cmd(doc_id, db, as_json, limit):
    """Documents that tell the same story as DOC_ID (an id or unique prefix): by close passages
    in any language, shared entities and overlapping dates, with the passages that link them.

    \b
    Example:
      opis related 663f7283
    """
    from opis.archive import Archive

    store = open_db(db)
    try:
        found = Archive.over(store).related(doc_id, limit=limit)
    except OpisError as exc:
        fail(str(exc))
    finally:
        store.close()
    if as_json:
        echo_json([r.to_dict() for r in found])
        return
    click.echo(f"{len(found)} related documents")
    for r in found:
        click.echo(f"\n{r.id[:12]}  {r.date or '----'}  {for_terminal(r.title or '(untitled)')}")
        click.echo(f"    score {r.score:.2f} · passages {r.similarity:.2f} · dates {r.date_overlap:.2f}"
                   + (f" · shared: {', '.join(for_terminal(e) for e in r.entities[:5])}" if r.entities else ""))
        if r.this and r.that:
            click.echo(f"    this: {for_terminal(r.this.text)}")
            click.echo(f"    that: {for_terminal(r.that.text)}")
