"""Where a report is: the municipality's addresses, and finding a place in a citizen's words.

The embedded default is an address list in knowledge/reports/addresses.csv (street, number,
letter, addition, postcode, place, coordinates; fictional for Voorbeeldstad), in the column
layout of NLExtract's BAG address export (`bagadres.csv`), so a municipality's own BAG extract
is read by the same code (`python -m bot.reports import-addresses`). No outside service is
needed; PDOK's Locatieserver can be asked as well (bot.integrations, off by default).

Citizens rarely type an address the way the BAG holds it: "kerkstraaat 12", "hoek Kerkstraat /
Molenweg", "bij de kerk", "achter de sporthal". `AddressBook.locate` finds, in this order: a
postcode with a number; a known street (typos tolerated) with or without a number; two streets
(a crossing); a named place (knowledge/reports/places.yml). What it cannot place stays the
citizen's description, sent without a point. A postcode of another municipality is told so.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.catalogue import text
from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.yamlfile import LocatedYaml

ADDRESSES_FILE = Path("reports") / "addresses.csv"
PLACES_FILE = Path("reports") / "places.yml"
REQUIRED = ("openbareruimte", "huisnummer", "woonplaats", "lat", "lon")
COLUMNS = ("openbareruimte", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats",
           "gemeente", "lat", "lon")
# Other exports name some columns differently.
ALIASES = {"straat": "openbareruimte", "straatnaam": "openbareruimte", "huistoevoeging": "huisnummertoevoeging",
           "toevoeging": "huisnummertoevoeging", "plaats": "woonplaats", "latitude": "lat", "longitude": "lon"}
POSTCODE = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")
POSTCODE_IN_TEXT = re.compile(r"\b(\d{4})\s?([a-z]{2})\b")
NUMBER_IN_TEXT = re.compile(r"\b(\d{1,5})\s?([a-z])?\b")
# A street name written with a typo still counts from this similarity (rapidfuzz ratio, 0-100).
STREET_SIMILARITY = 86


@dataclass(frozen=True)
class Address:
    street: str
    number: int
    letter: str
    addition: str
    postcode: str
    place: str
    lat: float
    lon: float

    def label(self) -> str:
        addition = f"-{self.addition}" if self.addition else ""
        return f"{self.street} {self.number}{self.letter}{addition}, {self.postcode} {self.place}".replace(" ,", ",")


@dataclass(frozen=True)
class Location:
    """Where the citizen says it is. `kind`: address, street, crossing, place, described or outside."""
    kind: str
    description: str                   # the citizen's own words, always kept
    known_as: str | None = None        # what the assistant found, for the summary
    point: tuple[float, float] | None = None
    address: Address | None = None


def _postcode(value: str) -> str | None:
    match = POSTCODE.match(value.strip())
    return f"{match.group(1)} {match.group(2).upper()}" if match else None


def read_addresses(path: Path, display: str | None = None,
                   municipality: str | None = None) -> tuple[list[Address], list[SourceProblem]]:
    """The addresses of a BAG-style CSV (`;` or `,`), and a problem (file, line, field) for
    every row that was refused. With `municipality`, rows of other municipalities (column
    `gemeente`) are left out. A file without the required columns is refused whole."""
    name = display or str(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=";" if first.count(";") > first.count(",") else ",")
        header = [ALIASES.get(column.strip().lower(), column.strip().lower()) for column in reader.fieldnames or []]
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise CatalogueError([SourceProblem(name, 1, column, "column missing") for column in missing])
        reader.fieldnames = header
        addresses, problems = [], []
        for row in reader:
            line = reader.line_num
            values = {k: (v or "").strip() for k, v in row.items() if k}
            if municipality and values.get("gemeente") and values["gemeente"].lower() != municipality.lower():
                continue
            address, refused = _address(values)
            if refused:
                problems.append(SourceProblem(name, line, refused[0], refused[1]))
            elif address:
                addresses.append(address)
    return addresses, problems


def _address(values: dict[str, str]) -> tuple[Address | None, tuple[str, str] | None]:
    if not values.get("openbareruimte"):
        return None, ("openbareruimte", "no street")
    if not values.get("huisnummer", "").isdigit() or int(values["huisnummer"]) < 1:
        return None, ("huisnummer", f"not a house number: {values.get('huisnummer')!r}")
    postcode = _postcode(values.get("postcode", "")) if values.get("postcode") else ""
    if postcode is None:
        return None, ("postcode", f"not a Dutch postcode: {values['postcode']!r}")
    try:
        lat, lon = float(values["lat"].replace(",", ".")), float(values["lon"].replace(",", "."))
    except ValueError:
        return None, ("lat", f"not coordinates: {values.get('lat')!r}, {values.get('lon')!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, ("lat", f"coordinates out of range: {lat}, {lon}")
    return Address(values["openbareruimte"], int(values["huisnummer"]), values.get("huisletter", "").upper(),
                   values.get("huisnummertoevoeging", ""), postcode, values.get("woonplaats", ""), lat, lon), None


def write_addresses(addresses: list[Address], path: Path) -> None:
    """The embedded default's layout: what `read_addresses` reads back."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(COLUMNS)
        for a in sorted(addresses, key=lambda a: (a.street, a.number, a.letter, a.addition)):
            writer.writerow([a.street, a.number, a.letter, a.addition, a.postcode, a.place, a.place,
                             f"{a.lat:.6f}", f"{a.lon:.6f}"])


