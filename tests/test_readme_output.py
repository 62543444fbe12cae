"""The README's tour prints what opis prints: every ``$ opis …`` of its console blocks, run on the
sample corpus, shows the lines the README shows, in that order (a line with "…" stands for the
printed line that holds each of its pieces; a line of "…" alone for lines left out)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from opis.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
NOT_REPLAYED = ("ingest", "serve", "backup")  # they change files or run on


def readme_examples() -> list[tuple[str, list[str]]]:
    """(command line, lines shown) for every ``$ opis …`` of the README's console blocks."""
    out: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line.strip("`")
            continue
        if fence != "console":
            continue
        if line.startswith("$ "):
            out.append((line[2:].split("  #")[0].strip(), []))
        elif out:
            out[-1][1].append(line)
    return out


def unmatched(shown: list[str], printed: list[str]) -> list[str]:
    """The shown lines no printed line holds (in order: each after the previous one's match)."""
    missing, at = [], 0
    for line in shown:
        pieces = [p.strip() for p in line.split("…") if p.strip()]
        if not pieces:
            continue  # "…": lines left out
        for i in range(at, len(printed)):
            if _holds(printed[i], pieces):
                at = i + 1
                break
        else:
            missing.append(line)
    return missing


def _holds(line: str, pieces: list[str]) -> bool:
    pos = 0
    for piece in pieces:
        pos = line.find(piece, pos)
        if pos < 0:
            return False
        pos += len(piece)
    return True


def test_the_matcher_finds_a_changed_line():
    printed = ["1-1 of 3 documents", "6c9d  1962-04-24  Memorandum … (Translation)", "decade: 1960s (1)"]
    assert unmatched(["1-1 of 3 documents", "…", "decade: 1960s (1)"], printed) == []
    assert unmatched(["1-1 of 4 documents"], printed) == ["1-1 of 4 documents"]
    assert unmatched(["decade: 1960s (1)", "1-1 of 3 documents"], printed) == ["1-1 of 3 documents"]  # order kept


def test_readme_tour_prints_what_opis_prints(seed_db):
    examples = [(c, s) for c, s in readme_examples() if c.startswith("opis ") and c.split()[1] not in NOT_REPLAYED]
    if not examples:
        pytest.fail("no opis command in the README's console blocks: is the parser broken?")
    runner, differ = CliRunner(), []
    for command, shown in examples:
        result = runner.invoke(cli, [*shlex.split(command)[1:], "--db", str(seed_db.path)])
        missing = unmatched(shown, result.output.replace(str(seed_db.path), "opis.db").splitlines())
        if result.exit_code != 0 or missing:
            differ.append(f"$ {command}\n--- shown but not printed\n" + "\n".join(missing)
                          + f"\n--- printed (exit {result.exit_code})\n{result.output}")
    assert not differ, "\n\n".join(differ)
