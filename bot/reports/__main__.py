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


def deliver(args) -> int:
    """Pass stored reports on to the outside systems that are configured (SIGNALEN_URL, ...)."""
    import asyncio

    from bot.catalogue.repository import CatalogueRepository
    from bot.reports.delivery import configured_destinations, work
    from bot.reports.store import ReportStore
    from bot.settings import Reports
    settings, storage = Reports.from_environment(), Storage.from_environment()
    catalogue = CatalogueRepository(storage.catalogue_db)
    town_hall = (catalogue.municipality().get("address") or {}).get("location")
    if not town_hall:
        print("knowledge/municipality.yml: address.location [latitude, longitude] is needed "
              "for reports without a place", file=sys.stderr)
        return 2
    destinations = configured_destinations(settings, storage.catalogue_sources, catalogue.languages(),
                                           (float(town_hall[0]), float(town_hall[1])))
    if not destinations:
        print("no outside system is configured (SIGNALEN_URL): reports stay in the staff console's Meldingen")
        return 0
    print(f"delivering to {', '.join(d.name for d in destinations)} every {settings.deliver_every_seconds:g} s")
    asyncio.run(work(ReportStore(), destinations, settings.deliver_every_seconds, once=args.once))
    return 0


def purge(args) -> int:
    """Forget who reported (contact, photo, conversation) once a report is done and the retention
    period (retention_days of municipality.yml, or --days) has passed."""
    from bot.catalogue.repository import CatalogueRepository
    from bot.reports.store import ReportStore
    days = args.days
    if days is None:
        municipality = CatalogueRepository(Storage.from_environment().catalogue_db).municipality()
        days = int(municipality.get("retention_days", 30))
    print(f"forgot who reported {ReportStore().purge(days)} reports done more than {days} days ago")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.reports", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    addresses = commands.add_parser("import-addresses", help=import_addresses.__doc__)
    addresses.add_argument("file", type=Path)
    addresses.add_argument("--municipality", help="keep only the rows of this municipality (column gemeente)")
    addresses.add_argument("--sources", type=Path, default=None,
                           help="the knowledge folder (default: CATALOGUE_SOURCES)")
    worker = commands.add_parser("deliver", help=deliver.__doc__)
    worker.add_argument("--once", action="store_true", help="one round, then stop")
    forget = commands.add_parser("purge", help=purge.__doc__)
    forget.add_argument("--days", type=int, help="retention in days (default: retention_days of municipality.yml)")
    args = parser.parse_args(argv)
    if args.command == "deliver":
        return deliver(args)
    if args.command == "purge":
        return purge(args)
    args.sources = args.sources or Storage.from_environment().catalogue_sources
    return import_addresses(args)


if __name__ == "__main__":
    raise SystemExit(main())
