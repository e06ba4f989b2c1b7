"""Editor commands for the catalogue: python -m bot.catalogue COMMAND --help."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.catalogue import paths
from bot.catalogue.errors import CatalogueError


def _repository(args):
    from bot.catalogue.repository import CatalogueRepository
    return CatalogueRepository(args.database)


def cmd_validate(args) -> int:
    from bot.catalogue import sources
    catalogue = sources.load(args.sources)
    described = sum(1 for p in catalogue.products.values() if p.texts)
    print(f"{args.sources}: valid ({len(catalogue.products)} products, {described} with municipal texts)")
    return 0


def cmd_build(args) -> int:
    from bot.catalogue.build import build
    build(args.sources, args.database)
    return 0


def cmd_import_upl(args) -> int:
    from bot.catalogue.importers.upl import import_upl
    report = import_upl(args.file, args.sources, args.sdg)
    print(f"{args.sources}/upl.csv: {report.products} products")
    for product_id in report.kept_from_previous:
        print(f"  kept (no longer in the UPL, but has municipal texts): {product_id}")
    return 0


def cmd_import_sdg(args) -> int:
    from bot.catalogue.importers.sdg import import_sdg
    return _print_import(import_sdg(args.file, args.sources))


def cmd_import_ipdc(args) -> int:
    from bot.catalogue.importers.ipdc import import_ipdc
    return _print_import(import_ipdc(args.file, args.sources))


def _print_import(report) -> int:
    """An ImportReport: what changed, then what was skipped and why."""
    print(f"{report.records} records: {len(report.created)} products created, {len(report.updated)} updated, "
          f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped")
    for product_id in report.created:
        print(f"  created: {product_id}")
    for product_id in report.updated:
        print(f"  updated: {product_id}")
    for reason in report.skipped:
        print(f"  skipped: {reason}")
    return 0


def cmd_missing(args) -> int:
    missing = _repository(args).missing_content(args.language, full=args.full)
    for product_id in missing:
        print(product_id)
    print(f"{len(missing)} municipal products lack {'full content' if args.full else 'a summary'} in '{args.language}'",
          file=sys.stderr)
    return 0


def cmd_stats(args) -> int:
    print(json.dumps(_repository(args).statistics(), indent=2, ensure_ascii=False))
    return 0


def cmd_resolve(args) -> int:
    for match in _repository(args).resolve(args.text, args.language, limit=args.limit):
        print(f"{match.score:.3f}  {match.product_id}")
    return 0


COMMANDS = {
    "validate": (cmd_validate, "check every source file; problems name the file, line and field"),
    "build": (cmd_build, "validate, then build the SQLite database (atomically: a failed build keeps the old one)"),
    "import-upl": (cmd_import_upl, "replace knowledge/upl.csv from a (newer) UPL-actueel.csv"),
    "import-sdg": (cmd_import_sdg, "merge product texts from a Dutch SDG/PDC export (JSON)"),
    "import-ipdc": (cmd_import_ipdc, "merge product texts from a Flemish IPDC JSON-LD file"),
    "missing": (cmd_missing, "list municipal products that lack content in a language"),
    "stats": (cmd_stats, "catalogue statistics"),
    "resolve": (cmd_resolve, "which products a citizen's words find, with scores"),
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot.catalogue", description=__doc__)
    root.add_argument("--sources", type=Path, default=paths.knowledge_dir(),
                      help="catalogue sources (default: knowledge/)")
    root.add_argument("--database", type=Path, default=paths.database_path(),
                      help="database (default: build/catalogue.db)")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = {name: commands.add_parser(name, help=text, description=text) for name, (_, text) in COMMANDS.items()}
    sub["import-upl"].add_argument("file", type=Path, help="UPL-actueel.csv")
    sub["import-upl"].add_argument("--sdg", type=Path, help="SDG-Informatiegebieden.csv (default: beside the UPL file)")
    sub["import-sdg"].add_argument("file", type=Path, help="SDG/PDC export (JSON)")
    sub["import-ipdc"].add_argument("file", type=Path, help="IPDC JSON-LD page")
    sub["missing"].add_argument("--language", default="nl")
    sub["missing"].add_argument("--full", action="store_true", help="require every answer field, not only a summary")
    sub["resolve"].add_argument("text")
    sub["resolve"].add_argument("--language", default="nl")
    sub["resolve"].add_argument("--limit", type=int, default=5)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command][0](args)
    except CatalogueError as error:
        print(f"catalogue error ({len(error.problems)} problem{'s' * (len(error.problems) != 1)}):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
