"""Synthetic archive for the web benchmark: N records made from real ingested documents.

    from synth import build, template_store, load_templates   # (bench/ on sys.path)
    report = build("/tmp/opis-web-10000.db", 10_000, load_templates(template_store()))

**Templates.** The real documents in the repository — the seeds (``examples/corpus``), the dev
record pages (``tests/data/dev/corpus``) and the record pages of ``tests/data/pages*`` — are
ingested once with the full pipeline into a template database, cached under
``~/.cache/opis-bench`` (``OPIS_BENCH_CACHE``) and keyed by a hash of the source (``src/opis``)
and of the template files, so a change to the pipeline makes new templates. They are read back
as :class:`opis.model.Document` objects; a template of 5,000 characters or more is an *article*,
the rest *record pages*.

**Synthesis.** Document ``i`` is a template (a record page, or an article with probability
``articles``, 5% by default) with:

- a new id, path, sha256, record id (``<template's>.<i>`` when it has one) and source URL;
- its date moved to a year drawn uniformly from 1900–1991 (the same shift for the document's
  dates, its claims' and events' dates and the years in its title; undated templates stay
  undated); the text keeps the template's wording of dates;
- its entities redrawn: each distinct entity of the template is kept with probability
  ``KEEP[type]`` (so the template's real authority entities — ``place:soviet-union``,
  ``place:china``, ``person:nikita-khrushchev`` … — stay in a share of all documents close to
  their share of the templates), and is otherwise replaced by an entity drawn from a Zipf
  distribution (exponent ``ZIPF_S``) over a vocabulary that grows with N (``vocab_sizes``):
  synthetic people, organisations and units, and for places either an authority place of the
  gazetteer (with coordinates, for the map) or a synthetic place. Most entities are therefore
  rare and a few are in a large share of the documents. Every mention of a replaced entity in
  the body has its words replaced by the new entity's label in the text, and every span of
  the record (mentions, claims and their quantities, subjects and dates, events, dates,
  apparatus, note anchors, pages) is moved to the new offsets, so spans stay inside the text
  and mention surfaces equal the text they point at; title, summary and claim sentences get the
  same replacements. Mentions inside footnotes keep their entity;
- its archival references moved to other files of the same archive (fond drawn from a Zipf
  distribution over 500 fonds, opis 1–40, delo 1–3000), in the fields and in the raw string.

Mentions per document, claims per document and text length are therefore the templates'
(mixed by the weights above); :func:`build` measures them on what it wrote and returns them
with the head of the entity frequency table (:class:`BuildReport`). At 10,000 documents (seed
1): 33.8 mentions, 3.0 claims and 2,649 characters of text per document (the 120 record-page
templates: about 22 mentions, 1.4 claims, 1,700 characters; the two articles up to 430 mentions
and 89 claims); 11,777 distinct entities, 24% of them in one document only; in the most
documents: ``place:soviet-union`` 25%, ``place:china`` 19%, ``place:moscow`` 19%, the most
frequent synthetic person 10%, ``place:united-states`` 10%.

**Copies.** With ``pool`` smaller than N, only documents ``0 .. pool - 1`` are made as above;
item ``i >= pool`` is a :class:`opis.store.bulk.Copy` of document ``i % pool`` under the identity
(id, path, sha256, record id, source URL) a document ``i`` of that template would have
(:meth:`Synth.item`; :meth:`Synth.full` is the same item as a whole document). Copies keep the
pool's distributions (entity shares, mentions, claims and text per document, dates) at a
fraction of the cost, with a thicker long tail: every entity is in at least N / pool documents.

**Writing.** Through :func:`opis.store.bulk.load`: each made document goes through
:meth:`opis.store.Store.write` (the record and every derived table of every registered
indexer), each copy is written from its source's rows, ``batch`` items per transaction, the
aggregates counted and the secondary indexes built once at the end (``bulk=False``: every
document through ``Store.write`` with the aggregates kept per document, for comparison). The
documents are made in ``jobs`` forked processes. The search engine's index is built afterwards
by the caller (``TantivyBackend.rebuild(jobs=…, copies=…)``). Generation is deterministic in
(``seed``, ``i``): an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import hashlib
import itertools
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from opis.model import Agent, ArchivalRef, Claim, DateValue, Document, Entity, Mention, Provenance  # noqa: E402

#: the real documents used as templates: (folder under the repository, glob)
TEMPLATE_SOURCES = [
    ("examples/corpus", "*.txt"),
    ("tests/data/dev/corpus", "*.txt"),
    ("tests/data/pages", "*.txt"),
    ("tests/data/pages2", "*.txt"),
    ("tests/data/pages3", "*.txt"),
]
ARTICLE_CHARS = 5000  # a template with at least this much text is an article
#: probability that a distinct entity of the template is kept in a synthetic document
KEEP = {"PLACE": 0.6, "PERSON": 0.3, "ORG": 0.5, "UNIT": 0.3}
AUTHORITY_PLACE_SHARE = 0.5  # a replaced place: an authority place (with coordinates), else a synthetic one
ZIPF_S = 1.05  # Zipf-Mandelbrot: probability of rank r proportional to 1 / (r + ZIPF_Q) ** ZIPF_S
ZIPF_Q = 10.0  # (a flatter head than pure Zipf: the most frequent synthetic entity is drawn ~1% of the time)
YEARS = (1900, 1991)
FONDS = 500
BATCH = 2000


def vocab_sizes(n: int) -> dict[str, int]:
    """Synthetic vocabulary per entity type for an archive of ``n`` documents."""
    return {"PERSON": max(1000, n), "ORG": max(300, n // 10), "PLACE": max(300, n // 20), "UNIT": max(100, n // 100)}


# --- templates ---------------------------------------------------------------------------------
@dataclass
class Template:
    """One real ingested document and its kind (``record`` page or ``article``)."""

    doc: Document
    kind: str


def template_files() -> list[Path]:
    """The real documents the templates are made from."""
    return [p for folder, pattern in TEMPLATE_SOURCES for p in sorted((REPO / folder).glob(pattern))]


def source_hash(files: list[Path] | None = None) -> str:
    """Hash of opis's source (every file under ``src/opis``) and of the template files."""
    h = hashlib.sha256()
    src = REPO / "src" / "opis"
    for p in sorted(q for q in src.rglob("*") if q.is_file() and "__pycache__" not in q.parts):
        h.update(str(p.relative_to(src)).encode() + b"\0" + p.read_bytes())
    for p in files if files is not None else template_files():
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """Where template databases are kept (``OPIS_BENCH_CACHE``, else ``~/.cache/opis-bench``)."""
    return Path(os.environ.get("OPIS_BENCH_CACHE") or Path.home() / ".cache" / "opis-bench")


