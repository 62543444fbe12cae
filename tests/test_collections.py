"""Collections through ``opis.Archive`` and the command line (issue 17), on both engines: every
document stored before the migration is in the default public collection; a reader reads only
the documents of the collections they may see, and only what those documents make of entities,
claims, places, the timeline and the archive tree; the rule is one (``hidden_keys``) and who sees
everything pays nothing; ``opis ingest --collection`` and uploads put documents in collections."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from opis.archive import Archive
from opis.cli import cli
from opis.collections import ANONYMOUS, EVERYONE, Viewer, viewer_for
from opis.errors import NotFound


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _only_in(archive: Archive) -> tuple[str, dict]:
    """A document and an entity that only it mentions (the first such in id order)."""
    for e in archive.entities(limit=1000):
        if e["documents"] == 1 and e["type"] in ("PERSON", "ORG"):
            return archive.entity_documents(e["id"], 1)[0]["doc_id"], e
    raise AssertionError("the seeds have an entity only one document mentions")


def test_documents_stored_before_are_in_the_default_public_collection(seed_copy):
    with Archive(seed_copy) as a:
        rows = {c.name: c for c in a.collections()}
        assert list(rows) == ["public"]
        assert rows["public"].visibility == "public" and rows["public"].documents == a.count()
        doc = next(a.documents()).id
        assert a.document_collections(doc) == ["public"]


def test_a_reader_sees_only_what_the_visible_documents_make(seed_copy):
    with Archive(seed_copy) as a:
        doc, entity = _only_in(a)
        full = {"count": a.count(), "entities": {e["id"] for e in a.entities(limit=5000)},
                "claims": len(a.claims()), "places": a.count_places(), "tree": a.archive_tree(),
                "years": sum(y["documents"] for y in a.timeline_years()),
                "timeline": {i.get("doc_id") for i in a.timeline(limit=None)}}
        n_claims = len(a.get(doc).claims)
        a.add_collection("secret", visibility="restricted")
        a.add_user("gus", "reader", None)
        a.grant("secret", "gus")
        assert a.assign([doc], ["secret"]) == 1
        assert a.document_collections(doc) == ["secret"]  # (it left the default one)
        gus = a.user("gus").id
    with Archive(seed_copy, viewer=ANONYMOUS) as r:
        assert r.count() == full["count"] - 1 == r.list().total
        assert doc not in {d["id"] for d in r.list(limit=100).documents}
        for call in (lambda: r.get(doc), lambda: r.record(doc), lambda: r.entity(entity["id"]),
                     lambda: r.export(doc, "chicago")):
            try:
                call()
                raise AssertionError("the hidden document or entity was read")
            except NotFound:
                pass
        seen = {e["id"] for e in r.entities(limit=5000)}
        assert entity["id"] in full["entities"] - seen
        assert entity["id"] not in {s["id"] for s in r.suggest(entity["label"][:3], limit=50)}
        assert entity["id"] not in {e["id"] for e in r.entity_index(limit=5000)}
        assert len(r.claims()) == full["claims"] - n_claims
        assert sum(y["documents"] for y in r.timeline_years()) == full["years"] - 1
        assert doc not in {i.get("doc_id") for i in r.timeline(limit=None)}
        assert r.count_places() <= full["places"]
        for e in r.entities(limit=50):
            assert entity["id"] not in {c["id"] for c in r.cooccurring(e["id"], limit=200)}
            assert doc not in {d["doc_id"] for d in r.entity_documents(e["id"], limit=200)}
        assert all(doc[:12] not in text for text in r.export_all("csv").values())
        assert sum(n["documents"] for n in r.archive_tree()) <= sum(n["documents"] for n in full["tree"])
    with Archive(seed_copy, viewer=Viewer(gus, "gus")) as g:
        assert g.get(doc).id == doc and g.count() == full["count"]
        assert g.entity(entity["id"])["documents"] == 1
    with Archive(seed_copy, viewer=EVERYONE) as e:
        assert e.count() == full["count"] and not getattr(e.store, "shadowed", None)


def test_who_sees_everything_reads_the_tables_themselves(seed_copy):
    with Archive(seed_copy) as a:
        a.add_user("ada", "admin", None)
        a.add_user("rex", "reader", None)
        ada, rex = a.user("ada"), a.user("rex")
    assert viewer_for(ada, accounts=True).sees_all
    assert viewer_for(None, accounts=False).sees_all  # single-user mode
    assert viewer_for(rex, accounts=True, server=True).sees_all
    assert not viewer_for(rex, accounts=True).sees_all and not viewer_for(None, accounts=True).sees_all
    with Archive(seed_copy, viewer=viewer_for(rex, accounts=True)) as r:
        # no restricted collection: nothing is hidden, no view is made
        assert not getattr(r.store, "shadowed", None) and r.count() > 0


def test_cli_collections_and_ingest_into_a_collection(empty_db, seeds_dir):
    db = empty_db
    first = sorted(p for p in seeds_dir.iterdir() if p.is_file())[:2]
    assert run("ingest", first[0], "--db", db).exit_code == 0
    assert run("collections", "add", "secret", "--title", "Kept apart", "--db", db).output == "added secret (restricted)\n"
    bad = run("ingest", first[1], "--collection", "nope", "--db", db)
    assert bad.exit_code == 1 and "no collection named 'nope'" in bad.output
    assert run("ingest", first[1], "--collection", "secret", "--db", db).exit_code == 0
    listed = json.loads(run("collections", "list", "--json", "--db", db).output)
    assert {c["name"]: c["documents"] for c in listed} == {"public": 1, "secret": 1}
    with Archive(db) as a:
        a.add_user("gus", "reader", None)
        ids = [d["id"] for d in a.list().documents]
        secret = a.collection_documents("secret")
    assert run("collections", "grant", "secret", "gus", "--db", db).exit_code == 0
    shown = json.loads(run("collections", "show", "secret", "--json", "--db", db).output)
    assert shown["users"] == ["gus"] and shown["document_ids"] == secret
    # the file already stored, ingested again with --collection, is put in it too
    assert run("ingest", first[0], "--collection", "secret", "--db", db).exit_code == 0
    assert json.loads(run("collections", "show", "secret", "--json", "--db", db).output)["documents"] == 2
    assert run("collections", "unassign", "secret", *ids, "--db", db).output == "2 documents taken out of secret\n"
    with Archive(db) as a:
        assert {c.name: c.documents for c in a.collections()} == {"public": 2, "secret": 0}
    assert run("collections", "revoke", "secret", "gus", "--db", db).exit_code == 0
    assert run("collections", "visibility", "secret", "public", "--db", db).output == "secret is public\n"
    assert run("collections", "add", "Bad Name", "--db", db).exit_code == 1


def test_an_upload_goes_into_its_collection(empty_db, seeds_dir, tmp_path):
    path = sorted(p for p in seeds_dir.iterdir() if p.is_file())[0]
    with Archive(empty_db, files=tmp_path / "files") as a:
        a.add_collection("secret")
        try:
            a.upload("x.txt", io.BytesIO(b"text"), collections=["nope"])
            raise AssertionError("an unknown collection was taken")
        except NotFound:
            pass
        up = a.upload(path.name, io.BytesIO(path.read_bytes()), collections=["secret"])
        assert up.collections == "secret"
        done = a.process_uploads()
        assert done[0].status == "done"
        assert a.document_collections(done[0].doc_id) == ["secret"]
    with Archive(empty_db, files=tmp_path / "files", viewer=ANONYMOUS) as r:
        assert r.count() == 0 and r.search(path.stem.split("_")[0] or "the").total == 0


def test_a_rollback_neither_undoes_the_filter_nor_brings_it_back(seed_copy):
    from opis.store import Store

    with Archive(seed_copy) as a:
        doc = next(a.documents()).id
        total = a.count()
        a.add_collection("secret")
        a.assign([doc], ["secret"])
    store = Store(seed_copy, readonly=True, any_thread=True)
    try:
        store.begin_read()
        reader = Archive.over(store, viewer=ANONYMOUS)
        assert reader.count() == total - 1
        store.renew_read()  # (a search renews the request's snapshot: a rollback)
        assert reader.count() == total - 1 and doc not in {d["id"] for d in reader.list(limit=100).documents}
        reader.close()
        assert store.end_read()
        store.begin_read()
        assert Archive.over(store).count() == total  # (the same connection, for the next request)
        store.end_read()
    finally:
        store.close()


def _kept_and_recounted(archive: Archive) -> tuple[set, set]:
    conn = archive.store.conn
    kept = {tuple(r) for r in conn.execute(
        "SELECT entity_id, access_key, documents, mentions, discussed FROM entity_access WHERE documents <> 0")}
    recount = {tuple(r) for r in conn.execute(
        "SELECT x.entity_id, d.access_key, count(*), sum(x.mentions), sum(CASE WHEN x.discussed > 0 THEN 1 ELSE 0 END)"
        " FROM entity_docs x JOIN documents d ON d.id = x.doc_id GROUP BY x.entity_id, d.access_key")}
    return kept, recount


def test_entity_counts_by_access_key_follow_every_write(seed_copy, seeds_dir):
    with Archive(seed_copy) as a:
        assert len(set.__and__(*_kept_and_recounted(a))) > 100
        ids = [d["id"] for d in a.list().documents]
        a.add_collection("secret")
        steps = [lambda: a.assign(ids[:3], ["secret"]), lambda: a.assign(ids[:1], ["secret"], remove=True),
                 lambda: a.delete(ids[1]), lambda: list(a.ingest([seeds_dir], collections=["secret"])),
                 lambda: a.reindex()]
        for step in steps:
            step()
            kept, recount = _kept_and_recounted(a)
            assert kept == recount


def test_a_copy_between_engines_keeps_the_collections(seed_copy, pg_url, tmp_path):
    from opis.move import copy_archive

    with Archive(seed_copy) as a:
        doc = next(a.documents()).id
        total = a.count()
        a.add_collection("secret")
        a.add_user("gus", "reader", None)
        a.grant("secret", "gus")
        a.assign([doc], ["secret"])
    target = pg_url if "postgresql" not in seed_copy else str(tmp_path / "back.db")
    assert copy_archive(seed_copy, target).ok
    with Archive(target) as b:
        assert b.document_collections(doc) == ["secret"] and b.collection("secret").users == ["gus"]
        kept, recount = _kept_and_recounted(b)
        assert kept == recount
    with Archive(target, viewer=ANONYMOUS) as r:
        assert r.count() == total - 1
