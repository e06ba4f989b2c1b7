"""CSV export of the insights: no personal data, no conversation ids."""
import csv
import io

import pytest
import sqlalchemy

from bot import storage
from bot.catalogue.repository import CatalogueRepository
from bot.handover.privacy import redact
from bot.insights import InsightsRepository, Period, export
from bot.insights.clusters import Group, Question
from bot.insights.repository import GroupRow
from tests.editor import data


@pytest.fixture(scope="module")
def report(conversation_data, catalogue_db):
    tracker, store, feedback = conversation_data
    return InsightsRepository(tracker, store, feedback, CatalogueRepository(catalogue_db)).report(
        Period(data.FIRST_WEEK, data.LAST_WEEK))


def all_csv(report) -> dict[str, str]:
    files = {table: export.table_csv(report, table) for table in export.TABLES}
    files["all"] = export.report_csv(report)
    return files


def test_the_fixture_really_contains_personal_data(conversation_data):
    tracker, _, _ = conversation_data
    with storage.engine_for(storage.url_of(tracker)).connect() as connection:
        raw = "\n".join(connection.execute(sqlalchemy.text("select data from events")).scalars())
    for value in data.PERSONAL:
        assert value in raw, value
    for value in data.PERSONAL:
        assert value not in redact(f"tekst {value} tekst"), value


def test_no_personal_data_and_no_conversation_ids_in_any_csv(report):
    for name, content in all_csv(report).items():
        for value in data.PERSONAL:
            assert value not in content, (name, value)
        digits = "".join(ch for ch in content if ch.isdigit() or ch == "\n")
        assert data.BSN not in digits and "12345678" not in content.replace("-", "").replace(" ", "")
        assert "conv-" not in content and "conversation_id" not in content, name
        assert "Jan Jansen" not in content
    questions = export.table_csv(report, "questions")
    assert "[BSN]" in questions and "[PHONE]" in questions and "[EMAIL]" in questions and "[IBAN]" in questions


def test_tables_have_their_columns_and_figures(report):
    files = all_csv(report)
    for table, columns in export.TABLES.items():
        rows = list(csv.reader(io.StringIO(files[table])))
        assert tuple(rows[0]) == columns
    products = list(csv.DictReader(io.StringIO(files["products"])))
    assert {"week": "2025-W10", "language": "nl", "product": "paspoort", "questions": "2", "conversations": "1"} in products
    containment = list(csv.DictReader(io.StringIO(files["containment"])))
    assert {r["week"] + r["language"]: r["containment"] for r in containment}["2025-W10en"] == "0.5"
    combined = list(csv.DictReader(io.StringIO(files["all"])))
    assert set(r["table"] for r in combined) == set(export.TABLES)
    assert {"table": "handovers", "week": "2025-W10", "language": "nl", "item": "chat / not_understood / burgerzaken",
            "measure": "count", "value": "1"} in combined


def test_cells_are_redacted_and_never_formulas(report):
    text = f"=HYPERLINK(\"http://x\") mail {data.EMAILS[0]} of bel {data.PHONES[1]} IBAN {data.IBANS[1]}"
    group = Group("x", [Question(text, "nl", "2025-W10", "fallback")])
    report_with_formula = type(report)(**{**report.__dict__, "groups": [GroupRow(group, ["paspoort"])]})
    content = export.table_csv(report_with_formula, "questions")
    row = list(csv.DictReader(io.StringIO(content)))[0]
    assert row["question"].startswith("'=HYPERLINK")
    assert "[EMAIL]" in row["question"] and "[PHONE]" in row["question"] and "[IBAN]" in row["question"]
    for cell in ("+31 6 1234", "-1", "@SUM(A1)"):
        assert export.safe_cell(cell).startswith("'")
    assert export.safe_cell(3) == 3 and export.safe_cell(None) == ""
