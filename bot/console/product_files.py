"""Product files (knowledge/products/*.yml) as the editors change them: read into form values,
changed from a form or by one phrase from the insights, and written back as round-trip YAML that
keeps the rest of the file as it was (comments, order, quoting). No web and no database here:
the pages (bot.console.editor) and publishing (bot.console.publishing) use these functions.
"""
from __future__ import annotations

import difflib
import hashlib

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.catalogue import product_yaml
from bot.catalogue import text as catalogue_text
from bot.catalogue.model import LIST_TEXT_FIELDS, TEXT_FIELDS
from bot.console.labels import label

MAX_FIELD = 4000
MAX_PHRASE = 120
MAX_EXAMPLE = 300
# Per language, besides the texts: the citizens' words for the product, one per line.
PHRASE_FIELDS = ("synonyms", "examples")
# A long list of examples is longer than a text field may be.
MAX_PHRASE_FIELD = 20000


class EditError(Exception):
    """A change that cannot be made as asked (not a validation problem of the sources)."""


class ConflictError(EditError):
    pass


# ── the product file: YAML that keeps its layout ──────────────────────────────────────────────
def load_mapping(content: str | None, product_id: str) -> CommentedMap:
    if content is None:
        return CommentedMap([("id", product_id)])
    try:
        data = product_yaml.load(content)
    except Exception as error:   # ruamel raises several error types for broken YAML
        raise EditError(f"het bestand is geen geldige YAML: {error}") from None
    if not isinstance(data, CommentedMap):
        raise EditError("het bestand is geen mapping van sleutels en waarden")
    return data


def dump(data: CommentedMap) -> str:
    return product_yaml.dump(data)


def clean_text(value: str) -> str:
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def clean_lines(value: str) -> list[str]:
    return [line.strip() for line in clean_text(value).split("\n") if line.strip()]


def unique(phrases: list[str]) -> list[str]:
    seen, result = set(), []
    for phrase in phrases:
        key = " ".join(catalogue_text.fold(phrase).split())
        if key not in seen:
            seen.add(key)
            result.append(" ".join(phrase.split()))
    return result


def form_values(content: str | None, product_id: str, languages: list[str]) -> dict[str, dict[str, str]]:
    """Per language, the textarea contents for every field (lists one item per line)."""
    data = load_mapping(content, product_id)
    texts = data.get("texts") if isinstance(data.get("texts"), dict) else {}
    values = {}
    for language in languages:
        block = texts.get(language)
        if not isinstance(block, dict):
            block = {}
        entry = {}
        for name in TEXT_FIELDS:
            value = block.get(name)
            entry[name] = "\n".join(str(v) for v in value) if isinstance(value, list) else (str(value) if value else "")
        for key in PHRASE_FIELDS:
            by_language = data.get(key)
            phrases = by_language.get(language) if isinstance(by_language, dict) else None
            entry[key] = "\n".join(str(p) for p in phrases) if isinstance(phrases, list) else ""
        values[language] = entry
    return values


def parse_form(form, languages: list[str]) -> dict[str, dict[str, str]]:
    """The posted textareas, as form_values gives them (raw, for showing the form again)."""
    values = {}
    for language in languages:
        entry = {}
        for name in (*TEXT_FIELDS, *PHRASE_FIELDS):
            raw = (form.get(f"{language}.{name}") or "") if form else ""
            limit = MAX_PHRASE_FIELD if name == "examples" else MAX_FIELD
            if len(raw) > limit:
                raise EditError(f"{label('languages', language)}, {label('fields', name)}: "
                                f"te lang (hoogstens {limit} tekens)")
            entry[name] = raw
        values[language] = entry
    return values


def _insert_position(mapping: CommentedMap, key: str, order: list[str]) -> int:
    """Where `key` goes among the keys of `mapping` that follow `order`."""
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    return position


