"""CLI commands for 'web' (added by its issue)."""

import click


def register(cli: click.Group) -> None:
    pass
