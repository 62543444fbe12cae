"""Search end to end: a small archive of realistic records in both backends."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from opis.model import ArchivalRef, DateValue, Document, Entity, Mention, Provenance, Variant
from opis.search import expand, reindex, search
from opis.search.plan import build_plan
from opis.search.tantivy_index import TantivyBackend, index_dir, read_state

BACKENDS = ["tantivy", "fts5"]


def make_doc(doc_id: str, title: str, text: str, edtf: str, earliest: str, latest: str, **kw) -> Document:
    return Document(
        id=doc_id,
        title=title,
        text=text,
        date=DateValue(edtf=edtf, earliest=earliest, latest=latest),
        provenance=Provenance(path=f"/archive/{doc_id}.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                              format="text", reader="text"),
        **kw,
    )


def place(label: str, eid: str, *names: str) -> Entity:
    return Entity(id=eid, type="PLACE", label=label, variants=[Variant(n) for n in names])


def mention(text: str, surface: str, type_: str, eid: str | None = None) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, type_, entity_id=eid)


T1 = ("The NKVD reports that rebels took the main cities of Chuguchak and Dörbiljin. "
      "Border guards detained refugees crossing near Bakhty. <b>Not markup</b>.")
T2 = ("Пограничники задержали перебежчиков у Чугучака. В Синьцзяне продолжаются бои; "
      "отряд отошёл к границе.")
T3 = "Residents of Yili and Tacheng [Qoqek] counties crossed the border; 6,000 crossed on 22 April."
T4 = "Immediately strengthen the garrisons of our troops in Mukden and Changchun."
T5 = "塔城地区边境居民越境。 The exodus from 塔城 continued in May."


def corpus() -> list[Document]:
    return [
        make_doc("d1", "Report on the rebel movement in Xinjiang", T1, "1945-09-05", "1945-09-05", "1945-09-05",
                 doc_type="report", classification="Top Secret", languages=["en"], original_language="ru",
                 summary="Rebels seize Tarbaghatai District.",
                 translators=["Gary Goldberg"],
                 archival_refs=[ArchivalRef(raw="GARF, f. 9401, op. 2, d. 104", archive="GARF", fond="9401")],
                 entities=[place("Tacheng", "place:tacheng", "Chuguchak", "Qoqek")],
                 mentions=[mention(T1, "Chuguchak", "PLACE", "place:tacheng"),
                           mention(T1, "NKVD", "ORG", "org:nkvd")]),
        make_doc("d2", "Донесение о положении на границе", T2, "1931-03", "1931-03-01", "1931-03-31",
                 doc_type="report", languages=["ru"],
                 archival_refs=[ArchivalRef(raw="АП РК. Ф. 141. Оп. 1. Д. 2", archive="AP RK", fond="141")],
                 entities=[place("Tacheng", "place:tacheng")],
                 mentions=[mention(T2, "Чугучака", "PLACE", "place:tacheng")]),
        make_doc("d3", "Memorandum given to Vice Minister Zhang Hanfu", T3, "1962-04-24", "1962-04-24", "1962-04-24",
                 doc_type="memorandum", languages=["en"], original_language="zh",
                 archival_refs=[ArchivalRef(raw="PRC FMA 118-01764-05", archive="PRC FMA", fond="118")],
                 mentions=[mention(T3, "Tacheng", "PLACE", "place:tacheng"), mention(T3, "Yili", "PLACE", "place:ili")],
                 entities=[place("Tacheng", "place:tacheng"), place("Ili", "place:ili")]),
        make_doc("d4", "Antonov to Marshal Malinovsky", T4, "1945-11-16", "1945-11-16", "1945-11-16",
                 doc_type="telegram", classification="Special Importance", languages=["en"], original_language="ru",
                 archival_refs=[ArchivalRef(raw="RGASPI, f. 558, op. 11, d. 98", archive="RGASPI", fond="558")],
                 mentions=[mention(T4, "Mukden", "PLACE", "place:shenyang")],
                 entities=[place("Shenyang", "place:shenyang", "Mukden")]),
        make_doc("d5", "塔城边境报告", T5, "1962", "1962-01-01", "1962-12-31", doc_type="report", languages=["zh", "en"]),
    ]


@pytest.fixture()
def archive(store):
    for doc in corpus():
        store.upsert(doc)
    return store


@pytest.fixture()
def authority(monkeypatch):
    """A stand-in for opis.authority.variants with a few real entries (used through the same path)."""
    table = [
        ["Tacheng", "Chuguchak", "Qoqek", "Чугучак", "塔城"],
        ["Shenyang", "Mukden", "Шэньян", "沈阳"],
        ["Xinjiang", "Sinkiang", "Синьцзян"],
        ["Chiang Kai-shek", "Jiang Jieshi", "蒋介石"],
    ]

    def variants(term: str) -> list[str]:
        from opis.search.analysis import fold

        return [n for row in table if fold(term) in {fold(x) for x in row} for n in row]

    monkeypatch.setattr(expand, "_authority_variants", lambda: variants)
    expand.clear_cache()
    yield
    expand.clear_cache()


def engines_of(store) -> list[str]:
    """The search backends a store has: both on SQLite, tantivy alone on PostgreSQL."""
    return BACKENDS if store.conn.dialect.name == "sqlite" else ["tantivy"]


def sqlite_only(store) -> None:
    """Skip a test of FTS5's own rows on a PostgreSQL store (which has none)."""
    if store.conn.dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's; a PostgreSQL store searches with tantivy")


