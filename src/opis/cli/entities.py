"""CLI commands for 'entities' (added by its issue)."""

import click


def register(cli: click.Group) -> None:
    pass