def template_store(cache: Path | None = None, files: list[Path] | None = None, log: Callable = print) -> Path:
    """The template database for the current source, ingested with the full pipeline if not cached."""
    from opis import Archive

    files = files if files is not None else template_files()
    folder = cache or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"templates-{source_hash(files)}.db"
    if path.exists():
        return path
    t = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="templates-", dir=folder)) / "t.db"
    with Archive(tmp) as archive:
        results = list(archive.ingest(files))
    failed = [r for r in results if r.status == "error"]
    log(f"templates: ingested {len(results) - len(failed)} of {len(files)} real documents in "
        f"{time.perf_counter() - t:.0f}s -> {path}" + (f" ({len(failed)} failed)" if failed else ""))
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    shutil.rmtree(tmp.parent, ignore_errors=True)
    return path


def load_templates(path: str | Path) -> list[Template]:
    """The template documents stored in ``path`` (records with text), by id."""
    from opis.store import Store

    with Store(path) as store:
        docs = [d for d in store.iter_documents() if d.text]
    return [Template(d, "article" if len(d.text) >= ARTICLE_CHARS else "record") for d in docs]


# --- synthetic vocabulary ----------------------------------------------------------------------
GIVEN = ["Ivan", "Pyotr", "Nikolai", "Anna", "Li", "Wang", "Zhang", "Kim", "Park", "Janos", "Istvan", "Maria",
         "Karl", "Erich", "Pham", "Nguyen", "Ahmed", "Omar", "Jan", "Tadeusz", "Vasil", "Georgi", "Elena", "Olga",
         "Chen", "Liu", "Ali", "Hasan", "Jose", "Carlos", "Milan", "Josef", "Andrei", "Sergei", "Dmitri", "Yuri",
         "Boris", "Gustav", "Hans", "Ferenc"]