def ids(result) -> set[str]:
    return set(result.ids)


@pytest.mark.parametrize("backend", BACKENDS)
def test_words_phrases_operators(archive, backend):
    def q(query: str) -> set[str]:
        return ids(search(archive, query, backend=backend, exact=True))

    assert q("Chuguchak") == {"d1"}
    assert q("dorbiljin") == q("DÖRBILJIN") == {"d1"}  # diacritics and case folded
    assert q("crossed") == {"d1", "d3"}  # stemming: crossing / crossed
    assert q('"border guards"') == {"d1"}
    assert q('"guards border"') == set()
    assert q("border -refugees") == {"d3"}
    assert q("Mukden OR Qoqek") == {"d3", "d4"}
    assert q("garri*") == {"d4"}
    # a prefix longer than the stem of the words it starts (refugees -> refuge, границе -> границ)
    assert q("refugee*") == q("refugees*") == {"d1"}
    assert q("crossi*") == {"d1", "d3"}  # crossing, and crossed: both are indexed as "cross"
    assert q("границе*") == q("Чугучака*") == {"d2"}
    assert q("border -refugee*") == {"d3"}
    assert q("refugeez*") == set()
    assert q("(Yili OR Mukden) troops") == {"d4"}
    assert q("nothing-like-this") == set()


@pytest.mark.parametrize("backend", BACKENDS)
def test_phrases_need_the_words_together_in_one_field(store, backend):
    """tantivy finds a phrase through its word pairs; the result must be the positional one."""
    store.upsert(make_doc("p1", "Border incident", "Border guards crossed the river at dawn.", "1950", "1950-01-01",
                          "1950-12-31"))
    store.upsert(make_doc("p2", "Guards report", "Border guards stayed. The guards crossed later; the river rose.",
                          "1950", "1950-01-01", "1950-12-31"))
    store.upsert(make_doc("p3", "Report from the river crossing", "Troops at the border.", "1950", "1950-01-01",
                          "1950-12-31", summary="Crossing the border"))

    def q(query: str) -> set[str]:
        return ids(search(store, query, backend=backend, exact=True))

    assert q('"border guards"') == {"p1", "p2"}
    assert q('"guards crossed"') == {"p1", "p2"}
    assert q('"border guards crossed"') == {"p1"}  # p2 has both pairs, never the three words in a row
    assert q('"border guards crossed the river"') == {"p1"}
    assert q('"crossed river"') == set()
    assert q('"crossing border"') == set()  # title ends "crossing", summary starts "Crossing the border"
    assert q('"crossing the border"') == {"p3"}
    assert q('"incident border"') == set()  # the end of the title and the start of the text


