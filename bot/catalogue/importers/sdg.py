"""Import product texts from a Dutch SDG/PDC product export (JSON) into knowledge/products/.

Two shapes of record are read, both in a paginated response `{"count", "next", "results": [...]}`
(a bare list of records is accepted too):

* the SDG Producten API (sdgapi.ondernemersplein.overheid.nl): one record per product *and
  language*: `upnUri`, `upnLabel`, `taal`, `titel`, `tekst` (Markdown), `links`, ...
* the PDC/SDG-invoervoorziening API: one record per product with `upnUri`, `upnLabel` and
  `vertalingen: [{taal, productTitelDecentraal, specifiekeTekst (Markdown), vereisten,
  procedureBeschrijving, bewijs, ...}]`.

A record belongs to the UPL product whose URI (`uri` in upl.csv) equals `upnUri`, or else whose
name (`id`) equals `upnLabel`. Of the text, the first paragraph (as plain text) becomes `summary`;
the rest becomes `good_to_know`, without sections about costs (amounts come from municipality.yml).
In the PDC shape `vereisten` -> who, `procedureBeschrijving` -> how_to_apply, `bewijs` -> bring.
Links are not imported: product pages come from municipality.yml.

Every record is checked before anything is written; one bad record fails the whole import with a
CatalogueError that names the file, the record and the field (JSON has no useful line numbers for
records, so the field is given as a path such as `results[3].vertalingen[0].tekst`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.importers.plaintext import Block, list_items, markdown_blocks, render
from bot.catalogue.importers.productfiles import (
    Context,
    ImportReport,
    ProductTexts,
    load_context,
    merge_and_write,
    normalise_uri,
    read_json,
    type_name,
)

# Headings of sections left out of good_to_know: costs and rates are municipal values.
COST_HEADING = re.compile(
    r"\b(kosten|kost|tarie(f|ven)|leges|prijs|prijzen|hoogte|bedrag(en)?|costs?|fees?|rates?|charges?|prices?)\b",
    re.IGNORECASE)
TEXT_KEYS = ("tekst", "specifiekeTekst")
TITLE_KEYS = ("titel", "productTitelDecentraal")
# PDC translation fields besides the text itself
PDC_FIELDS = (("vereisten", "who"), ("procedureBeschrijving", "how_to_apply"), ("bewijs", "bring"))


def split_text(markdown: str) -> dict[str, str]:
    """{'summary': first paragraph, 'good_to_know': the rest} as plain text (keys only when not empty)."""
    blocks = markdown_blocks(markdown)
    first = next((i for i, b in enumerate(blocks) if b[0] != "heading"), None)
    if first is None:
        summary = " ".join(b[2] for b in blocks)
        return {"summary": summary} if summary else {}
    taken = [first]
    # "There are two kinds:" followed by the list of kinds: the list belongs to the summary
    if blocks[first][0] == "para" and blocks[first][2].endswith(":") and first + 1 < len(blocks) \
            and blocks[first + 1][0] == "list":
        taken.append(first + 1)
    summary = render([blocks[i] for i in taken])
    rest = _without_empty_headings(_without_cost_sections([b for i, b in enumerate(blocks) if i not in taken]))
    fields = {"summary": summary}
    if rest:
        fields["good_to_know"] = render(rest)
    return fields


def _without_cost_sections(blocks: list[Block]) -> list[Block]:
    kept, skip_level = [], None
    for kind, level, value in blocks:
        if kind == "heading":
            if skip_level is not None and level > skip_level:
                continue
            skip_level = level if COST_HEADING.search(value) else None
            if skip_level is not None:
                continue
        elif skip_level is not None:
            continue
        kept.append((kind, level, value))
    return kept


def _without_empty_headings(blocks: list[Block]) -> list[Block]:
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if block[0] == "heading":
            following = next((b for b in blocks[index + 1:] if b[0] != "heading" or b[1] <= block[1]), None)
            if following is None or following[0] == "heading":
                continue
        kept.append(block)
    return kept


@dataclass
class _Translation:
    language: str
    fields: dict
    stamp: str           # laatstGewijzigd, to choose between two records for one product and language
    position: int
    where: str


@dataclass
class _Product:
    product_id: str
    records: list[str] = field(default_factory=list)
    translations: dict[str, _Translation] = field(default_factory=dict)

    def add(self, translation: _Translation) -> None:
        current = self.translations.get(translation.language)
        if current is None or (translation.stamp, translation.position) >= (current.stamp, current.position):
            self.translations[translation.language] = translation


class _Reader:
    def __init__(self, path: Path, context: Context):
        self.file = str(path)
        self.context = context
        self.problems: list[SourceProblem] = []
        self.products: dict[str, _Product] = {}
        self.lower_ids = {product_id.lower(): product_id for product_id in context.products}

    def problem(self, where: str, record: str, message: str) -> None:
        self.problems.append(SourceProblem(self.file, None, where, f"{record}: {message}"))

    def text(self, value, where: str, record: str, required: str | None = None) -> str | None:
        """A stripped text, None when absent or empty; a problem when it has the wrong type or
        when it is `required` (that message) and empty."""
        if value is not None and not isinstance(value, str):
            self.problem(where, record, f"must be a text, not {type_name(value)}")
            return None
        value = (value or "").strip()
        if not value and required:
            self.problem(where, record, required)
        return value or None

    def product_of(self, record: dict, where: str, label: str) -> str | None:
        uri = self.text(record.get("upnUri"), f"{where}.upnUri", label)
        name = self.text(record.get("upnLabel"), f"{where}.upnLabel", label)
        if uri is None and name is None:
            if not any(isinstance(record.get(k), (list, dict, int, float)) for k in ("upnUri", "upnLabel")):
                self.problem(f"{where}.upnUri", label, "missing UPL product (upnUri or upnLabel)")
            return None
        product_id = self.context.by_uri.get(normalise_uri(uri)) if uri else None
        if product_id is None and name is not None:
            product_id = name if name in self.context.products else self.lower_ids.get(name.lower())
        if product_id is None:
            shown = " / ".join(f"'{v}'" for v in (uri, name) if v)
            self.problem(f"{where}.upnUri" if uri else f"{where}.upnLabel", label,
                         f"{shown} is not a product of upl.csv (is the UPL up to date? see import-upl)")
        return product_id

    def read(self, index: int, record, where: str) -> None:
        label = f"record {index + 1}"
        if not isinstance(record, dict):
            self.problem(where, label, f"must be an object, not {type_name(record)}")
            return
        title = record.get("titel")
        if isinstance(title, str) and title.strip():
            label += f" ('{title.strip()}')"
        elif isinstance(record.get("id"), str):
            label += f" (id {record['id']})"
        product_id = self.product_of(record, where, label)
        changed = record.get("laatstGewijzigd")
        stamp = changed if isinstance(changed, str) else ""
        if "vertalingen" in record:
            translations = self.read_pdc(record, where, label, stamp, index)
        else:
            translations = self.read_flat(record, where, label, stamp, index)
        if product_id is None or translations is None:
            return
        product = self.products.setdefault(product_id, _Product(product_id))
        product.records.append(f"{label} ({where})")
        for translation in translations:
            product.add(translation)

    def read_flat(self, record: dict, where: str, label: str, stamp: str, index: int) -> list[_Translation] | None:
        """SDG Producten API: one language per record."""
        ok = len(self.problems)
        self.text(record.get("titel"), f"{where}.titel", label, required="missing name (titel)")
        language = self.text(record.get("taal"), f"{where}.taal", label, required="missing language (taal)")
        text = self.text(record.get("tekst"), f"{where}.tekst", label,
                         required="missing Dutch text (tekst)" if language == "nl" else "missing text (tekst)")
        if record.get("links") is not None and not isinstance(record.get("links"), list):
            self.problem(f"{where}.links", label, f"must be a list, not {type_name(record['links'])}")
        if len(self.problems) > ok or language is None or text is None:
            return None
        fields = split_text(text)
        if not fields:
            self.problem(f"{where}.tekst", label, "has no text once the Markdown is removed")
            return None
        return [_Translation(language.lower(), fields, stamp, index, where)]

    def read_pdc(self, record: dict, where: str, label: str, stamp: str, index: int) -> list[_Translation] | None:
        """PDC / SDG-invoervoorziening: every language of a product in `vertalingen`."""
        ok = len(self.problems)
        translations = record.get("vertalingen")
        if not isinstance(translations, list):
            self.problem(f"{where}.vertalingen", label, f"must be a list, not {type_name(translations)}")
            return None
        result, names = [], []
        dutch = None
        for position, translation in enumerate(translations):
            at = f"{where}.vertalingen[{position}]"
            if not isinstance(translation, dict):
                self.problem(at, label, f"must be an object, not {type_name(translation)}")
                continue
            language = self.text(translation.get("taal"), f"{at}.taal", label, required="missing language (taal)")
            if language is None:
                continue
            language = language.lower()
            text_key = next((k for k in TEXT_KEYS if k in translation), TEXT_KEYS[0])
            text = self.text(translation.get(text_key), f"{at}.{text_key}", label,
                             required="missing Dutch text" if language == "nl" else None)
            for key in TITLE_KEYS:
                name = self.text(translation.get(key), f"{at}.{key}", label)
                if name and language == "nl":
                    names.append(name)
            fields: dict[str, str | list[str]] = {}
            if text:
                fields.update(split_text(text))
            if language == "nl":
                dutch = at
                if text and not fields:
                    self.problem(f"{at}.{text_key}", label, "has no Dutch text once the Markdown is removed")
            for key, target in PDC_FIELDS:
                value = self.text(translation.get(key), f"{at}.{key}", label)
                if value:
                    blocks = markdown_blocks(value)
                    if target == "bring":
                        items = list_items(blocks)
                        if items:
                            fields[target] = items
                    elif render(blocks):
                        fields[target] = render(blocks)
            if fields:
                date = translation.get("datumWijziging")
                result.append(_Translation(language, fields, date if isinstance(date, str) else stamp, index, at))
        if dutch is None and len(self.problems) == ok:
            self.problem(f"{where}.vertalingen", label, "missing Dutch text (no translation with taal 'nl')")
        upl_name = record.get("upnLabel")
        if not names and not (isinstance(record.get("titel"), str) and record["titel"].strip()) \
                and not (isinstance(upl_name, str) and upl_name.strip()):
            self.problem(f"{where}.vertalingen", label, "missing name (productTitelDecentraal, titel or upnLabel)")
        return None if len(self.problems) > ok else result


def _records(data, file: str) -> tuple[list, str]:
    if isinstance(data, dict) and "results" in data:
        if not isinstance(data["results"], list):
            raise CatalogueError([SourceProblem(file, None, "results",
                                                f"must be a list of products, not {type_name(data['results'])}")])
        return data["results"], "results"
    if isinstance(data, list):
        return data, ""
    raise CatalogueError([SourceProblem(
        file, None, "results", "not an SDG/PDC export: expected an object with 'results' or a list of products")])


def import_sdg(path: Path, knowledge_dir: Path) -> ImportReport:
    """Merge the texts of an SDG/PDC export into knowledge_dir/products; write all or nothing."""
    path, knowledge_dir = Path(path), Path(knowledge_dir)
    context = load_context(knowledge_dir)
    records, prefix = _records(read_json(path), str(path))
    reader = _Reader(path, context)
    for index, record in enumerate(records):
        reader.read(index, record, f"{prefix}[{index}]")
    if reader.problems:
        raise CatalogueError(reader.problems)
    updates = []
    for product in reader.products.values():
        texts = {language: t.fields for language, t in product.translations.items()}
        texts = dict(sorted(texts.items(), key=lambda item: (item[0] != "nl", item[0])))
        updates.append(ProductTexts(product.product_id, ", ".join(product.records), texts))
    return merge_and_write(updates, context, len(records))
