"""The built-in ``opis`` commands: each area's CLI module adds its commands with ``register(cli)``."""

from __future__ import annotations

import importlib

import click

from opis.hookspecs import hookimpl

COMMAND_MODULES = ("core", "refs", "entities", "claims", "search", "web", "admin", "users", "jobs", "curation",
                   "saved", "move", "collections")


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add the commands of every built-in CLI module."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"opis.cli.{name}").register(cli)
