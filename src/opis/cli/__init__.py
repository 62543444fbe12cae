"""The ``opis`` command: a thin layer that parses options and calls library functions.

Each area adds its commands in its own module (``opis.cli.<area>``) with ``register(cli)``.
"""

from __future__ import annotations

import importlib

import click

from opis import __version__

COMMAND_MODULES = ["core", "refs", "entities", "claims", "search", "web", "admin"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opis")
def cli() -> None:
    """opis: turn archival files into structured, citable, cross-linked records."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"opis.cli.{_name}").register(cli)


def main() -> None:
    """The console script: an opis error a command did not report itself (a damaged
    database met while listing, say) is still one line and exit code 1, not a traceback."""
    from opis.errors import OpisError

    try:
        cli()
    except OpisError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
