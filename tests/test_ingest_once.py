"""One ingest does each piece of work once: the file is hashed once, each letter's language is
identified once (a paged document page by page)."""

from __future__ import annotations

import hashlib

from conftest import SEEDS_DIR
from opis import lang
from opis.model import Document, Page
from opis.pipeline import language as language_stage
from opis.readers import read

SEED = SEEDS_DIR / "003_f306b2d0f8b09190.txt"


def test_read_takes_the_callers_bytes_and_hash_instead_of_reading_and_hashing_again(tmp_path):
    data = SEED.read_bytes()
    raw = read(SEED, data=data, sha256="f" * 64)
    assert raw.sha256 == "f" * 64  # the hash given, not computed again
    assert read(SEED).sha256 == hashlib.sha256(data).hexdigest()  # alone, read hashes the bytes itself


def test_bytes_that_are_not_the_files_are_not_trusted(tmp_path):
    raw = read(SEED, data=b"other bytes", sha256="f" * 64)  # not the file's size: read it again
    assert raw.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_a_paged_document_has_each_letter_identified_once(monkeypatch):
    en = "The commission reported that the border was crossed by many families in the spring. " * 4
    ru = "Комиссия сообщила, что границу весной перешли многие семьи из соседних районов. " * 4
    text = f"{en}\n\n{ru}\n\n{en}"
    cuts = [0, len(en) + 2, len(en) + 2 + len(ru) + 2, len(text)]
    pages = [Page(n=i + 1, start=cuts[i], end=cuts[i + 1] - (2 if i < 2 else 0)) for i in range(3)]
    read_chars: list[int] = []
    real = lang.language_shares

    def counted(t: str):
        read_chars.append(len(t))
        return real(t)

    monkeypatch.setattr(lang, "language_shares", counted)  # what every detection goes through
    monkeypatch.setattr(language_stage, "language_shares", counted, raising=False)
    doc = language_stage.language(Document(id="d", text=text, page_info=pages))
    assert sum(read_chars) == len(text)  # every character once: the pages and what lies between them
    assert [p.lang for p in doc.page_info] == ["en", "ru", "en"]
    monkeypatch.setattr(lang, "language_shares", real)
    assert doc.languages == lang.detect_languages(text) == ["en", "ru"]
