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
    cli()