@dataclass(frozen=True)
class Place:
    key: str
    words: tuple[str, ...]             # folded phrases, any language
    point: tuple[float, float]


def read_places(knowledge_dir: Path) -> list[Place]:
    path = knowledge_dir / PLACES_FILE
    if not path.exists():
        return []
    doc = LocatedYaml(path, str(PLACES_FILE))
    places, problems = [], []
    for key, block in (doc.data or {}).items():
        point = block.get("point") if isinstance(block, dict) else None
        words = block.get("words") if isinstance(block, dict) else None
        if not (isinstance(point, list) and len(point) == 2 and all(isinstance(v, (int, float)) for v in point)):
            problems.append(doc.problem("needs 'point: [lat, lon]'", key))
            continue
        if not isinstance(words, dict) or not words:
            problems.append(doc.problem("needs 'words' per language", key))
            continue
        phrases = tuple(" ".join(text.words(str(p))) for items in words.values() for p in (items or []))
        places.append(Place(str(key), tuple(p for p in phrases if p), (float(point[0]), float(point[1]))))
    if problems:
        raise CatalogueError(problems)
    return places


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two points (equirectangular: plenty within one municipality)."""
    x = math.radians(b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    y = math.radians(b[0] - a[0])
    return 6371000 * math.hypot(x, y)


class AddressBook:
    def __init__(self, addresses: list[Address], places: list[Place]):
        self.places = places
        self.by_street: dict[str, list[Address]] = {}
        for address in addresses:
            self.by_street.setdefault(" ".join(text.words(address.street)), []).append(address)
        self.postcodes = {a.postcode for a in addresses if a.postcode}
        self.by_postcode_number = {(a.postcode, a.number, a.letter): a for a in addresses}

    @classmethod
    def load(cls, knowledge_dir: Path) -> "AddressBook":
        addresses, problems = read_addresses(knowledge_dir / ADDRESSES_FILE, str(ADDRESSES_FILE))
        if problems:
            raise CatalogueError(problems)
        return cls(addresses, read_places(knowledge_dir))

    def locate(self, description: str) -> Location:
        folded = " ".join(text.words(description))
        postcode = POSTCODE_IN_TEXT.search(folded)
        if postcode:
            found = self._by_postcode(description, folded, postcode)
            if found:
                return found
        streets = self._streets_in(folded)
        if len(streets) >= 2:
            return self._crossing(description, streets[0][0], streets[1][0])
        if streets:
            street, end = streets[0]
            return self._on_street(description, street, folded[end:])
        for place in self.places:
            if any(re.search(rf"\b{re.escape(phrase)}\b", folded) for phrase in place.words):
                return Location("place", description, place.key, place.point)
        return Location("described", description)

    def _by_postcode(self, description: str, folded: str, match: re.Match) -> Location | None:
        code = f"{match.group(1)} {match.group(2).upper()}"
        if code not in self.postcodes:
            return Location("outside", description, code)
        number = NUMBER_IN_TEXT.search(folded[match.end():])
        if not number:
            return None
        letter = (number.group(2) or "").upper()
        address = (self.by_postcode_number.get((code, int(number.group(1)), letter))
                   or self.by_postcode_number.get((code, int(number.group(1)), "")))
        return Location("address", description, address.label(), (address.lat, address.lon), address) \
            if address else None

    def _streets_in(self, folded: str) -> list[tuple[str, int]]:
        """Known streets named in the text, in order, each with where its mention ends."""
        found: dict[str, int] = {}
        for street in sorted(self.by_street, key=len, reverse=True):
            position = folded.find(street)
            if position >= 0 and not any(street in other for other in found):
                found[street] = position + len(street)
        if not found:
            words = folded.split()
            for size in (3, 2, 1):
                for start in range(len(words) - size + 1):
                    window = " ".join(words[start:start + size])
                    if len(window) < 5 or window.isdigit():
                        continue
                    best = process.extractOne(window, list(self.by_street), scorer=fuzz.ratio,
                                              score_cutoff=STREET_SIMILARITY)
                    if best and best[0] not in found:
                        found[best[0]] = len(" ".join(words[:start + size]))
        return sorted(found.items(), key=lambda item: item[1])

    def _on_street(self, description: str, street: str, after: str) -> Location:
        houses = self.by_street[street]
        number = NUMBER_IN_TEXT.search(after)
        if number:
            letter = (number.group(2) or "").upper()
            wanted = int(number.group(1))
            address = next((a for a in houses if a.number == wanted and a.letter == letter), None) \
                or next((a for a in houses if a.number == wanted), None)
            if address:
                return Location("address", description, address.label(), (address.lat, address.lon), address)
        middle = sorted(houses, key=lambda a: a.number)[len(houses) // 2]
        return Location("street", description, houses[0].street, (middle.lat, middle.lon))

    def _crossing(self, description: str, one: str, other: str) -> Location:
        pairs = ((a, b) for a in self.by_street[one] for b in self.by_street[other])
        a, b = min(pairs, key=lambda pair: _distance((pair[0].lat, pair[0].lon), (pair[1].lat, pair[1].lon)))
        point = ((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
        return Location("crossing", description, f"{a.street} / {b.street}", point)
