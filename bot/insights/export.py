"""The insights as CSV, without personal data.

Every text cell passes bot.handover.privacy.redact (BSN, phone numbers, e-mail addresses, IBANs,
postcodes, street addresses), no table has a conversation id, and a cell that a spreadsheet would
read as a formula (=, +, -, @ first) is prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io

from bot.handover.privacy import redact
from bot.insights.repository import Report

SEPARATOR = " | "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

TABLES: dict[str, tuple[str, ...]] = {
    "unanswered": ("week", "language", "not_understood", "thumbs_down"),
    "questions": ("question", "count", "languages", "first_week", "last_week", "not_understood", "thumbs_down",
                  "suggested_product", "examples"),
    "products": ("week", "language", "product", "questions", "conversations"),
    "containment": ("week", "language", "conversations", "handed_over", "contained", "containment", "handover_rate"),
    "handovers": ("week", "language", "kind", "reason", "team", "count"),
    "satisfaction": ("week", "language", "scores", "average", "score_1", "score_2", "score_3", "score_4", "score_5",
                     "thumbs_up", "thumbs_down"),
}
LONG_COLUMNS = ("table", "week", "language", "item", "measure", "value")
# Per table: the columns that name what a row is about (in the long format: "item").
ITEMS = {"products": ("product",), "handovers": ("kind", "reason", "team"), "questions": ("question",)}


def safe_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = redact(str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def rows(report: Report, table: str) -> list[dict]:
    if table == "questions":
        return [{
            "question": row.group.representative, "count": row.group.count,
            "languages": ",".join(row.group.languages), "first_week": row.group.weeks[0],
            "last_week": row.group.weeks[-1], "not_understood": row.group.sources.get("fallback", 0),
            "thumbs_down": row.group.sources.get("thumbs_down", 0), "suggested_product": row.suggested,
            "examples": SEPARATOR.join(row.group.examples),
        } for row in report.groups]
    return getattr(report, table)


def _write(columns, records) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([safe_cell(record.get(column)) for column in columns])
    return buffer.getvalue()


def table_csv(report: Report, table: str) -> str:
    if table not in TABLES:
        raise KeyError(table)
    return _write(TABLES[table], rows(report, table))


def report_csv(report: Report) -> str:
    """Every table in one file, one figure per row: table, week, language, item, measure, value."""
    records = []
    for table, columns in TABLES.items():
        items = ITEMS.get(table, ())
        for row in rows(report, table):
            item = " / ".join(str(row.get(c) or "") for c in items)
            for column in columns:
                if column in ("week", "language") or column in items:
                    continue
                records.append({"table": table, "week": row.get("week", ""), "language": row.get("language", ""),
                                "item": item, "measure": column, "value": row.get(column)})
    return _write(LONG_COLUMNS, records)