SYLLABLES = ["ka", "lo", "mi", "ren", "to", "shi", "an", "bek", "du", "zha", "vor", "nel", "pa", "sta", "ri",
             "gor", "ya", "lin", "mar", "chu", "sen", "ob", "tal", "ki", "dro", "hu", "ven", "zo", "ber", "sol"]
SURNAME_ENDS = ["ov", "in", "enko", "sky", "ev", "ski", "ian", "escu", "er", ""]
PLACE_ENDS = ["sk", "abad", "grad", "tobe", "kol", "ovo", "shan", "ping", "burg", "ir"]
ORG_KINDS = ["Committee", "Ministry", "Bureau", "Commission", "Council", "Union", "Directorate", "Institute",
             "Department", "Trust"]
SCRAMBLE = 10 * 30**5  # 7919 is prime to it: k -> k * 7919 mod SCRAMBLE is a bijection
UNIT_KINDS = ["Rifle Division", "Border Detachment", "Cavalry Regiment", "Army", "Corps", "Brigade",
              "Frontier Post", "Battalion"]


def _stem(k: int, ends: list[str]) -> str:
    """A unique pronounceable word for ``k`` (two syllables or more, then an ending); neighbouring
    ``k`` get unlike words (a bijective scramble of 0..SCRAMBLE-1)."""
    k = k * 7919 % SCRAMBLE if k < SCRAMBLE else k
    k, end = divmod(k, len(ends))
    k += len(SYLLABLES)
    parts = []
    while k:
        k, d = divmod(k, len(SYLLABLES))
        parts.append(SYLLABLES[d])
    return ("".join(reversed(parts)) + ends[end]).capitalize()


def synthetic_label(type_: str, rank: int) -> str:
    """The label of the synthetic entity of ``type_`` at Zipf ``rank`` (unique per type and rank)."""
    if type_ == "PERSON":  # (the surname alone is unique per rank)
        return f"{GIVEN[rank * 7919 % len(GIVEN)]} {_stem(rank, SURNAME_ENDS)}"
    if type_ == "PLACE":
        return _stem(rank, PLACE_ENDS)
    if type_ == "ORG":
        return f"{ORG_KINDS[rank * 7919 % len(ORG_KINDS)]} of {_stem(rank, PLACE_ENDS)}"
    k, g = divmod(rank, len(UNIT_KINDS))
    k += 1
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix} {UNIT_KINDS[g]}"


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def synthetic_entity(type_: str, rank: int) -> Entity:
    """The synthetic (non-authority) entity of ``type_`` at ``rank``: id ``type~slug``."""
    label = synthetic_label(type_, rank)
    return Entity(id=f"{type_.lower()}~{slug(label)}", type=type_, label=label)


class Zipf:
    """Draws ranks 0..size-1 with probability proportional to 1 / (rank + q) ** s."""

    def __init__(self, size: int, s: float = ZIPF_S, q: float = ZIPF_Q):
        self.size = size
        self.cum = list(itertools.accumulate(1.0 / (r + q) ** s for r in range(size)))

    def draw(self, rnd: random.Random) -> int:
        return bisect.bisect_left(self.cum, rnd.random() * self.cum[-1])

    def share(self, rank: int) -> float:
        """The probability of ``rank``."""
        return (self.cum[rank] - (self.cum[rank - 1] if rank else 0.0)) / self.cum[-1]


def authority_places() -> list[Entity]:
    """The gazetteer's places with coordinates, in a fixed shuffled order (the Zipf ranks)."""
    from opis import authority

    places = sorted((e for e in authority.entries("PLACE") if e.lat is not None and e.lon is not None),
                    key=lambda e: e.id)
    random.Random(20).shuffle(places)
    return places


