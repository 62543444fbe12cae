"""CLI commands for 'refs' (added by its issue)."""

import click


def register(cli: click.Group) -> None:
    pass
