"""Manage Viewmark accounts on the application database (``DATABASE_URL``, else the embedded SQLite file).

    python -m accounts list-users
    python -m accounts create-user alice --grant restaurant gaming [--brands aurora] [--password-stdin]
    python -m accounts set-password alice [--password-stdin]
    python -m accounts disable-user alice | enable-user alice
    python -m accounts grant alice gaming | revoke alice gaming
    python -m accounts restrict-brands alice aurora nova | restrict-brands alice --clear
    python -m accounts create-token alice "reporting job"     # prints the token once
    python -m accounts list-tokens alice | revoke-token alice 3

Passwords are prompted for (twice) unless ``--password-stdin`` reads one line from standard input.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.service import Account, Accounts
from core.errors import ServiceError
from db.database import Database
from settings import Settings


def main(argv: list[str] | None = None, accounts: Accounts | None = None) -> int:
    args = _parser().parse_args(argv)
    accounts = accounts or _accounts_from_env()
    try:
        args.run(accounts, args)
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _accounts_from_env() -> Accounts:
    settings = Settings.from_env()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    database = Database(settings.resolved_database_url)
    if settings.database_url is None:
        database.migrate()  # as the app does on the embedded default
    return Accounts(database)


# Commands ---------------------------------------------------------------------------------------------

def create_user(accounts: Accounts, args) -> None:
    _check_dashboards(args.grant)
    password = None if args.no_password else _read_password(args.password_stdin)
    _show(accounts.create_user(args.username, password, dashboards=args.grant, brands=args.brands))


def set_password(accounts: Accounts, args) -> None:
    accounts.set_password(args.username, _read_password(args.password_stdin))
    print(f"Password of {args.username} changed; their sessions have ended.")


def disable_user(accounts: Accounts, args) -> None:
    _show(accounts.set_disabled(args.username, True))


def enable_user(accounts: Accounts, args) -> None:
    _show(accounts.set_disabled(args.username, False))


def grant(accounts: Accounts, args) -> None:
    _check_dashboards(args.dashboards)
    _show(accounts.grant(args.username, args.dashboards))


def revoke(accounts: Accounts, args) -> None:
    _show(accounts.revoke(args.username, args.dashboards))


def restrict_brands(accounts: Accounts, args) -> None:
    if args.clear == bool(args.brands):
        raise ServiceError("Name one or more brands, or --clear to lift the restriction.", "brands")
    _show(accounts.restrict_brands(args.username, None if args.clear else args.brands))


def list_users(accounts: Accounts, _args) -> None:
    for account in accounts.list_users():
        _show(account)


def create_token(accounts: Accounts, args) -> None:
    info, token = accounts.create_token(accounts.get(args.username).id, args.name)
    print(f"Token {info.id} “{info.name}” for {args.username} — shown this once, keep it safe:",
          file=sys.stderr)
    print(token)


def list_tokens(accounts: Accounts, args) -> None:
    for info in accounts.list_tokens(accounts.get(args.username).id):
        used = info.last_used_at.isoformat(timespec="seconds") if info.last_used_at else "never"
        print(f"{info.id}\t{info.prefix}…\t{info.name}\tcreated {info.created_at:%Y-%m-%d}\tlast used {used}")


def revoke_token(accounts: Accounts, args) -> None:
    accounts.revoke_token(accounts.get(args.username).id, args.token_id)
    print(f"Token {args.token_id} of {args.username} revoked.")


# Helpers ----------------------------------------------------------------------------------------------

def _show(account: Account) -> None:
    dashboards = ", ".join(account.dashboards) or "no dashboards"
    brands = "every brand" if account.brands is None else "brands: " + (", ".join(account.brands) or "none")
    state = "disabled" if account.disabled else "active"
    print(f"{account.username}\t{state}\t{dashboards}\t{brands}")


def _check_dashboards(dashboard_ids) -> None:
    from dashboards.registry import DASHBOARDS

    unknown = [d for d in dashboard_ids or () if d not in DASHBOARDS]
    if unknown:
        raise ServiceError(f"Unknown dashboard {', '.join(unknown)}; known: {', '.join(DASHBOARDS)}.",
                           "dashboard")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat it: ") != first:
        raise ServiceError("The passwords differ.", "password")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m accounts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    def command(name: str, run, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        sub.add_argument("username")
        return sub

    sub = command("create-user", create_user, "create a user")
    sub.add_argument("--grant", nargs="+", default=[], metavar="DASHBOARD", help="dashboards to grant")
    sub.add_argument("--brands", nargs="+", metavar="BRAND", help="restrict to these brands (default: all)")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_argument("--no-password", action="store_true",
                     help="no password sign-in (a user who comes only through the trusted proxy)")
    sub = command("set-password", set_password, "set a user's password (ends their sessions)")
    sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    command("disable-user", disable_user, "disable a user: no sign-in, sessions and tokens stop working")
    command("enable-user", enable_user, "enable a disabled user again")
    command("grant", grant, "grant dashboards").add_argument("dashboards", nargs="+", metavar="DASHBOARD")
    command("revoke", revoke, "revoke dashboards").add_argument("dashboards", nargs="+", metavar="DASHBOARD")
    sub = command("restrict-brands", restrict_brands, "restrict a user to brands, or --clear the restriction")
    sub.add_argument("brands", nargs="*", metavar="BRAND")
    sub.add_argument("--clear", action="store_true", help="lift the restriction: every brand")
    command("create-token", create_token, "create a personal API token (printed once)").add_argument("name")
    command("list-tokens", list_tokens, "list a user's API tokens")
    command("revoke-token", revoke_token, "revoke an API token").add_argument("token_id", type=int)
    list_cmd = commands.add_parser("list-users", help="list users, their grants and brands")
    list_cmd.set_defaults(run=list_users)
    return parser


if __name__ == "__main__":
    sys.exit(main())
