"""Product files as round-trip YAML: read and written so that what a change does not touch stays
as it was, comments, key order and quoting included. The editors' console and the importers both
write product files through this module, so an import no longer rewrites a file an editor wrote.
"""
from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap


def round_trip_yaml() -> YAML:
    """Round-trip YAML set up as the product files are written: unchanged parts stay byte for byte."""
    yaml = YAML(typ="rt")
    yaml.width = 4096               # type: ignore[assignment]  # ruamel.yaml types it as None, its default
    yaml.preserve_quotes = True     # type: ignore[assignment]  # ruamel.yaml types it as None, its default
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def load(content: str) -> Any:
    """The file's data with its layout; ruamel's own errors on broken YAML."""
    return round_trip_yaml().load(content)


def dump(data: Any) -> str:
    buffer = io.StringIO()
    round_trip_yaml().dump(data, buffer)
    return buffer.getvalue()


def update_in_place(target: CommentedMap, source: dict) -> None:
    """Make `target` hold `source`'s data, changing only what differs: equal values keep their
    quoting and comments, removed keys go, new keys take their place in `source`'s order."""
    for key in [k for k in target if k not in source]:
        del target[key]
    for position, (key, value) in enumerate(source.items()):
        if key not in target:
            before = sum(1 for k in list(source)[:position] if k in target)
            target.insert(before, key, value)
        elif isinstance(value, dict) and isinstance(target[key], CommentedMap):
            update_in_place(target[key], value)
        elif target[key] != value:
            target[key] = value
