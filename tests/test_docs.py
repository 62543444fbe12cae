"""The documentation covers the code (as sqlite-utils checks its CLI reference):

* every command and every option of the ``opis`` click group appears in the CLI reference page
  (``docs/reference/cli.md``, rendered by the mkdocs-click directive exactly as the site build
  renders it), under its own command, with its help text;
* every ``opis …`` command line shown in the docs and the README names a command that exists
  and only options that command accepts, so an example cannot outlive a renamed option;
* every command of the tutorial, run on the sample corpus, prints the output the page shows;
* the site builds with ``mkdocs build --strict`` (broken links, pages missing from the nav, and
  API references to functions that no longer exist all fail it).
"""

from __future__ import annotations

import html
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import markdown
import pytest

from opis.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_PAGE = DOCS / "reference" / "cli.md"

# Options that have no help text yet: the reference lists them by name only. Remove an entry
# when its option gets ``help=``; the test fails while an entry is stale or a new one is missing.
NO_HELP_YET = {
    ("entities", "--limit"), ("entities", "--offset"), ("list", "--limit"), ("list", "--offset"),
}


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    """(path, command) for every command and subcommand, depth first."""
    for name, command in sorted(group.commands.items()):
        yield path + (name,), command
        if isinstance(command, click.Group):
            yield from commands(command, path + (name,))


def rendered_reference() -> dict[str, str]:
    """The CLI reference as the site shows it, cut into one section per command, keyed by the
    command path of its usage line ("entity link")."""
    page = markdown.Markdown(extensions=["mkdocs-click"]).convert(CLI_PAGE.read_text(encoding="utf-8"))
    sections: dict[str, str] = {}
    parts = re.split(r"(?=<h\d>)", page)
    for part in parts:
        usage = re.search(r"\bopis((?: [a-z][a-z-]*)*) \[OPTIONS\]", part)
        if usage:
            sections[usage.group(1).strip()] = part
    return sections


def test_every_command_and_option_is_in_the_cli_reference():
    sections = rendered_reference()
    assert "" in sections, "the reference lacks the opis group itself"
    missing = []
    for path, command in commands():
        key = " ".join(path)
        section = sections.get(key)
        if section is not None:
            section = html.unescape(section)
        if section is None:
            missing.append(f"command 'opis {key}'")
            continue
        first_line = (command.help or command.short_help or "").strip().splitlines()
        if not first_line:
            missing.append(f"help text of 'opis {key}'")
        elif first_line[0][:40] not in section:
            missing.append(f"help text of 'opis {key}' in its section")
        for param in command.params:
            if isinstance(param, click.Argument):
                if param.human_readable_name not in section:
                    missing.append(f"argument {param.human_readable_name} of 'opis {key}'")
                continue
            for opt in param.opts + param.secondary_opts:
                if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", section):
                    missing.append(f"option {opt} of 'opis {key}'")
    assert not missing, "not in docs/reference/cli.md: " + ", ".join(missing)


def test_every_option_has_help_text():
    without = {(" ".join(path), param.opts[0]) for path, command in commands() for param in command.params
               if isinstance(param, click.Option) and not param.help and param.name != "help"}
    assert without - NO_HELP_YET == set(), "options without help text (add help=...)"
    assert NO_HELP_YET - without == set(), "NO_HELP_YET lists options that have help now: remove them"


