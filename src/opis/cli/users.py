"""``opis users``: accounts for a shared server (add, list, role, password, token, disable)."""

from __future__ import annotations

import sys

import click

from opis.cli.options import db_option, echo_json, json_option, on_archive

ROLES = ("reader", "editor", "admin")


def register(cli: click.Group) -> None:
    """Add the ``users`` command group to the CLI."""
    cli.add_command(users)


@click.group()
def users() -> None:
    """Accounts: who may read, edit and administer a shared server.

    A database without accounts is single-user: no login; a server writes only with its own
    --token. Once accounts exist, people sign in on the web UI and scripts use personal tokens.
    """


def _password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True, help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--no-password", is_flag=True, help="No password: the account can only use API tokens.")
@db_option
def add(name, role, password_stdin, no_password, db):
    """Add an account NAME with a role and a password (asked for unless --password-stdin)."""
    password = None if no_password else _password(password_stdin)
    user = on_archive(db, lambda a: a.add_user(name, role, password))
    click.echo(f"added {user.name} ({user.role})")


@users.command("list")
@db_option
@json_option
def list_cmd(db, as_json):
    """List the accounts with their roles."""
    found = on_archive(db, lambda a: a.users())
    if as_json:
        echo_json([u.to_dict() for u in found])
        return
    if not found:
        click.echo("no accounts: single-user mode (no login)")
    for u in found:
        click.echo(f"{u.name:<24} {u.role:<7} {'disabled' if u.disabled else 'enabled':<9} since {u.created_at}")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@db_option
def role_cmd(name, role, db):
    """Give NAME another ROLE (the last enabled admin keeps theirs)."""
    user = on_archive(db, lambda a: a.set_role(name, role))
    click.echo(f"{user.name} is now {user.role}")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@db_option
def password_cmd(name, password_stdin, db):
    """Set NAME's password (every session of NAME ends)."""
    password = _password(password_stdin)
    on_archive(db, lambda a: a.set_password(name, password))
    click.echo(f"password of {name} set")


@users.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
@db_option
def disable(name, enable, db):
    """Disable NAME: their sessions end and their tokens stop working (--enable undoes it)."""
    user = on_archive(db, lambda a: a.disable_user(name, not enable))
    click.echo(f"{user.name} {'disabled' if user.disabled else 'enabled'}")


@users.command("token")
@click.argument("name")
@click.option("--label", default="api", show_default=True, help="What the token is for.")
@click.option("--list", "list_only", is_flag=True, help="List NAME's tokens instead of making one.")
@click.option("--revoke", type=int, default=None, metavar="ID", help="Revoke NAME's token ID instead.")
@db_option
def token(name, label, list_only, revoke, db):
    """Make a personal API token for NAME (printed once; only its digest is stored)."""
    if list_only:
        for t in on_archive(db, lambda a: a.tokens(name)):
            state = f"revoked {t.revoked_at}" if t.revoked_at else f"last write {t.last_used or '-'}"
            click.echo(f"{t.id:>4}  {t.prefix}…  {t.label:<16} made {t.created_at}  {state}")
        return
    if revoke is not None:
        on_archive(db, lambda a: a.revoke_token(name, revoke))
        click.echo(f"token {revoke} of {name} revoked")
        return
    secret, row = on_archive(db, lambda a: a.create_token(name, label))
    click.echo(secret)
    click.echo(f"token {row.id} for {name} ({row.label}): send it as 'Authorization: Bearer TOKEN'. "
               "It is not shown again.", err=True)
