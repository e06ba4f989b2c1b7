"""python -m bot.reports COMMAND --help: the report tools for editors."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.catalogue.errors import CatalogueError
from bot.reports.addresses import ADDRESSES_FILE, read_addresses, write_addresses
from bot.settings import Storage


def import_addresses(args) -> int:
    """Read a BAG address extract (NLExtract's bagadres.csv layout, `;` or `,`) into the
    municipality's address list. Rows that cannot be read are left out and named."""
    started = time.perf_counter()
    try:
        addresses, refused = read_addresses(args.file, municipality=args.municipality)
    except CatalogueError as error:
        print(error, file=sys.stderr)
        return 2
    if not addresses:
        print(f"{args.file}: no addresses" + (f" of {args.municipality}" if args.municipality else ""), file=sys.stderr)
        return 2
    target = args.sources / ADDRESSES_FILE
    write_addresses(addresses, target)
    print(f"{target}: {len(addresses)} addresses, {len({a.street for a in addresses})} streets, "
          f"{len(refused)} rows refused, in {time.perf_counter() - started:.1f} s")
    for problem in refused:
        print(f"  refused: {problem}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.reports", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    addresses = commands.add_parser("import-addresses", help=import_addresses.__doc__)
    addresses.add_argument("file", type=Path)
    addresses.add_argument("--municipality", help="keep only the rows of this municipality (column gemeente)")
    addresses.add_argument("--sources", type=Path, default=None,
                           help="the knowledge folder (default: CATALOGUE_SOURCES)")
    args = parser.parse_args(argv)
    args.sources = args.sources or Storage.from_environment().catalogue_sources
    return import_addresses(args)


if __name__ == "__main__":
    raise SystemExit(main())