def test_sample_levels_halve():
    from opis.search.tantivy_index import sample_level

    levels = [sample_level(f"doc-{i}") for i in range(40_000)]
    for k in (1, 3, 5):
        share = sum(1 for v in levels if v >= k) / len(levels)
        assert abs(share - 2**-k) < 0.2 * 2**-k


@pytest.mark.parametrize("backend", BACKENDS)
def test_russian_and_chinese(archive, backend):
    def q(query: str) -> set[str]:
        return ids(search(archive, query, backend=backend, exact=True))

    assert q("пограничник") == {"d2"}  # stem of "Пограничники"
    assert q("граница") == {"d2"}  # "к границе"
    assert q("отошел") == {"d2"}  # ё folded to е
    assert q("塔城") == {"d5"}
    assert q("边境") == {"d5"}
    assert q("塔城地区") == q('"塔城地区"') == {"d5"}  # a run of characters is a phrase of bigrams
    assert q("地区塔城") == set()


@pytest.mark.parametrize("backend", BACKENDS)
def test_field_filters_and_dates(archive, backend):
    def q(query: str) -> set[str]:
        return ids(search(archive, query, backend=backend, exact=True))

    assert q("place:Tacheng") == {"d1", "d2", "d3"}
    assert q("place:Chuguchak") == {"d1"}  # a surface of the mention, no authority needed
    assert q("org:NKVD") == {"d1"}
    assert q("archive:RGASPI") == {"d4"}
    assert q('archive:"AP RK"') == {"d2"}
    assert q("fond:558") == {"d4"}
    assert q("lang:ru") == q("lang:Russian") == {"d1", "d2", "d4"}
    assert q("lang:zh") == {"d3", "d5"}
    assert q("class:secret") == {"d1"}
    assert q('class:"special importance"') == {"d4"}
    assert q("type:telegram") == {"d4"}
    assert q("translator:Goldberg") == {"d1"}
    assert q("date:1945") == {"d1", "d4"}
    assert q("date:1945-09") == {"d1"}
    assert q("date:1945..1962") == {"d1", "d3", "d4", "d5"}
    assert q("date:1962-05") == {"d5"}  # a document dated 1962 overlaps May 1962
    assert q("date:..1940") == {"d2"}
    assert q("date:1930s") == {"d2"}
    assert q("border date:1960..") == {"d3"}
    assert q("type:report -lang:ru") == {"d5"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_facets_and_total(archive, backend):
    result = search(archive, "date:1900..2000", backend=backend, limit=2)
    assert result.total == 5 and len(result.hits) == 2
    f = dict((k, dict(v)) for k, v in result.facets.items())
    assert f["year"] == {"1931": 1, "1945": 2, "1962": 2}
    assert f["decade"] == {"1930s": 1, "1940s": 2, "1960s": 2}
    assert f["place"]["Tacheng"] == 3 and f["place"]["Shenyang"] == 1
    assert f["archive"] == {"GARF": 1, "AP RK": 1, "PRC FMA": 1, "RGASPI": 1}
    assert f["doc_type"] == {"report": 3, "memorandum": 1, "telegram": 1}
    assert f["classification"] == {"Top Secret": 1, "Special Importance": 1}
    assert f["language"]["Russian"] == 3 and f["language"]["Chinese"] == 2
    assert f["org"] == {"NKVD": 1}
    counts_only = search(archive, "date:1900..2000", backend=backend, limit=0)
    assert counts_only.total == 5 and counts_only.hits == [] and counts_only.facets == result.facets
    assert search(archive, "date:1900..2000", backend=backend, offset=4).ids and not search(
        archive, "date:1900..2000", backend=backend, offset=5).hits
    narrowed = search(archive, "date:1945", backend=backend)
    assert dict(narrowed.facets["doc_type"]) == {"report": 1, "telegram": 1}


@pytest.mark.parametrize("backend", BACKENDS)
def test_ranking_boosts_title_and_snippets_mark_matches(archive, backend):
    result = search(archive, "Xinjiang OR rebels", backend=backend, exact=True)
    assert result.hits[0].id == "d1"  # "Xinjiang" only in its title
    hit = search(archive, "refugees", backend=backend).hits[0]
    assert "<mark>refugees</mark>" in hit.snippet
    assert "&lt;b&gt;Not <mark>markup</mark>" in search(archive, "markup", backend=backend).hits[0].snippet
    assert "<mark>Dörbiljin</mark>" in search(archive, "Dorbiljin", backend=backend).hits[0].snippet


@pytest.mark.parametrize("backend", BACKENDS)
def test_variant_expansion_across_scripts(archive, authority, backend):
    for query in ("Tacheng", "Chuguchak", "Qoqek", "Чугучак", "塔城"):
        result = search(archive, query, backend=backend)
        assert ids(result) == {"d1", "d2", "d3", "d5"}, query
        assert set(result.expanded) >= {"Chuguchak", "Qoqek", "Чугучак", "塔城", "Tacheng"} - {query}
    assert ids(search(archive, "Shenyang", backend=backend)) == {"d4"}
    assert ids(search(archive, "Tacheng", backend=backend, exact=True)) == {"d3"}
    assert search(archive, "Tacheng", backend=backend, exact=True).expanded == []
    # a place filter also takes the variants; other words stay as they are
    assert ids(search(archive, "place:Qoqek", backend=backend)) == {"d1", "d2", "d3"}
    assert ids(search(archive, "Chuguchak border", backend=backend)) == {"d1", "d3"}
    assert ids(search(archive, "Chuguchak refugees", backend=backend)) == {"d1"}
    assert ids(search(archive, "-Chuguchak border", backend=backend)) == set()


def test_multi_word_names_expand_as_one_name(store, authority):
    store.upsert(make_doc("c1", "Telegram", "Jiang Jieshi left Chongqing.", "1945", "1945-01-01", "1945-12-31"))
    store.upsert(make_doc("c2", "电报", "蒋介石离开重庆。", "1945", "1945-01-01", "1945-12-31"))
    store.upsert(make_doc("c3", "Letter", "Chiang wrote about Kai-shek's rival.", "1945", "1945-01-01", "1945-12-31"))
    for backend in engines_of(store):
        result = search(store, "Chiang Kai-shek", backend=backend)
        assert ids(result) == {"c1", "c2"}  # a recognised name is matched as a name, not as loose words
        assert result.expansions == {"Chiang Kai-shek": ["Jiang Jieshi", "蒋介石"]}
        assert ids(search(store, "Chiang Kai-shek", backend=backend, exact=True)) == {"c3"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_index_follows_update_and_delete(archive, backend):
    assert ids(search(archive, "garrisons", backend=backend)) == {"d4"}
    doc = archive.get("d4")
    doc.text = "Withdraw the garrison from Port Arthur by December."
    doc.provenance.sha256 = hashlib.sha256(doc.text.encode()).hexdigest()
    assert archive.upsert(doc) == "updated"
    assert ids(search(archive, "Changchun", backend=backend)) == set()
    assert ids(search(archive, "Arthur", backend=backend)) == {"d4"}
    assert ids(search(archive, "garrisons", backend=backend)) == {"d4"}
    archive.delete("d4")
    assert ids(search(archive, "Arthur", backend=backend)) == set()
    assert search(archive, "date:1900..2000", backend=backend).total == 4
    rows = archive.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    if archive.conn.dialect.name != "sqlite":
        assert rows == 0
        return
    fts_rows = archive.conn.execute("SELECT count(*) FROM search_fts").fetchone()[0]
    # FTS5 rows are kept only once FTS5 has been chosen; tantivy reads the documents themselves
    assert rows == fts_rows == (4 if backend == "fts5" else 0)


def test_tantivy_is_in_step_after_a_crash(archive):
    engine = TantivyBackend(archive)
    path = index_dir(archive)
    assert engine.ids() == {"d1", "d2", "d3", "d4", "d5"}
    old_state = (path / "state.json").read_text()
    archive.delete("d5")
    archive.upsert(make_doc("d6", "New", "Kuldja burned.", "1944", "1944-01-01", "1944-12-31"))
    assert TantivyBackend(archive).ids() == {"d1", "d2", "d3", "d4", "d6"}
    # a crash after tantivy committed but before the state was written: the journal replays
    (path / "state.json").write_text(old_state)
    replayed = TantivyBackend(archive)
    assert replayed.ids() == {"d1", "d2", "d3", "d4", "d6"}
    assert replayed.index.searcher().num_docs == 5
    assert read_state(path)["seq"] == archive.last_seq()
    # a lost or foreign state, or a lost index: rebuilt from the store
    (path / "state.json").unlink()
    assert TantivyBackend(archive).ids() == {"d1", "d2", "d3", "d4", "d6"}
    state = json.loads((path / "state.json").read_text())
    (path / "state.json").write_text(json.dumps({**state, "db": "another-database"}))
    assert ids(search(archive, "Kuldja")) == {"d6"}
    from opis.search.tantivy_index import drop

    drop(archive)
    shutil.rmtree(path, ignore_errors=True)
    assert ids(search(archive, "Kuldja", backend="tantivy")) == {"d6"}


def test_reindex_rebuilds_both_indexes(archive):
    sqlite_only(archive)
    def fts_rows() -> int:
        return archive.conn.execute("SELECT count(*) FROM search_fts").fetchone()[0]

    assert fts_rows() == 0  # tantivy is the default engine: no FTS5 row is kept for it
    assert search(archive, "Mukden", backend="fts5").total == 1  # built when FTS5 is first chosen
    assert fts_rows() == 5
    archive.conn.execute("DELETE FROM search_fts")
    archive.conn.execute("DELETE FROM search_docs")
    archive.conn.commit()
    assert search(archive, "Mukden", backend="fts5").total == 0
    assert reindex(archive) == {"fts5": 5, "tantivy": 5}
    for backend in BACKENDS:
        assert ids(search(archive, "Mukden", backend=backend, exact=True)) == {"d4"}
    # hits are named by document id: rebuilding the FTS5 rows leaves the tantivy index alone
    doc = archive.get("d4")
    doc.summary = "Garrisons for Mukden."
    doc.provenance.sha256 = hashlib.sha256(b"d4 again").hexdigest()
    archive.upsert(doc)
    before = search(archive, "Mukden", backend="tantivy", exact=True).hits[0]
    assert reindex(archive, "fts5") == {"fts5": 5}
    after = search(archive, "Mukden", backend="tantivy", exact=True).hits[0]
    assert (after.id, after.title, after.snippet) == (before.id, before.title, before.snippet)
    # choosing tantivy drops the FTS5 rows; searching FTS5 again builds them again
    assert reindex(archive, "tantivy") == {"tantivy": 5}
    assert fts_rows() == 0
    assert ids(search(archive, "Mukden", backend="fts5", exact=True)) == {"d4"}
    assert fts_rows() == 5


def test_cli_search_json_and_errors(archive):
    from opis.cli import cli

    db = archive.path
    backend = engines_of(archive)[-1]  # (fts5 on SQLite; tantivy, the only one, on PostgreSQL)
    archive.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "refugees date:1945", "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) == {"query", "expanded", "total", "hits", "facets", "approximate"}
    assert data["total"] == 1 and data["hits"][0]["id"] == "d1"
    assert set(data["hits"][0]) == {"id", "title", "date", "score", "snippet"}
    assert data["facets"]["year"] == [["1945", 1]]
    text = runner.invoke(cli, ["search", "border", "--db", db, "--backend", backend, "--limit", "1"])
    assert text.exit_code == 0 and text.output.startswith("1-1 of 2 documents")
    bad = runner.invoke(cli, ["search", '"border', "--db", db])
    assert bad.exit_code == 2
    assert "unclosed quote" in bad.output and "Traceback" not in bad.output
    re = runner.invoke(cli, ["reindex", "--db", db])
    assert re.exit_code == 0 and f"{backend}: 5 documents" in re.output


def town_records(n: int) -> list[dict]:
    """n report records: 40% from Tacheng, 30% Yining, 20% Shenyang, 10% Harbin; every tenth
    mentions an exodus; years 1930-1959 in turn."""
    towns = [("Tacheng", "Chuguchak"), ("Yining", "Kulja"), ("Shenyang", "Mukden"), ("Harbin", "Harbin")]
    records = []
    for i in range(n):
        label, surface = towns[(0, 0, 0, 0, 1, 1, 1, 2, 2, 3)[i % 10]]
        text = f"Border guards report {i} from {surface}: families crossed the river with their herds."
        if i % 10 == 0:
            text += " The exodus continued."
        records.append({
            "id": f"s{i:05d}", "title": f"Report {i} from {surface}", "text": text, "doc_type": "report",
            "date": {"edtf": str(1930 + i % 30), "earliest": f"{1930 + i % 30}-01-01", "latest": f"{1930 + i % 30}-12-31"},
            "entities": [{"id": "place:" + label.lower(), "type": "PLACE", "label": label}],
            "mentions": [{"start": 0, "end": 1, "surface": surface, "type": "PLACE", "entity_id": "place:" + label.lower()}],
            "provenance": {"path": f"/s/{i}.txt", "sha256": f"{i:064d}", "format": "text", "reader": "text"},
        })
    return records


def test_a_large_rebuild_ends_as_one_segment(store, monkeypatch):
    """A rebuild above PART_MIN commits in MERGE_PARTS parts, which tantivy merges into one
    segment; the results are those of FTS5."""
    from opis.search import bulk_load
    from opis.search import tantivy_index as ti

    bulk_load(store, town_records(1200), batch=500, all_indexers=False)
    monkeypatch.setattr(ti, "PART_MIN", 100)
    commits = []
    real_writer = ti.TantivyBackend._writer

    def counting_writer(self, *args):
        writer = real_writer(self, *args)

        class Counted:
            def __getattr__(self, name):
                return getattr(writer, name)

            def commit(self):
                commits.append(1)
                return writer.commit()

        return Counted()

    monkeypatch.setattr(ti.TantivyBackend, "_writer", counting_writer)
    engine = ti.TantivyBackend(store, sync=False)
    assert engine.rebuild() == 1200
    assert len(commits) == ti.MERGE_PARTS
    assert engine.index.searcher().num_segments == 1
    if store.conn.dialect.name != "sqlite":
        return  # (no FTS5 to compare with)
    for query in ("border", "exodus", "Kulja OR Mukden", '"families crossed"', "report date:1935..1939"):
        a, b = search(store, query, backend="tantivy"), search(store, query, backend="fts5")
        assert a.total == b.total > 0 and a.facets["place"] == b.facets["place"], query


def test_broad_queries_count_facets_on_a_sample(store, monkeypatch):
    """Above EXACT_LIMIT matches, totals and facets come from a fixed sample, scaled and flagged."""
    from opis.search import bulk_load
    from opis.search import tantivy_index as ti

    assert bulk_load(store, town_records(3000), batch=500, all_indexers=False) == 3000
    exact = search(store, "border", backend="tantivy")
    assert exact.total == 3000 and not exact.approximate
    monkeypatch.setattr(ti, "EXACT_LIMIT", 500)
    monkeypatch.setattr(ti, "SAMPLE_TARGET", 600)
    broad = search(store, "border", backend="tantivy")
    assert broad.approximate
    assert abs(broad.total - 3000) < 300
    counts = dict(broad.facets["place"])
    assert dict(exact.facets["place"]) == {"Tacheng": 1200, "Yining": 900, "Shenyang": 600, "Harbin": 300}
    assert max(counts, key=counts.get) == "Tacheng" and abs(counts["Tacheng"] - 1200) < 200
    narrow = search(store, "exodus", backend="tantivy")  # 300 matches: counted exactly
    assert narrow.total == 300 and not narrow.approximate
    assert search(store, "border exodus date:1930", backend="tantivy").total == 100
    # from COPY_LEVEL on the sample is read from the copied fields: the same documents
    import tantivy

    engine = ti.TantivyBackend(store)
    searcher = engine.index.searcher()
    for query in ("border", '"families crossed"', "exodus OR Kulja", "border -exodus date:1930..1945", "herd*"):
        node = build_plan(query).root
        match = engine.compile(node)
        for level in (ti.COPY_LEVEL, ti.COPY_LEVEL + 1, ti.COPY_LEVEL + 2):
            plain = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, match),
                (tantivy.Occur.Must, tantivy.Query.term_query(ti.SCHEMA, "sample", f"s{level}"))])
            sampled = engine._sampled(node, match, level)
            assert searcher.search(sampled, 1).count == searcher.search(plain, 1).count > 0, (query, level)
    # the total stays exact; the estimated counts are marked as such
    from opis.cli import cli

    out = CliRunner().invoke(cli, ["search", "border", "--db", store.path, "--backend", "tantivy"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("1-10 of 3000 documents")
    assert "facet counts estimated from a sample" in out.output and "Tacheng (~" in out.output


def test_a_search_sees_what_another_process_indexed(archive):
    import subprocess
    import sys

    assert ids(search(archive, "Kuldja", backend="tantivy")) == set()
    script = (
        "import sys; sys.path.insert(0, 'tests'); from test_search import make_doc; "
        "from opis.store import Store; from opis.search import search; "
        f"s = Store({archive.path!r}); "
        "s.upsert(make_doc('p1', 'Kuldja report', 'Kuldja burned in the night.', '1944', '1944-01-01', '1944-12-31')); "
        "assert search(s, 'Kuldja', backend='tantivy').total == 1"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=str(Path(__file__).resolve().parent.parent))
    assert ids(search(archive, "Kuldja", backend="tantivy")) == {"p1"}


def test_a_forked_child_counts_facets_with_its_own_threads(archive):
    """A server that forks workers after searching (pre-fork) must not hang on facet counting."""
    import multiprocessing as mp

    assert search(archive, "border", backend="tantivy").facets["year"]  # the parent's threads exist now
    ctx = mp.get_context("fork")
    queue = ctx.Queue()

    def child(q):
        q.put(search(archive, "border", backend="tantivy").total)

    proc = ctx.Process(target=child, args=(queue,))
    proc.start()
    proc.join(30)
    if proc.is_alive():
        proc.terminate()
    assert proc.exitcode == 0 and queue.get(timeout=5) == 2


def test_an_older_database_gets_its_word_list_from_reindex(archive):
    """Prefix queries longer than a stem need the word list, which a database that held
    documents before it existed gets from `opis reindex` (the CLI says so). FTS5 keeps the list
    in the database; tantivy keeps its own in the index."""
    from opis.cli import cli
    from opis.search import words

    sqlite_only(archive)
    assert search(archive, "refugee*", backend="fts5").total == 1  # the FTS5 rows and words built
    assert not words.pending(archive.conn)
    archive.conn.execute("DELETE FROM search_words")
    archive.conn.execute("INSERT INTO search_meta (key, value) VALUES (?, '1')", (words.PENDING,))
    archive.conn.commit()
    assert search(archive, "refugee*", backend="fts5").total == 0
    assert search(archive, "refugee*", backend="tantivy").total == 1  # its own list
    db = archive.path
    archive.close()
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "refugee*", "--db", db, "--backend", "fts5"])
    assert out.exit_code == 0 and "opis reindex" in out.output
    assert "opis reindex" not in runner.invoke(cli, ["search", "refugees", "--db", db]).output
    assert runner.invoke(cli, ["reindex", "--db", db]).exit_code == 0
    out = runner.invoke(cli, ["search", "refugee*", "--db", db, "--backend", "fts5"])
    assert out.output.startswith("1-1 of 1 documents") and "opis reindex" not in out.output


