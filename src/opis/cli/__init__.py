"""The ``opis`` command: a thin layer that parses options and calls library functions.

Each area adds its commands in its own module (``opis.cli.<area>``) with ``register(cli)``; the
modules are listed by the built-in plugin :mod:`opis.plugins_builtin.commands`, and any installed
plugin adds its own through the ``register_commands`` hook.
"""

from __future__ import annotations

import click

from opis import __version__
from opis.plugins import get_plugin_manager


def build_cli() -> click.Group:
    """The ``opis`` group with the commands of every registered plugin."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="opis")
    def cli() -> None:
        """opis: turn archival files into structured, citable, cross-linked records."""

    get_plugin_manager().hook.register_commands(cli=cli)
    return cli


cli = build_cli()


def main() -> None:
    """The console script: an opis error a command did not report itself (a damaged
    database met while listing, say) is still one line and exit code 1, not a traceback."""
    from opis.errors import OpisError

    try:
        cli()
    except OpisError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None
