"""Import the Uniforme Productnamenlijst CSV (UPL-actueel.csv) into knowledge/upl.csv."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from bot.catalogue.atomic import write_text
from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.model import AUDIENCES, KINDS, LAYERS, slug
from bot.catalogue.sources import UPL_COLUMNS

PLACEHOLDER = "UPL-naam nog niet beschikbaar"
REQUIRED = ("UniformeProductnaam", "URI", *LAYERS, *AUDIENCES, "Aanvraag", "Subsidie", "Melding", "Verplichting", "SDG")


def read_sdg_areas(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["SDG_Code"]: row["SDG_Informatiegebied"] for row in csv.DictReader(handle)}


def parse_upl(path: Path, sdg_areas: dict[str, str]) -> list[dict]:
    """One row per unique product name; the UPL repeats a name once per legal basis."""
    problems: list[SourceProblem] = []
    merged: dict[str, dict] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError([SourceProblem(str(path), 1, missing[0], "column missing from the header")])
        for row in reader:
            name = (row["UniformeProductnaam"] or "").strip()
            if not name:
                problems.append(SourceProblem(str(path), reader.line_num, "UniformeProductnaam", "empty"))
                continue
            if name == PLACEHOLDER:
                continue
            uri = (row["URI"] or "").strip()
            if not uri.startswith("http"):
                problems.append(SourceProblem(str(path), reader.line_num, "URI", f"not a URI: '{uri}'"))
                continue
            flags = {column: (row[column] or "").strip().upper() == "X" for column in REQUIRED[2:]}
            entry = merged.setdefault(name, {"id": name, "uri": uri, "layers": set(), "audience": set(), "kinds": set(),
                                             "sdg_code": ""})
            entry["layers"] |= {layer for layer in LAYERS if flags[layer]}
            entry["audience"] |= {a for a in AUDIENCES if flags[a]}
            entry["kinds"] |= {kind for kind in KINDS if flags[kind.capitalize()]}
            entry["sdg_code"] = entry["sdg_code"] or (row["SDG"] or "").strip()
    if problems:
        raise CatalogueError(problems)
    rows = []
    for entry in sorted(merged.values(), key=lambda e: e["id"]):
        rows.append({
            "id": entry["id"], "uri": entry["uri"],
            "layers": ";".join(layer for layer in LAYERS if layer in entry["layers"]),
            "audience": ";".join(a for a in AUDIENCES if a in entry["audience"]),
            "kinds": ";".join(k for k in KINDS if k in entry["kinds"]),
            "sdg_code": entry["sdg_code"], "sdg_area": sdg_areas.get(entry["sdg_code"], ""),
        })
    return rows


@dataclass
class UplImportReport:
    products: int
    kept_from_previous: list[str]      # left the UPL, kept because they have municipal texts


def import_upl(upl_csv: Path, knowledge_dir: Path, sdg_csv: Path | None = None) -> UplImportReport:
    """Rewrite knowledge/upl.csv from a (newer) UPL. Products that left the UPL but still have
    municipal texts are kept, so that importing never loses content."""
    upl_csv = Path(upl_csv)
    sdg_csv = sdg_csv or upl_csv.with_name("SDG-Informatiegebieden.csv")
    rows = parse_upl(upl_csv, read_sdg_areas(Path(sdg_csv)))
    target = Path(knowledge_dir) / "upl.csv"
    new_ids = {row["id"] for row in rows}
    kept = []
    if target.exists():
        with target.open(encoding="utf-8", newline="") as handle:
            described = {p.stem for p in (Path(knowledge_dir) / "products").glob("*.yml")}
            for old in csv.DictReader(handle):
                if old["id"] not in new_ids and slug(old["id"]) in described:
                    kept.append(old)
    rows = sorted(rows + kept, key=lambda r: r["id"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=UPL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text(target, buffer.getvalue())
    return UplImportReport(products=len(rows), kept_from_previous=[r["id"] for r in kept])
