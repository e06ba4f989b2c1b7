"""Import product texts from the Flemish IPDC (Interbestuurlijke Producten- en Dienstencatalogus).

Input: a JSON-LD page of the IPDC LDES feed, `{"@type": "EventStream", "member": [...]}` with
ConceptSnapshot (or InstantieSnapshot) members; a bare list of members or one member is accepted
too. Texts are language maps (`{"nl": ..., "en": ..., "nl-BE-x-generated-formal": ...}`) holding
HTML. Dutch is the `nl` entry; the generated variants (formal first) are used only when there is
no plain `nl`. The feed's test data ends texts in " - nl", " - formal", ...: that suffix is dropped.

A member whose Dutch name, lower-cased, is a UPL name updates that UPL product; any other member is a
product of the municipality's own: `local: true`, id = its Dutch name lower-cased.

  beschrijving              -> summary
  voorwaarden[].beschrijving -> who
  procedures[].beschrijving -> how_to_apply
  voorwaarden[].bewijs, bewijsstukken/documenten -> bring (a list)
  kosten[].beschrijving     -> good_to_know (IPDC costs are texts, not amounts)

for nl, en and fr (the languages municipality.yml configures). HTML becomes plain text
(html.parser); no tag is kept. Lists are read in their `order`. Archived members (`gearchiveerd`)
are not imported; of several versions of one concept (`isVersionOf`) the latest is.

Every member is checked before anything is written; one bad member fails the whole import with a
CatalogueError naming the file, the member and the field (e.g. `member[2].naam.nl`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.importers.plaintext import html_blocks, inline_html_to_text, list_items, render
from bot.catalogue.importers.productfiles import (
    Context,
    ImportReport,
    ProductTexts,
    load_context,
    merge_and_write,
    read_json,
    strip_test_suffix,
    type_name,
)
from bot.catalogue.model import slug

LANGUAGES = ("nl", "en", "fr")
DUTCH_VARIANTS = ("nl-BE-x-generated-formal", "nl-BE-x-generated-informal")
DOCUMENT_KEYS = ("bewijsstukken", "documenten", "documents")


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _suffix_tags(key: str) -> tuple[str, ...]:
    """Test suffixes the feed appends to a value of language `key`."""
    if key.startswith("nl-BE-x-generated-"):
        variant = key[len("nl-BE-x-generated-"):]
        return (variant, f"generated-{variant}")
    return (key,)


@dataclass
class _Member:
    position: int
    where: str
    label: str
    concept: str
    stamp: str
    archived: bool
    product_id: str
    local: bool
    texts: dict


class _Reader:
    def __init__(self, path: Path, context: Context):
        self.file = str(path)
        self.context = context
        self.problems: list[SourceProblem] = []
        self.lower_ids = {product_id.lower(): product_id for product_id in context.products}

    def problem(self, where: str, label: str, message: str) -> None:
        self.problems.append(SourceProblem(self.file, None, where, f"{label}: {message}"))

    # ── language maps ────────────────────────────────────────────────────────────────────────

    def language_map(self, value, where: str, label: str) -> dict[str, str] | None:
        """{language: raw text}; None (and a problem) when `value` is not a language map."""
        if value is None:
            return {}
        result: dict[str, str] = {}
        if isinstance(value, dict) and not {"@value", "@language"} & set(value):
            for language, text in value.items():
                if isinstance(text, list) and all(isinstance(t, str) for t in text):
                    text = "\n".join(text)
                if not isinstance(text, str):
                    self.problem(_join(where, language), label, f"must be a text, not {type_name(text)}")
                    return None
                result[language] = text
            return result
        entries = value if isinstance(value, list) else [value]
        for index, entry in enumerate(entries):          # expanded JSON-LD: [{"@value", "@language"}]
            if not (isinstance(entry, dict) and isinstance(entry.get("@value"), str)):
                self.problem(where, label,
                             f"must be a language map such as {{\"nl\": \"...\"}}, not {type_name(value)}")
                return None
            language = entry.get("@language") or "nl"
            result[language] = (result[language] + "\n" if language in result else "") + entry["@value"]
        return result

    @staticmethod
    def pick(texts: dict[str, str], language: str) -> tuple[str, str] | None:
        """(key, raw text) of `language` in a language map; for Dutch, plain `nl` before the generated variants."""
        keys = [language, *(DUTCH_VARIANTS if language == "nl" else ())]
        keys += sorted(k for k in texts if k.lower().startswith(language + "-") and k not in keys)
        for key in keys:
            if isinstance(texts.get(key), str) and texts[key].strip():
                return key, texts[key]
        return None

    @staticmethod
    def clean(key: str, raw: str) -> str:
        return strip_test_suffix(raw.strip(), *_suffix_tags(key)).strip()

    def html(self, texts: dict[str, str], language: str) -> list | None:
        """Blocks of the text in `language`, None when there is none."""
        picked = self.pick(texts, language)
        if picked is None:
            return None
        key, raw = picked
        tags = _suffix_tags(key)
        blocks = []
        for kind, level, value in html_blocks(self.clean(key, raw)):
            if kind == "list":
                value = [v for v in (strip_test_suffix(item, *tags).strip() for item in value) if v]
            else:
                value = strip_test_suffix(value, *tags).strip()
            if value:
                blocks.append((kind, level, value))
        return blocks or None

    # ── members ──────────────────────────────────────────────────────────────────────────────

    def objects(self, member: dict, key: str, where: str, label: str) -> list[tuple[str, dict]]:
        """The objects of list `key`, in their `order`, each with its field path."""
        value = member.get(key)
        if value is None:
            return []
        at = _join(where, key)
        if isinstance(value, dict):
            entries = [(at, value)]
        elif isinstance(value, list):
            entries = [(_join(at, i), v) for i, v in enumerate(value)]
        else:
            self.problem(at, label, f"must be a list, not {type_name(value)}")
            return []
        result = []
        for position, (path, entry) in enumerate(entries):
            if not isinstance(entry, dict):
                self.problem(path, label, f"must be an object, not {type_name(entry)}")
                continue
            order = entry.get("order")
            if order is not None and (isinstance(order, bool) or not isinstance(order, (int, float))):
                self.problem(_join(path, "order"), label, f"must be a number, not {type_name(order)}")
                continue
            result.append((order if order is not None else float("inf"), position, path, entry))
        return [(path, entry) for _, _, path, entry in sorted(result, key=lambda r: (r[0], r[1]))]

    def described(self, entries: list[tuple[str, dict]], label: str) -> list[tuple[dict, dict]]:
        """(description map, name map) of each object."""
        result = []
        for path, entry in entries:
            description = self.language_map(entry.get("beschrijving"), _join(path, "beschrijving"), label)
            name = self.language_map(entry.get("naam"), _join(path, "naam"), label)
            if description is not None and name is not None:
                result.append((description, name))
        return result

    def texts_of(self, parts: list[tuple[dict, dict]], language: str, or_name: bool = False) -> list[list]:
        """Blocks of each part in `language`: its description (or else, with `or_name`, its name;
        a document's name is what to bring, a condition's name is only a title)."""
        found = []
        for description, name in parts:
            blocks = self.html(description, language) or (self.html(name, language) if or_name else None)
            if blocks:
                found.append(blocks)
        return found

    def read(self, index: int, member, where: str) -> _Member | None:
        label = f"record {index + 1}"
        if not isinstance(member, dict):
            self.problem(where or "(record)", label, f"must be an object, not {type_name(member)}")
            return None
        if isinstance(member.get("@id"), str):
            label += f" ({member['@id']})"
        ok = len(self.problems)

        names = self.language_map(member.get("naam"), _join(where, "naam"), label)
        name = None
        if names is not None:
            picked = self.pick(names, "nl")
            if picked is not None:
                name = re.sub(r"\s+", " ", inline_html_to_text(self.clean(*picked))).strip()
            if not name:
                field = _join(where, "naam") if "naam" not in member or not names else _join(_join(where, "naam"), "nl")
                self.problem(field, label, "missing name (no Dutch 'naam')")
            else:
                label += f" '{name}'"
        descriptions = self.language_map(member.get("beschrijving"), _join(where, "beschrijving"), label)
        if descriptions is not None and self.html(descriptions, "nl") is None:
            field = _join(where, "beschrijving") if not descriptions else _join(_join(where, "beschrijving"), "nl")
            self.problem(field, label, "missing Dutch text (no Dutch 'beschrijving')")

        conditions = self.objects(member, "voorwaarden", where, label)
        condition_texts = self.described(conditions, label)
        proofs = []
        for path, condition in conditions:
            proof = condition.get("bewijs")
            if proof is None:
                continue
            if isinstance(proof, dict):
                proofs += self.described([(_join(path, "bewijs"), proof)], label)
            elif isinstance(proof, list):
                proofs += self.described(self.objects(condition, "bewijs", path, label), label)
            else:
                self.problem(_join(path, "bewijs"), label, f"must be an object, not {type_name(proof)}")
        for key in DOCUMENT_KEYS:
            proofs += self.described(self.objects(member, key, where, label), label)
        procedures = self.described(self.objects(member, "procedures", where, label), label)
        costs = self.described(self.objects(member, "kosten", where, label), label)

        archived = member.get("gearchiveerd")
        if archived is not None and not isinstance(archived, bool):
            self.problem(_join(where, "gearchiveerd"), label, f"must be true or false, not {type_name(archived)}")
        if len(self.problems) > ok:
            return None
        # Both are None only when a problem was recorded above.
        assert name is not None and descriptions is not None

        product_id = name.lower()
        local = product_id not in self.lower_ids
        product_id = product_id if local else self.lower_ids[product_id]
        if not slug(product_id):
            self.problem(_join(_join(where, "naam"), "nl"), label,
                         "the name has no letters or digits to name a file after")
            return None

        texts: dict[str, dict] = {}
        for language in LANGUAGES:
            fields: dict = {}
            summary = self.html(descriptions, language)
            if summary:
                fields["summary"] = render(summary)
            who = self.texts_of(condition_texts, language)
            if who:
                fields["who"] = "\n\n".join(render(b) for b in who)
            how = self.texts_of(procedures, language)
            if how:
                fields["how_to_apply"] = "\n\n".join(render(b) for b in how)
            bring = list(dict.fromkeys(item for blocks in self.texts_of(proofs, language, or_name=True)
                                       for item in list_items(blocks)))
            if bring:
                fields["bring"] = bring
            cost = self.texts_of(costs, language)
            if cost:
                fields["good_to_know"] = "\n\n".join(render(b) for b in cost)
            fields = {k: v for k, v in fields.items() if v}
            if fields:
                texts[language] = fields
        concept = next((member[k] for k in ("isVersionOf", "@id") if isinstance(member.get(k), str)), f"#{index}")
        stamp = next((member[k] for k in ("generatedAtTime", "laatstGewijzigd") if isinstance(member.get(k), str)), "")
        return _Member(index, where, label, concept, stamp, bool(archived), product_id, local, texts)


def _members(data, file: str) -> tuple[list, str | None]:
    """The members and the field path they are under ("" for a bare list, None for a single member)."""
    if isinstance(data, dict):
        for key in ("member", "@graph"):
            if key in data:
                value = data[key]
                if isinstance(value, dict):
                    return [value], key
                if isinstance(value, list):
                    return value, key
                raise CatalogueError([SourceProblem(file, None, key,
                                                    f"must be a list of members, not {type_name(value)}")])
        if "naam" in data:
            return [data], None
    if isinstance(data, list):
        return data, ""
    raise CatalogueError([SourceProblem(
        file, None, "member",
        "not an IPDC page: expected an object with 'member', a list of members or one member")])


def import_ipdc(path: Path, knowledge_dir: Path) -> ImportReport:
    """Merge the texts of an IPDC JSON-LD page into knowledge_dir/products; write all or nothing."""
    path, knowledge_dir = Path(path), Path(knowledge_dir)
    context = load_context(knowledge_dir)
    members, prefix = _members(read_json(path), str(path))
    reader = _Reader(path, context)
    read = []
    for index, member in enumerate(members):
        where = "" if prefix is None else _join(prefix, index) if prefix else f"[{index}]"
        result = reader.read(index, member, where)
        if result is not None:
            read.append(result)
    if reader.problems:
        raise CatalogueError(reader.problems)

    latest: dict[str, _Member] = {}
    for member in read:                 # several versions of one concept: the latest counts
        current = latest.get(member.concept)
        if current is None or (member.stamp, member.position) >= (current.stamp, current.position):
            latest[member.concept] = member
    skipped: list[str] = []
    by_product: dict[str, _Member] = {}
    problems = []
    for member in sorted(latest.values(), key=lambda m: m.position):
        if member.archived:
            skipped.append(f"{member.product_id}: {member.label} ({member.where}) is archived; not imported")
            continue
        other = by_product.get(member.product_id)
        if other is not None:
            problems.append(SourceProblem(
                str(path), None, _join(member.where, "naam"),
                f"{member.label}: the same product '{member.product_id}' as {other.label} ({other.where})"))
            continue
        by_product[member.product_id] = member
    if problems:
        raise CatalogueError(problems)
    updates = [ProductTexts(m.product_id, f"{m.label} ({m.where})", m.texts, local=m.local)
               for m in by_product.values()]
    report = merge_and_write(updates, context, len(members))
    report.skipped = skipped + report.skipped
    return report