# --- spans: replacing words in the text and moving every span ---------------------------------
class OffsetMap:
    """Old text offsets to new ones after replacing non-overlapping spans ``(start, end, new)``."""

    def __init__(self, reps: list[tuple[int, int, int]]):  # (start, end, new length), sorted
        self.starts = [s for s, _, _ in reps]
        self.ends = [e for _, e, _ in reps]
        self.cum = [0]
        self.new_starts = []
        for s, e, n in reps:
            self.new_starts.append(s + self.cum[-1])
            self.cum.append(self.cum[-1] + n - (e - s))
        self.new_ends = [ns + n for ns, (_, _, n) in zip(self.new_starts, reps, strict=True)]

    def start(self, o: int) -> int:
        i = bisect.bisect_right(self.ends, o)
        if i < len(self.starts) and self.starts[i] < o:  # inside a replaced span: its new start
            return self.new_starts[i]
        return o + self.cum[i]

    def end(self, o: int) -> int:
        i = bisect.bisect_right(self.ends, o)
        if i < len(self.starts) and self.starts[i] < o:  # inside a replaced span: its new end
            return self.new_ends[i]
        return o + self.cum[i]


_SPAN_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def _span_fields(cls: type) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(start-like fields, end-like fields, nested value fields) of a model class."""
    if cls not in _SPAN_FIELDS:
        names = [f.name for f in dataclasses.fields(cls)]
        starts = tuple(n for n in names if n.endswith("start") or n == "anchor")
        ends = tuple(n for n in names if n.endswith("end"))
        nested = tuple(n for n in ("quantity", "date") if n in names)
        _SPAN_FIELDS[cls] = (starts, ends, nested)
    return _SPAN_FIELDS[cls]


def shift_year(value: str | None, delta: int) -> str | None:
    """``value`` (EDTF or ISO) with every year moved by ``delta`` (29 February kept valid)."""
    if not value or not delta:
        return value
    out = YEAR.sub(lambda m: str(int(m.group(1)) + delta), value)
    for m in re.finditer(r"(\d{4})-02-29", out):
        y = int(m.group(1))
        if not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
            out = out.replace(m.group(0), f"{y}-02-28")
    return out


def moved(obj, offsets: OffsetMap | None, delta: int):
    """``obj`` (a model value) with its spans moved by ``offsets`` and its dates by ``delta``
    years; the same object when nothing changes (unchanged values are shared between records)."""
    if obj is None:
        return None
    changes = {}
    starts, ends, nested = _span_fields(type(obj))
    if offsets is not None and getattr(obj, "note", None) is None:
        for name in starts:
            v = getattr(obj, name)
            if v is not None and (nv := offsets.start(v)) != v:
                changes[name] = nv
        for name in ends:
            v = getattr(obj, name)
            if v is not None and (nv := offsets.end(v)) != v:
                changes[name] = nv
    if isinstance(obj, DateValue) and delta:
        for name in ("edtf", "earliest", "latest"):
            changes[name] = shift_year(getattr(obj, name), delta)
    for name in nested:
        sub = getattr(obj, name)
        if sub is not None and (nsub := moved(sub, offsets, delta)) is not sub:
            changes[name] = nsub
    if not changes:
        return obj
    new = copy.copy(obj)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


# --- one synthetic document --------------------------------------------------------------------
@dataclass
class Synth:
    """Everything needed to make synthetic documents: templates, weights, vocabularies."""

    templates: list[Template]
    n: int
    seed: int = 1
    articles: float = 0.05
    pool: int = 0  # documents made from the templates; the rest are copies of them (0: all made)
    records: list[int] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    zipf: dict[str, Zipf] = field(default_factory=dict)
    places: list[Entity] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.records = [i for i, t in enumerate(self.templates) if t.kind == "record"]
        self.article_ids = [i for i, t in enumerate(self.templates) if t.kind == "article"]
        if not self.records:  # every template long: they all count as records
            self.records, self.article_ids = self.article_ids, []
        self.pool = self.pool or self.n
        self.zipf = {t: Zipf(size) for t, size in vocab_sizes(min(self.n, self.pool)).items()}
        self.places = authority_places()
        self.place_zipf = Zipf(len(self.places)) if self.places else None

    def template(self, rnd: random.Random) -> Template:
        pool = self.article_ids if self.article_ids and rnd.random() < self.articles else self.records
        return self.templates[rnd.choice(pool)]

    def replacement(self, entity_id: str, type_: str, rnd: random.Random) -> Entity | None:
        """The entity that stands for ``entity_id`` in a synthetic document (None: kept)."""
        type_ = type_ if type_ in KEEP else "ORG"
        if entity_id.startswith(f"{type_.lower()}:") and rnd.random() < KEEP[type_]:
            return None
        if type_ == "PLACE" and self.place_zipf and rnd.random() < AUTHORITY_PLACE_SHARE:
            return self.places[self.place_zipf.draw(rnd)]
        return synthetic_entity(type_, self.zipf[type_].draw(rnd))

    def document(self, i: int) -> Document:
        """Synthetic document ``i`` (deterministic in the seed and ``i``)."""
        rnd = random.Random(self.seed * 1_000_003 + i)
        return make_document(self, self.template(rnd).doc, i, rnd)

    def item(self, i: int):
        """Item ``i`` of the archive: document ``i`` below ``pool``, else a :class:`Copy` of pool
        document ``i % pool`` under the identity document ``i`` of that template would have."""
        if i < self.pool:
            return self.document(i)
        from opis.store.bulk import Copy

        j = i % self.pool
        tmpl = self.template(random.Random(self.seed * 1_000_003 + j)).doc
        key = f"synth-{self.seed}-{i}"
        name = Path(tmpl.provenance.path if tmpl.provenance else "").name
        return Copy(source=doc_id(self.seed, j), id=doc_id(self.seed, i), path=f"synth/{i:07d}-{name}",
                    sha256=hashlib.sha256(key.encode()).hexdigest(),
                    record_id=f"{tmpl.record_id}.{i}" if tmpl.record_id else None,
                    source_url=f"{tmpl.source_url}?synth={i}" if tmpl.source_url else None)


    def full(self, i: int) -> Document:
        """Item ``i`` as a document: a copy is its source with the copy's identity (what
        ``Store.write`` is given for it when the archive is not loaded in bulk)."""
        c = self.item(i)
        if isinstance(c, Document):
            return c
        src = self.document(i % self.pool)
        prov = dataclasses.replace(src.provenance, path=c.path, sha256=c.sha256)
        return dataclasses.replace(src, id=c.id, record_id=c.record_id, source_url=c.source_url, provenance=prov)


def doc_id(seed: int, i: int) -> str:
    """The id of synthetic document ``i``."""
    return hashlib.blake2b(f"synth-{seed}-{i}".encode(), digest_size=8).hexdigest()


def _entity_map(syn: Synth, doc: Document, rnd: random.Random) -> dict[str, Entity]:
    types = {e.id: e.type for e in doc.entities}
    ids = dict.fromkeys(m.entity_id for m in doc.mentions if m.entity_id)
    ids.update(dict.fromkeys(a.entity_id for a in doc.authors + doc.recipients if a.entity_id))
    out = {}
    for eid in ids:
        type_ = types.get(eid) or eid.split(":")[0].split("~")[0].upper()
        new = syn.replacement(eid, type_, rnd)
        if new is not None and new.id != eid:
            out[eid] = new
    return out


def _replace_words(value: str | None, pairs: list[tuple[str, str]]) -> str | None:
    if not value:
        return value
    for old, new in pairs:
        if old in value:
            value = value.replace(old, new)
    return value


def _new_text(doc: Document, emap: dict[str, Entity]) -> tuple[str, OffsetMap | None, list[tuple[str, str]]]:
    """The text with the words of replaced entities' mentions replaced, the offset map, and the
    (old surface, new label) pairs, longest first."""
    reps, pairs, last = [], {}, -1
    for m in sorted((m for m in doc.mentions if m.entity_id in emap and m.note is None and m.start is not None),
                    key=lambda m: m.start):
        if m.start < last or m.end is None or doc.text[m.start:m.end] != m.surface:
            continue
        label = emap[m.entity_id].label
        reps.append((m.start, m.end, label))
        pairs.setdefault(m.surface, label)
        last = m.end
    if not reps:
        return doc.text, None, sorted(pairs.items(), key=lambda p: -len(p[0]))
    parts, pos = [], 0
    for s, e, label in reps:
        parts += [doc.text[pos:s], label]
        pos = e
    parts.append(doc.text[pos:])
    offsets = OffsetMap([(s, e, len(label)) for s, e, label in reps])
    return "".join(parts), offsets, sorted(pairs.items(), key=lambda p: -len(p[0]))


def _mention(m: Mention, emap: dict[str, Entity], offsets: OffsetMap | None, text: str) -> Mention:
    new = moved(m, offsets, 0)
    ent = emap.get(m.entity_id or "")
    if m.note is not None:
        return new
    if ent is None:  # kept: its words change only where it overlaps a replaced mention
        if offsets is not None and new.start is not None and text[new.start:new.end] != m.surface:
            new = copy.copy(new) if new is m else new
            new.surface = text[new.start:new.end]
        return new
    new = copy.copy(new) if new is m else new
    new.entity_id, new.gloss = ent.id, None
    # the text's words at the span: the new label, or (a mention overlapping a replaced one) what is there now
    new.surface = text[new.start:new.end] if new.start is not None and new.end is not None else ent.label
    return new


def _agent(a: Agent, emap: dict[str, Entity]) -> Agent:
    ent = emap.get(a.entity_id or "")
    return a if ent is None else dataclasses.replace(a, name=ent.label, surface=ent.label, entity_id=ent.id)


def _claim(c: Claim, emap: dict[str, Entity], offsets, delta: int, pairs) -> Claim:
    new = moved(c, offsets, delta)
    ent = emap.get(c.place or "")
    sentence = _replace_words(c.sentence, pairs)
    if ent is None and sentence == c.sentence:
        return new
    new = copy.copy(new) if new is c else new
    new.sentence = sentence
    if ent is not None:
        new.place, new.place_label = ent.id, ent.label
    return new


def _archival_ref(ref: ArchivalRef, rnd: random.Random, fond_zipf: Zipf) -> ArchivalRef:
    if not ref.archive or not (ref.fond or ref.delo):
        return ref
    values = {"fond": str(fond_zipf.draw(rnd) + 1), "opis": str(rnd.randint(1, 40)), "delo": str(rnd.randint(1, 3000))}
    raw, pos, changes = ref.raw, 0, {}
    for part in ("fond", "opis", "delo"):
        old = getattr(ref, part)
        if not old:
            continue
        changes[part] = values[part]
        m = re.compile(rf"(?<![\w]){re.escape(old)}(?![\w])").search(raw, pos)
        if m:
            raw = raw[: m.start()] + values[part] + raw[m.end():]
            pos = m.start() + len(values[part])
    return dataclasses.replace(ref, raw=raw, **changes)


_FOND_ZIPF: list[Zipf] = []


def make_document(syn: Synth, tmpl: Document, i: int, rnd: random.Random) -> Document:
    """Synthetic document ``i`` from template ``tmpl`` (see the module's docstring)."""
    emap = _entity_map(syn, tmpl, rnd)
    text, offsets, pairs = _new_text(tmpl, emap)
    year = int(tmpl.date.earliest[:4]) if tmpl.date.earliest and tmpl.date.earliest[:4].isdigit() else None
    delta = rnd.randint(*YEARS) - year if year else 0
    if not _FOND_ZIPF:
        _FOND_ZIPF.append(Zipf(FONDS))
    entities = [emap.get(e.id, e) for e in tmpl.entities]
    # (an entity replaced in the body stays an entity of the record while a footnote mention,
    # which keeps its entity, still names it: the store counts a document under the entities
    # of its record)
    in_notes = {m.entity_id for m in tmpl.mentions if m.note is not None and m.entity_id in emap}
    entities += [e for e in tmpl.entities if e.id in in_notes]
    entities = list({e.id: e for e in entities}.values())
    entities += [e for e in {e.id: e for e in emap.values()}.values() if e.id not in {x.id for x in entities}]
    key = f"synth-{syn.seed}-{i}"
    prov = tmpl.provenance or Provenance(path="", sha256="", format="text", reader="synth")
    title = _replace_words(tmpl.title, pairs)
    doc = dataclasses.replace(
        tmpl,
        id=doc_id(syn.seed, i),
        title=YEAR.sub(lambda m: str(int(m.group(1)) + delta), title) if title and delta else title,
        summary=_replace_words(tmpl.summary, pairs),
        date=moved(tmpl.date, None, delta),
        year=tmpl.year + delta if tmpl.year else tmpl.year,
        record_id=f"{tmpl.record_id}.{i}" if tmpl.record_id else None,
        source_url=f"{tmpl.source_url}?synth={i}" if tmpl.source_url else None,
        authors=[_agent(a, emap) for a in tmpl.authors],
        recipients=[_agent(a, emap) for a in tmpl.recipients],
        archival_refs=[moved(_archival_ref(r, rnd, _FOND_ZIPF[0]), offsets, 0) for r in tmpl.archival_refs],
        notes=[moved(n, offsets, 0) for n in tmpl.notes],
        mentions=[_mention(m, emap, offsets, text) for m in tmpl.mentions],
        entities=entities,
        coverage=[emap[c].id if c in emap else c for c in tmpl.coverage],
        claims=[_claim(c, emap, offsets, delta, pairs) for c in tmpl.claims],
        events=[dataclasses.replace(e2, sentence=_replace_words(e2.sentence, pairs)) if pairs else e2
                for e2 in (moved(e, offsets, delta) for e in tmpl.events)],
        dates=[moved(d, offsets, delta) for d in tmpl.dates],
        apparatus=[moved(a, offsets, 0) for a in tmpl.apparatus],
        page_info=[moved(p, offsets, 0) for p in tmpl.page_info],
        text=text,
        provenance=dataclasses.replace(
            prov, path=f"synth/{i:07d}-{Path(prov.path).name}", ingested_at=None,
            sha256=hashlib.sha256(key.encode()).hexdigest(), size=len(text.encode())),
        fields={},
        facts=[],
        warnings=[],
    )
    return doc


# --- checks and the build ----------------------------------------------------------------------
def span_problems(doc: Document) -> list[str]:
    """Spans of ``doc`` that fall outside its text, and body mentions whose surface is not the
    text they point at (empty when the record is consistent)."""
    out = []
    n = len(doc.text)

    def check(what: str, obj) -> None:
        if obj is None or getattr(obj, "note", None) is not None:
            return
        starts, ends, nested = _span_fields(type(obj))
        for name in starts + ends:
            v = getattr(obj, name)
            if v is not None and not 0 <= v <= n:
                out.append(f"{what}.{name}={v} outside 0..{n}")
        for name in nested:
            check(f"{what}.{name}", getattr(obj, name))

    for m in doc.mentions:
        check("mention", m)
        if m.note is None and m.start is not None and doc.text[m.start:m.end] != m.surface:
            out.append(f"mention {m.surface!r} != text {doc.text[m.start:m.end]!r}")
    for name, items in (("claim", doc.claims), ("event", doc.events), ("date", doc.dates),
                        ("apparatus", doc.apparatus), ("page", doc.page_info), ("note", doc.notes),
                        ("archival_ref", doc.archival_refs)):
        for obj in items:
            check(name, obj)
    for c in doc.claims:
        if c.start is not None and c.end is not None and c.start > c.end:
            out.append(f"claim span {c.start}>{c.end}")
    return out


@dataclass
class BuildReport:
    """What :func:`build` wrote, and the distributions it measured on it."""

    docs: int = 0
    written: int = 0
    seconds: float = 0.0
    text_chars: int = 0
    mentions: int = 0
    claims: int = 0
    kinds: Counter = field(default_factory=Counter)
    entity_docs: Counter = field(default_factory=Counter)  # entity id -> documents mentioning it

    @property
    def docs_per_s(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0

    def lines(self, head: int = 8) -> list[str]:
        """The distributions, for printing."""
        n = max(self.written, 1)
        ents = self.entity_docs
        singles = sum(1 for v in ents.values() if v == 1)
        top = ", ".join(f"{e} {100 * c / n:.0f}%" for e, c in ents.most_common(head))
        return [
            f"written {self.written} documents in {self.seconds:.1f}s ({self.docs_per_s:.0f} docs/s; "
            f"{', '.join(f'{k} {v}' for k, v in sorted(self.kinds.items()))})",
            f"per document (from the templates): {self.mentions / n:.1f} mentions, {self.claims / n:.2f} claims, "
            f"{self.text_chars / n:.0f} characters of text",
            f"entities: {len(ents)} distinct, {singles} ({100 * singles / max(len(ents), 1):.0f}%) in one document "
            f"only; share of documents of the most frequent: {top}",
        ]


def build(db: str | Path, n: int, templates: list[Template], *, seed: int = 1, articles: float = 0.05,
          batch: int = BATCH, jobs: int | None = None, bulk: bool = True, pool: int = 0,
          progress: Callable[[str], None] | None = print) -> BuildReport:
    """Write synthetic documents into ``db`` until it holds ``n`` (resuming where a build
    stopped). ``jobs`` processes make the documents (default: the CPUs, at least 1; 0 or 1: in
    this process); they are written in ``batch``-document transactions through
    :func:`opis.store.bulk.load` (``bulk``: every document through ``Store.write``, the
    aggregates counted and the secondary indexes built once at the end) or, with
    ``bulk=False``, through ``Store.write`` alone (the aggregates kept per document).
    ``pool``: only the first ``pool`` documents are made from the templates, the others are
    copies of them (:meth:`Synth.item`; 0: every document made)."""
    from opis.store import Store
    from opis.store import bulk as store_bulk

    syn = Synth(templates, n, seed=seed, articles=articles, pool=pool)
    report = BuildReport(docs=n)
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    made: dict[str, tuple] = {}  # pool documents written in this run: what their copies count

    with Store(db) as store:
        start = store.count()
        t0 = time.perf_counter()

        def counted(items: Iterator) -> Iterator:
            for item in items:
                if isinstance(item, Document):
                    ents = frozenset(m.entity_id for m in item.mentions if m.entity_id)
                    facts = (len(item.text), len(item.mentions), len(item.claims),
                             "article" if len(item.text) >= ARTICLE_CHARS else "record", ents)
                    if syn.pool < n:
                        made[item.id] = facts
                else:
                    facts = made.get(item.source)
                if facts is not None:
                    report.written += 1
                    report.text_chars += facts[0]
                    report.mentions += facts[1]
                    report.claims += facts[2]
                    report.kinds[facts[3]] += 1
                    report.entity_docs.update(facts[4])
                yield item

        def step(written: int, seconds: float) -> None:
            report.seconds = seconds
            if progress and (written // batch) % 5 == 0:
                progress(f"  {start + written} documents, {report.docs_per_s:.0f} docs/s")

        if bulk:
            store_bulk.load(store, counted(generate(syn, start, n, jobs)), batch=batch, progress=step)
        else:
            docs = counted(syn.full(i) for i in range(start, n))
            for lo in range(start, n, batch):
                with store.batch(f"writing synthetic documents {lo}..{min(n, lo + batch)}"):
                    for doc in itertools.islice(docs, batch):
                        store.write(doc)
                step(report.written, time.perf_counter() - t0)
        report.seconds = time.perf_counter() - t0
    return report


_SYN: list[Synth] = []  # the generator of the worker processes (set before they fork)
CHUNK = 250  # documents a worker makes per task


def _chunk(bounds: tuple[int, int]) -> list:
    lo, hi = bounds
    return [_SYN[0].item(i) for i in range(lo, hi)]


def generate(syn: Synth, start: int, n: int, jobs: int = 1) -> Iterator:
    """Items ``start`` .. ``n - 1`` (:meth:`Synth.item`) in order, made by ``jobs`` forked
    processes (1: here; the copies always here)."""
    if jobs <= 1 or min(n, syn.pool) - start <= CHUNK:
        yield from (syn.item(i) for i in range(start, n))
        return
    import multiprocessing

    _SYN[:] = [syn]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        top = min(n, syn.pool)
        for docs in pool.imap(_chunk, [(lo, min(top, lo + CHUNK)) for lo in range(start, top, CHUNK)]):
            yield from docs
    yield from (syn.item(i) for i in range(max(start, syn.pool), n))


def iter_documents(templates: list[Template], n: int, seed: int = 1, articles: float = 0.05,
                   pool: int = 0) -> Iterator[Document]:
    """The first ``n`` synthetic documents (without writing them; ``pool``: see :func:`build`)."""
    syn = Synth(templates, n, seed=seed, articles=articles, pool=pool)
    return (syn.full(i) for i in range(n))


def iter_items(templates: list[Template], n: int, seed: int = 1, articles: float = 0.05,
               pool: int = 0) -> Iterator:
    """The first ``n`` items (documents, and copies past ``pool``) as :func:`build` loads them."""
    syn = Synth(templates, n, seed=seed, articles=articles, pool=pool)
    return (syn.item(i) for i in range(n))

