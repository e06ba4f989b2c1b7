"""The consoles' labels, one YAML file per language in bot/console/labels/ (the consoles are in
Dutch today: nl.yml), read once when first needed. `label(group, code)` falls back to the code."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

LABELS_DIR = Path(__file__).parent / "labels"
CONSOLE_LANGUAGE = "nl"


@functools.lru_cache(maxsize=None)
def labels(language: str = CONSOLE_LANGUAGE) -> dict[str, dict[str, str]]:
    return yaml.safe_load((LABELS_DIR / f"{language}.yml").read_text(encoding="utf-8"))


def label(group: str, code: str) -> str:
    return labels()[group].get(code, code)
