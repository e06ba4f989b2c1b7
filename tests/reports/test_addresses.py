"""Where a report is: the embedded address list, finding a place in a citizen's words, and the
importer of a BAG extract that names file, line and field of every row it refuses."""
import subprocess
import sys

import pytest

from bot.catalogue.errors import CatalogueError
from bot.reports.addresses import AddressBook, read_addresses
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def book():
    return AddressBook.load(PROJECT / "knowledge")


@pytest.mark.parametrize("words, kind, known_as", [
    ("de lantaarnpaal voor kerkstraat 12 is kapot", "address", "Kerkstraat 12, "),
    ("kerkstraaat 12", "address", "Kerkstraat 12, "),                         # a typo in the street
    ("beukenlaan 17a", "address", "Beukenlaan 17A, "),
    ("1234 AB 1", "address", "Marktplein 1, 1234 AB Voorbeeldstad"),          # postcode and number
    ("losse stoeptegel in de molenweg", "street", "Molenweg"),               # no number
    ("parklaan 999", "street", "Parklaan"),                                  # a number the street lacks
    ("hoek Kerkstraat / Molenweg", "crossing", "Kerkstraat / Molenweg"),
    ("bij de kerk ligt afval", "place", "kerk"),
    ("near the railway station", "place", "station"),
    ("ergens in het bos achter de wei", "described", None),
    ("3512 JK 10", "outside", "3512 JK"),                                    # another municipality's postcode
])
def test_a_place_is_found_in_a_citizens_words(book, words, kind, known_as):
    location = book.locate(words)
    assert location.kind == kind and location.description == words
    assert (location.known_as or "").startswith(known_as or "") and (known_as is None) == (location.known_as is None)
    assert (location.point is not None) == (kind not in ("described", "outside"))


def test_a_crossing_lies_between_its_streets(book):
    crossing = book.locate("kruispunt molenweg en kerkstraat").point
    kerk, molen = book.locate("kerkstraat").point, book.locate("molenweg").point
    assert min(kerk[0], molen[0]) - 0.02 < crossing[0] < max(kerk[0], molen[0]) + 0.02


BAG = """openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;gemeente;provincie;object_id;x;y;lon;lat
Dorpsstraat;1;;;9999 ZZ;Ergens;Ergenshuizen;Utrecht;1;1;1;5.1;52.1
Dorpsstraat;two;;;9999 ZZ;Ergens;Ergenshuizen;Utrecht;2;1;1;5.1;52.1
Dorpsstraat;3;;;99 ZZ;Ergens;Ergenshuizen;Utrecht;3;1;1;5.1;52.1
Dorpsstraat;4;;;9999 ZZ;Ergens;Ergenshuizen;Utrecht;4;1;1;east;52.1
Kerkweg;5;b;2;9999zy;Ergens;Ergenshuizen;Utrecht;5;1;1;5.2;52.2
Stationsweg;6;;;1111 AA;Elders;Anderstad;Utrecht;6;1;1;5.3;52.3
"""


def test_the_importer_reads_a_bag_extract_and_names_every_refused_row(tmp_path):
    extract = tmp_path / "bagadres.csv"
    extract.write_text(BAG, encoding="utf-8")
    (tmp_path / "reports").mkdir()
    result = subprocess.run([sys.executable, "-m", "bot.reports", "import-addresses", str(extract),
                             "--municipality", "Ergenshuizen", "--sources", str(tmp_path)],
                            cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "2 addresses, 2 streets, 3 rows refused" in result.stdout
    assert f"{extract}:3: field 'huisnummer'" in result.stdout
    assert f"{extract}:4: field 'postcode'" in result.stdout
    assert f"{extract}:5: field 'lat'" in result.stdout
    addresses, refused = read_addresses(tmp_path / "reports" / "addresses.csv")
    assert refused == [] and [a.label() for a in addresses] == [
        "Dorpsstraat 1, 9999 ZZ Ergens", "Kerkweg 5B-2, 9999 ZY Ergens"]
    assert AddressBook(addresses, []).locate("kerkweg 5b").known_as == "Kerkweg 5B-2, 9999 ZY Ergens"


def test_an_extract_without_the_needed_columns_is_refused_whole(tmp_path):
    extract = tmp_path / "adressen.csv"
    extract.write_text("straat,nummer,plaats\nDorpsstraat,1,Ergens\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        read_addresses(extract)
    assert [(p.line, p.field) for p in raised.value.problems] == [(1, "huisnummer"), (1, "lat"), (1, "lon")]