def _set(mapping: CommentedMap, key: str, value, order: list[str]) -> None:
    if key in mapping:
        mapping[key] = value
    else:
        mapping.insert(_insert_position(mapping, key, order), key, value)


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def apply_values(content: str | None, product_id: str, values: dict[str, dict[str, str]],
                 languages: list[str]) -> str:
    """The product file with the form's texts and synonyms; everything else stays as it was."""
    data = load_mapping(content, product_id)
    if not isinstance(data.get("texts"), dict):
        _set(data, "texts", CommentedMap(), TOP_ORDER)
    texts = data["texts"]
    for language in languages:
        entry = values.get(language, {})
        block = texts.get(language) if isinstance(texts.get(language), dict) else None
        for name in TEXT_FIELDS:
            new: str | list[str]
            if name in LIST_TEXT_FIELDS:
                new = clean_lines(entry.get(name, ""))
            else:
                new = clean_text(entry.get(name, ""))
            if not new:
                if block is not None and block.get(name):      # an empty value ([]) the file has stays
                    del block[name]
                continue
            if block is None:
                block = CommentedMap()
                _set(texts, language, block, languages)
            current = block.get(name)
            if isinstance(new, list):                       # the list fields (LIST_TEXT_FIELDS)
                if isinstance(current, list) and [str(c) for c in current] == new:
                    continue
                if isinstance(current, CommentedSeq):
                    del current[:]
                    current.extend(new)
                else:
                    _set(block, name, CommentedSeq(new), list(TEXT_FIELDS))
            elif current != new:
                _set(block, name, LiteralScalarString(new) if "\n" in new else new, list(TEXT_FIELDS))
        if block is not None and not len(block):
            del texts[language]
    for key in PHRASE_FIELDS:
        _apply_phrases(data, key, {language: values.get(language, {}).get(key, "") for language in languages},
                       languages)
    return dump(data)


TOP_ORDER = ["id", "local", "theme", "handled_by", "channels", "texts", "synonyms", "examples"]


def _apply_phrases(data: CommentedMap, key: str, raw: dict[str, str], languages: list[str]) -> None:
    """Set the synonyms or examples (`key`) of the languages in `raw` (one per line); `languages`
    gives their order. Synonyms are short and stay on one line; examples get a line each."""
    synonyms = data.get(key)
    if not isinstance(synonyms, dict):
        synonyms = CommentedMap()
    for language in raw:
        new = unique(clean_lines(raw.get(language, "")))
        current = synonyms.get(language)
        if not new:
            if synonyms.get(language):
                del synonyms[language]
        elif isinstance(current, list) and [str(c) for c in current] == new:
            continue
        elif isinstance(current, CommentedSeq):
            del current[:]
            current.extend(new)
        else:
            _set(synonyms, language, _flow(new) if key == "synonyms" else CommentedSeq(new), languages)
    if len(synonyms):
        if key not in data:
            _set(data, key, synonyms, TOP_ORDER)
    elif key in data:
        del data[key]


PHRASE_NAMES = {"synonyms": "synoniem", "examples": "voorbeeldvraag"}


def add_phrase(content: str | None, product_id: str, key: str, language: str, phrase: str, languages: list[str]) -> str:
    """The product file with one more synonym or example (`key`) in `language`."""
    data = load_mapping(content, product_id)
    phrases = data.get(key) if isinstance(data.get(key), dict) else {}
    current = [str(p) for p in phrases.get(language) or []] if isinstance(phrases.get(language), list) else []
    if " ".join(catalogue_text.fold(phrase).split()) in {" ".join(catalogue_text.fold(p).split()) for p in current}:
        raise EditError(f"'{phrase}' is al een {PHRASE_NAMES[key]} van {product_id} ({language}).")
    _apply_phrases(data, key, {language: "\n".join([*current, phrase])}, languages)
    return dump(data)


def digest(content: str | None) -> str:
    return "" if content is None else hashlib.sha256(content.encode("utf-8")).hexdigest()


def diff(before: str | None, after: str | None, name: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs; kind is add, remove, hunk or context."""
    lines = difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(),
                                 fromfile=f"{name} (voor)", tofile=f"{name} (na)", lineterm="", n=2)
    result = []
    for line in lines:
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "context"
        result.append((kind, line))
    return result


