"""Contact-centre administration: python -m bot.handover COMMAND --help."""
from __future__ import annotations

import argparse
import getpass
import sys

from bot.handover.store import ROLES, HandoverStore
from bot.settings import console_password


def cmd_create_user(args) -> int:
    password = console_password() or getpass.getpass("password (12+ characters): ")
    try:
        HandoverStore(args.database).create_user(args.username, password, args.role, args.teams,
                                                 args.name or args.username)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"user '{args.username}' ({args.role}) saved")
    return 0


def cmd_purge(args) -> int:
    days = args.days
    if days is None:
        from bot.catalogue.paths import database_path
        from bot.catalogue.repository import CatalogueRepository
        days = int(CatalogueRepository(database_path()).municipality().get("retention_days", 30))
    removed = HandoverStore(args.database).purge(days)
    print(f"removed {removed['handovers']} handovers and {removed['callbacks']} callback requests "
          f"older than {days} days")
    return 0


COMMANDS = {
    "create-user": (cmd_create_user,
                    "create or update a console account (password from $CONSOLE_PASSWORD or a prompt)"),
    "purge": (cmd_purge, "delete transcripts and callback requests older than the retention period"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.handover", description=__doc__)
    parser.add_argument("--database", default=None,
                        help="database URL or SQLite file "
                             "(default: $DATABASE_URL, else $HANDOVER_DB or build/handover.db)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = {name: commands.add_parser(name, help=text, description=text) for name, (_, text) in COMMANDS.items()}
    sub["create-user"].add_argument("username")
    sub["create-user"].add_argument("--role", choices=ROLES, default="staff")
    sub["create-user"].add_argument("--teams", nargs="*", default=[],
                                    help="teams whose queue the user sees (none: all)")
    sub["create-user"].add_argument("--name", help="name shown to citizens, e.g. Sanne")
    sub["purge"].add_argument("--days", type=int,
                              help="retention in days (default: retention_days of municipality.yml)")
    args = parser.parse_args(argv)
    return COMMANDS[args.command][0](args)
