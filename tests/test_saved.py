"""Saved searches (issue 17): what is new since the last visit, owners, and the Atom feed, on
both engines.

The oracle for "new" is independent of the code under test: the full search run before and
after an ingest (``Archive.search``, all hits), and the set of documents the ingest added.
The feed is parsed with lxml and checked against the rules of RFC 4287 (section numbers below).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from lxml import etree

from opis.accounts import User
from opis.archive import Archive
from opis.errors import NotFound, QuerySyntaxError
from opis.saved import SavedSearchError

PAGES = Path(__file__).parent / "data" / "pages"
ATOM = "{http://www.w3.org/2005/Atom}"
QUERY = "Soviet OR China OR Chinese"
#: RFC 3339 date-time (RFC 4287 3.3)
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
#: tag URI (RFC 4151): tag:authority,date:specific
TAG = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+$")


def _ids(archive: Archive, query: str) -> set[str]:
    return set(archive.search(query, limit=1000).ids)


def _ingest(archive: Archive, paths: list[Path]) -> set[str]:
    """Ingest ``paths`` (after a second, so their ingest time is later than a visit just made);
    the ids of the documents added."""
    time.sleep(1.05)
    return {r.id for r in archive.ingest(paths) if r.status == "added"}


@pytest.fixture()
def archive(seed_copy):
    with Archive(seed_copy) as a:
        yield a


def test_new_since_last_visit_is_what_the_ingest_added_and_the_query_matches(archive, tmp_path):
    pages = sorted(PAGES.glob("*.txt"))[:4]
    mine = tmp_path / pages[0].name  # a file that gets a new version later
    mine.write_text(pages[0].read_text(encoding="utf-8"), encoding="utf-8")
    batch = [mine, *pages[1:]]
    before = _ids(archive, QUERY)
    s = archive.save_search("broad", QUERY)
    assert [x.new for x in archive.saved_searches()] == [0]
    added = _ingest(archive, batch)
    expected = (_ids(archive, QUERY) - before) & added
    assert expected, "the pages must match the query for this test to say anything"
    assert len(expected) < len(_ids(archive, QUERY))
    [listed] = archive.saved_searches()
    assert listed.new == len(expected)
    new = archive.saved_new(s.id)
    assert {h["id"] for h in new["hits"]} == expected and new["total"] == len(expected)
    # a visit makes them old; ingesting the same files again adds nothing new
    archive.visit_saved(s.id)
    assert archive.saved_searches()[0].new == 0
    _ingest(archive, batch)
    assert archive.saved_searches()[0].new == 0
    # a new version of a file seen before is an update, not a new document
    mine.write_text(mine.read_text(encoding="utf-8") + "\nSoviet note added later.\n", encoding="utf-8")
    time.sleep(1.05)
    assert [r.status for r in archive.ingest([mine])] == ["updated"]
    assert archive.saved_searches()[0].new == 0


def test_documents_that_do_not_match_are_not_new(archive):
    s = archive.save_search("narrow", "Tacheng")
    added = _ingest(archive, sorted(PAGES.glob("*.txt"))[4:7])
    matching = _ids(archive, "Tacheng") & added
    assert archive.saved_search(s.id).name == "narrow"
    assert archive.saved_searches()[0].new == len(matching)
    assert {h["id"] for h in archive.saved_new(s.id)["hits"]} == matching


def test_names_queries_and_owners_are_checked(archive):
    ada = User(1, "ada", "reader", False, "")
    bob = User(2, "bob", "editor", False, "")
    mine = archive.save_search("mine", "Tacheng", user=ada)
    with pytest.raises(SavedSearchError):
        archive.save_search("mine", "Moscow", user=ada)
    archive.save_search("mine", "Moscow", user=bob)  # another owner may use the same name
    with pytest.raises(QuerySyntaxError):
        archive.save_search("broken", "Tacheng AND (", user=ada)
    with pytest.raises(SavedSearchError):
        archive.save_search("  ", "Tacheng", user=ada)
    for other in (bob, None):  # another user, and the local owner, do not see it
        with pytest.raises(NotFound):
            archive.saved_search(mine.id, user=other)
        with pytest.raises(NotFound):
            archive.remove_saved(mine.id, user=other)
    assert [s.name for s in archive.saved_searches(user=ada)] == ["mine"]
    assert archive.saved_searches() == []
    changed = archive.update_saved(mine.id, user=ada, name="renamed", query="Chuguchak")
    assert (changed.name, changed.query) == ("renamed", "Chuguchak")
    archive.remove_saved(mine.id, user=ada)
    assert archive.saved_searches(user=ada) == []


def _problems(xml: str) -> list[str]:
    """What breaks RFC 4287 in a feed (empty: none found)."""
    root = etree.fromstring(xml.encode("utf-8"))
    out = []
    if root.tag != ATOM + "feed":
        return [f"root is {root.tag}"]

    def one(el, name: str, where: str) -> etree._Element | None:
        found = el.findall(ATOM + name)
        if len(found) != 1:
            out.append(f"{where}: {len(found)} atom:{name} (4.1.1/4.1.2 want exactly one)")
            return None
        return found[0]

    def checks(el, where: str) -> None:
        ident = one(el, "id", where)
        if ident is not None and not TAG.match(ident.text or ""):
            out.append(f"{where}: id {ident.text!r} is not a tag: URI")
        one(el, "title", where)
        updated = one(el, "updated", where)
        if updated is not None and not RFC3339.match(updated.text or ""):
            out.append(f"{where}: updated {updated.text!r} is not RFC 3339")
        alternates = [ln for ln in el.findall(ATOM + "link") if ln.get("rel", "alternate") == "alternate"]
        if len({(ln.get("type"), ln.get("hreflang")) for ln in alternates}) != len(alternates):
            out.append(f"{where}: two alternate links of one type (4.1.1)")
        for ln in el.findall(ATOM + "link"):
            if not (ln.get("href") or "").startswith(("http://", "https://")):
                out.append(f"{where}: link href {ln.get('href')!r} is not absolute")

    checks(root, "feed")
    entries = root.findall(ATOM + "entry")
    if not root.findall(ATOM + "author") and any(not e.findall(ATOM + "author") for e in entries):
        out.append("feed: no atom:author and an entry without one (4.1.1)")
    for i, entry in enumerate(entries):
        checks(entry, f"entry {i}")
        if not entry.findall(ATOM + "content") and not [
                ln for ln in entry.findall(ATOM + "link") if ln.get("rel", "alternate") == "alternate"]:
            out.append(f"entry {i}: neither content nor an alternate link (4.1.1)")
    ids = [e.findtext(ATOM + "id") for e in entries]
    if len(set(ids)) != len(ids):
        out.append("two entries with one id")
    return out


def test_the_problem_finder_finds_problems():
    bad = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>yesterday</updated>'
           '<entry><id>urn:x</id><title>e</title><updated>2020-01-01T00:00:00Z</updated></entry></feed>')
    found = " ".join(_problems(bad))
    assert "0 atom:id" in found and "not RFC 3339" in found and "neither content" in found and "author" in found


def test_feed_is_valid_atom_lists_new_documents_and_needs_its_token(archive, tmp_path):
    s = archive.save_search("broad", QUERY)
    with pytest.raises(NotFound):
        archive.saved_feed(s.id, "opf_guess")
    token = archive.saved_feed_token(s.id)
    empty = archive.saved_feed(s.id, token, base="https://opis.example.org", host="opis.example.org")
    assert _problems(empty) == []
    added = _ingest(archive, sorted(PAGES.glob("*.txt"))[:3])
    xml = archive.saved_feed(s.id, token, base="https://opis.example.org", host="opis.example.org")
    assert _problems(xml) == []
    root = etree.fromstring(xml.encode())
    links = [e.find(ATOM + "link").get("href").rsplit("/", 1)[1] for e in root.findall(ATOM + "entry")]
    assert (_ids(archive, QUERY) & added) <= set(links)
    assert token not in xml.replace(f"token={token}", "")  # only in the self link
    # a new token replaces the old; revoking ends it
    newer = archive.saved_feed_token(s.id)
    with pytest.raises(NotFound):
        archive.saved_feed(s.id, token)
    archive.saved_feed(s.id, newer)
    archive.revoke_saved_feed(s.id)
    with pytest.raises(NotFound):
        archive.saved_feed(s.id, newer)


def test_untrusted_text_is_escaped_in_the_feed(archive, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text('Soviet <script>alert("x")</script> & ]]> \x01\x0b report\n\n'
                       "The Soviet consul wrote about <b>Tacheng</b> & its \x1f border.\n", encoding="utf-8")
    s = archive.save_search("broad", QUERY)
    token = archive.saved_feed_token(s.id)
    added = _ingest(archive, [hostile])
    assert added
    xml = archive.saved_feed(s.id, token, base="https://opis.example.org", host="opis.example.org")
    assert _problems(xml) == []
    root = etree.fromstring(xml.encode())
    texts = " ".join(e.findtext(ATOM + "title") + " " + (e.findtext(ATOM + "summary") or "")
                     for e in root.findall(ATOM + "entry"))
    assert "<script>" in texts or "<b>" in texts  # kept as text, never as markup
    assert root.find(f".//{ATOM}script") is None and root.find(".//script") is None


def test_cli_saved_add_list_show_feed_remove(seed_copy):
    from click.testing import CliRunner

    from opis.cli import cli

    run = CliRunner()

    def opis(*args: str):
        result = run.invoke(cli, [*args, "--db", seed_copy])
        assert result.exit_code == 0, result.output
        return result.output

    assert opis("saved", "add", "broad", QUERY).startswith("saved #")
    assert "\t0 new\t" in opis("saved", "list")
    bad = run.invoke(cli, ["saved", "add", "broken", "Tacheng AND (", "--db", seed_copy])
    assert bad.exit_code == 1 and "unclosed" in bad.output
    with Archive(seed_copy) as archive:
        before = _ids(archive, QUERY)
        added = _ingest(archive, sorted(PAGES.glob("*.txt"))[:4])
        expected = (_ids(archive, QUERY) - before) & added
        sid = archive.saved_searches()[0].id
    assert f"\t{len(expected)} new\t" in opis("saved", "list")
    shown = opis("saved", "show", str(sid), "--limit", "100")
    assert {line[2:].split("\t")[0] for line in shown.splitlines() if line.startswith("* ")} == expected
    assert "\t0 new\t" in opis("saved", "list")  # shown: seen
    url = opis("saved", "feed", str(sid), "--base", "https://opis.example.org").strip()
    assert url.startswith(f"https://opis.example.org/saved/{sid}/feed.atom?token=opf_")
    with Archive(seed_copy) as archive:
        assert _problems(archive.saved_feed(sid, url.split("token=")[1])) == []
    assert _problems(opis("saved", "feed", str(sid), "--xml")) == []
    opis("saved", "feed", str(sid), "--revoke")
    with Archive(seed_copy) as archive, pytest.raises(NotFound):
        archive.saved_feed(sid, url.split("token=")[1])
    opis("saved", "remove", str(sid))
    assert "no saved searches" in opis("saved", "list")


@pytest.mark.parametrize("backend", ["tantivy", "fts5"])
def test_search_within_ids_is_the_full_search_among_them(archive, backend):
    if backend == "fts5" and archive.store.conn.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    every = sorted(archive.store.ids())
    for query in ("Soviet", "Tacheng OR Moscow", "date:1945..1962"):
        full = set(archive.search(query, limit=1000, backend=backend).ids)
        for subset in (every[::2], every[1::2], every[:1]):
            got = archive.search(query, limit=1000, backend=backend, within=subset)
            assert set(got.ids) == full & set(subset) and got.total == len(full & set(subset)), (query, subset)
            types = dict(got.facets.get("doc_type") or [])
            assert sum(types.values()) <= got.total
    assert archive.search("Soviet", backend=backend, within=[]).total == 0