@pytest.mark.parametrize("backend", BACKENDS)
def test_word_list_of_a_bulk_load(store, backend):
    from opis.search import bulk_load, get_backend, words

    engine = get_backend(store, backend)  # (FTS5: chosen first, so its rows follow every write)
    bulk_load(store, town_records(50), batch=20, all_indexers=False)
    if backend == "fts5":
        rows = dict(store.conn.execute("SELECT word, term FROM search_words").fetchall())
        assert rows["families"] == "famili" and rows["crossed"] == "cross" and "border" not in rows
        listed = lambda prefix: words.terms_for_prefix(store.conn, prefix)  # noqa: E731
    else:
        assert store.conn.execute("SELECT count(*) FROM search_words").fetchone()[0] == 0
        engine.sync()
        listed = engine.terms_for_prefix
    assert listed("crosse") == ("cross",)
    assert listed("cross") == ()  # "cross" itself starts with it
    assert search(store, "familie*", backend=backend).total == 50


@pytest.mark.parametrize("backend", BACKENDS)
def test_hits_are_read_from_the_state_the_index_was_searched_in(archive, backend, monkeypatch):
    """A document deleted by another process while a search runs: its title and text are read
    in the search's own snapshot, so the hit still shows the document that matched."""
    from opis.search.sqlite_index import FTS5Backend
    from opis.store import Store

    assert ids(search(archive, "exodus", backend=backend)) == {"d5"}
    engine = FTS5Backend if backend == "fts5" else TantivyBackend
    real_run = engine.run

    def run_while_another_process_writes(self, *args, **kwargs):
        raw = real_run(self, *args, **kwargs)
        with Store(archive.path) as other:
            other.delete("d5")
            other.upsert(make_doc("d6", "Harvest report", "The harvest in Ili was good.", "1950", "1950-01-01",
                                  "1950-12-31"))
        return raw

    monkeypatch.setattr(engine, "run", run_while_another_process_writes)
    hit = search(archive, "exodus", backend=backend).hits[0]
    assert hit.id == "d5" and "<mark>exodus</mark>" in hit.snippet
    monkeypatch.undo()
    assert ids(search(archive, "exodus", backend=backend)) == set()
    assert ids(search(archive, "harvest", backend=backend)) == {"d6"}


def test_an_index_ahead_of_a_readers_snapshot_is_not_rebuilt(archive, tmp_path, monkeypatch):
    """A reader whose read transaction began before another process indexed a newer change sees
    the index's state ahead of its snapshot: it searches the index as it is (hits beyond the
    snapshot have no row there) and never rebuilds it at the older state."""
    from opis.store import Store

    TantivyBackend(archive).sync()
    reader = Store(archive.path, index=index_dir(archive))
    reader.conn.execute("BEGIN")
    reader.conn.execute("SELECT count(*) FROM changes").fetchone()  # the snapshot starts here
    archive.upsert(make_doc("d7", "Later", "Kuldja again.", "1945", "1945-01-01", "1945-12-31"))
    TantivyBackend(archive).sync()  # another process brings the index to the newer change
    assert read_state(index_dir(archive))["seq"] > reader.conn.execute("SELECT max(seq) FROM changes").fetchone()[0]

    def no_rebuild(self, *a, **k):
        raise AssertionError("rebuilt an index that was ahead of the snapshot")

    monkeypatch.setattr(TantivyBackend, "rebuild", no_rebuild)
    engine = TantivyBackend(reader)
    assert engine.sync() == 0
    reader.conn.execute("ROLLBACK")
    reader.close()
