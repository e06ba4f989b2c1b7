"""Operating the assistant: python -m bot.ops COMMAND --help."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import PROJECT_DIR

DEFAULT_LOGGING_CONFIG = PROJECT_DIR / "deploy" / "logging.yml"


def cmd_backup(args) -> int:
    from bot.ops import backup
    backup.create(args.to, archive=args.archive, keep=args.keep, report=_say)
    return 0


def cmd_verify(args) -> int:
    from bot.ops.restore import RestoreRefused, verify
    try:
        verify(args.source, report=_say)
    except (RestoreRefused, FileNotFoundError) as error:
        print(f"verify failed: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_restore(args) -> int:
    from bot.ops.restore import RestoreRefused, restore
    try:
        restore(args.source, force=args.force, report=_say)
    except (RestoreRefused, FileNotFoundError) as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_serve(args) -> int:
    from bot.ops.serve import serve
    arguments = args.arguments[1:] if args.arguments[:1] == ["--"] else args.arguments
    serve(args.program, arguments, None if args.no_logging_config else args.logging_config_file)
    return 0


def _say(line: str) -> None:
    print(line, flush=True)


COMMANDS = {
    "backup": (cmd_backup, "copy the databases and knowledge/ into a new timestamped backup, safe while servers run"),
    "verify": (cmd_verify, "check a backup against its manifest without restoring it"),
    "restore": (cmd_restore, "check a backup and put it back (refuses while a server uses a database)"),
    "serve": (cmd_serve, "start a server (rasa, bot.action_server, bot.console, bot.web) "
                         "with the logging configuration applied first"),
}


def main(argv: list[str] | None = None) -> int:
    from bot.ops.serve import PROGRAMS

    parser = argparse.ArgumentParser(prog="python -m bot.ops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = {name: commands.add_parser(name, help=text, description=text) for name, (_, text) in COMMANDS.items()}
    sub["backup"].add_argument("--to", type=Path, required=True, help="folder that receives the backup")
    sub["backup"].add_argument("--archive", action="store_true", help="write one .tar.gz instead of a folder")
    sub["backup"].add_argument("--keep", type=int, metavar="N",
                               help="afterwards remove all but the N newest backups in that folder")
    for name in ("verify", "restore"):
        sub[name].add_argument("source", type=Path, metavar="FROM", help="a backup folder or .tar.gz")
    sub["restore"].add_argument("--force", action="store_true",
                                help="overwrite databases even while processes use them (restart those afterwards)")
    sub["serve"].add_argument("--logging-config-file", type=Path, default=DEFAULT_LOGGING_CONFIG,
                              help="logging configuration (default deploy/logging.yml); also given to Rasa")
    sub["serve"].add_argument("--no-logging-config", action="store_true", help="keep the program's own logging")
    sub["serve"].add_argument("program", choices=sorted(PROGRAMS))
    sub["serve"].add_argument("arguments", nargs=argparse.REMAINDER,
                              help="the program's own arguments, e.g. `-- run --port 5005` for rasa")
    args = parser.parse_args(argv)
    return COMMANDS[args.command][0](args)