def _find(path: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The longest command path at the start of ``path``, its command, and the rest."""
    command: click.Command = cli
    used: list[str] = []
    rest = list(path)
    while isinstance(command, click.Group) and rest and rest[0] in command.commands:
        command = command.commands[rest[0]]
        used.append(rest.pop(0))
    return used, command, rest


def shown_command_lines() -> list[tuple[str, str]]:
    """Every opis command shown in the Markdown docs and the README, as (file, command): the
    ``$ opis …`` and ``opis …`` lines of code blocks and the ``opis …`` code spans of the text."""
    out = []
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        fence = None  # the info string of the code block we are in ("console": output beside "$ " lines)
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("```"):
                fence = None if fence is not None else line.strip().strip("`")
                continue
            if fence is not None:
                prompt = r"\$ " if fence == "console" else r"(?:\$ )?"
                found = re.findall(rf"^\s*{prompt}(opis [^|&#\n]*)", line) + re.findall(r"&& (opis [^|&#\n]*)", line)
            else:
                found = re.findall(r"`(opis [a-z][^`]*)`", line)
            rel = page.relative_to(ROOT).as_posix()
            out += [(rel, text.strip()) for text in found if re.match(r"opis [a-z]", text)]
    return out


def test_command_lines_in_the_docs_are_real():
    lines = shown_command_lines()
    assert len(lines) > 50, "the docs show fewer opis commands than expected: is the pattern broken?"
    wrong = []
    for page, text in lines:
        try:
            words = shlex.split(text.replace("…", ""))
        except ValueError:  # an example of a malformed query (an unclosed quote) on purpose
            words = text.split()
        used, command, rest = _find(words[1:])
        if not used:
            if rest and re.fullmatch(r"[a-z]+", rest[0]) and rest[0] not in {"and", "or", "the", "to"}:
                wrong.append(f"{page}: {text!r}: no command {rest[0]!r}")
            continue
        known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}
        for word in rest:
            if word.startswith("--") and word.split("=")[0] not in known:
                wrong.append(f"{page}: {text!r}: 'opis {' '.join(used)}' has no option {word.split('=')[0]}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built with ``mkdocs build --strict`` (a warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_site_builds_strict(site):
    assert "opis entity link" in (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "opis.store.Store" in (site / "reference" / "api.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["index.html", "tutorial.html", "reference/api.html"])
def test_site_loads_nothing_from_elsewhere(site, page):
    """Offline: no stylesheet, script, image or font from another host (links in the text are fine)."""
    text = (site / page).read_text(encoding="utf-8")
    remote = re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"(?:https?:)?//[^\"]+\"", text)
    assert remote == []
    assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


# --- the tutorial's output is what opis prints -----------------------------------------------
TUTORIAL = DOCS / "tutorial.md"
NOT_REPLAYED = ("ingest", "serve", "backup")  # they change files; ingest's output is shown for a fresh database


def tutorial_examples() -> list[tuple[str, str]]:
    """(command line, output shown) for every ``$ opis …`` of the tutorial's console blocks."""
    out: list[tuple[str, str]] = []
    fence = None
    current: list[str] | None = None
    for line in TUTORIAL.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line.strip("`")
            current = None
            continue
        if fence != "console":
            continue
        if line.startswith("$ "):
            current = []
            out.append((line[2:], current))  # type: ignore[arg-type]
        elif current is not None:
            current.append(line)
    return [(cmd, "\n".join(lines)) for cmd, lines in out]


def _normalise(text: str, db: str) -> str:
    text = text.replace(db, "opis.db")
    text = re.sub(r"\(\d+\.\d+ s\)", "(N s)", text)  # timings of opis check
    # how many text values the tables hold: grows with every migration's bookkeeping row
    text = re.sub(r"\d+ text values in \d+ tables", "N text values in M tables", text)
    text = re.sub(r"(?m)^(\s+file: ).*$", r"\1FILE", text)  # where the checkout lies
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("seed_db", ["sqlite"], indirect=True)  # (the tutorial's database is a SQLite file)
def test_tutorial_output_is_what_opis_prints(seed_db):
    """Every command of the tutorial, run on the sample corpus, prints what the page shows
    (timings and the checkout's path aside). Re-run a command and paste its output when this fails
    after a deliberate change."""
    from click.testing import CliRunner

    examples = [(c, o) for c, o in tutorial_examples()
                if c.startswith("opis ") and "|" not in c and c.split()[1] not in NOT_REPLAYED]
    assert len(examples) >= 15, "fewer tutorial commands than expected: is the parser broken?"
    db = str(seed_db.path)
    runner = CliRunner()
    differ = []
    for command, shown in examples:
        args = shlex.split(command)[1:]
        _used, cmd, _rest = _find(args)
        if any("--db" in p.opts for p in cmd.params):
            args += ["--db", db]
        result = runner.invoke(cli, args)
        if _normalise(result.output, db) != _normalise(shown, db):
            differ.append(f"$ {command}\n--- shown\n{shown}\n--- printed\n{result.output}")
    assert not differ, "\n\n".join(differ)
