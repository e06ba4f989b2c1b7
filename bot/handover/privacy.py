"""Removing personal data from text that goes to logs, analytics or exports."""
from __future__ import annotations

import re

# Order matters: IBAN and e-mail before the looser number patterns.
_PATTERNS = [
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)),
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("PHONE", re.compile(r"(?:\+|00)\d{2}[\s-]?(?:\(0\)\s?)?\d(?:[\s-]?\d){7,9}\b|\b0\d(?:[\s-]?\d){8}\b")),
    ("BSN", re.compile(r"\b\d{9}\b|\b\d{4}\.\d{2}\.\d{3}\b|\b\d{3}[\s.-]\d{3}[\s.-]\d{3}\b")),
    ("POSTCODE", re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b")),
    ("ADDRESS", re.compile(r"\b[A-Z][a-z]+(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|hof)\s+\d+[a-zA-Z]?\b")),
]


def redact(text: str) -> str:
    """Replace BSNs, phone numbers, e-mail addresses, IBANs, postcodes and street addresses."""
    for label, pattern in _PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text
