"""The insight queries on a tracker store written by Rasa's SQLTrackerStore (tests/editor/data.py),
in SQLite and in PostgreSQL."""
import pytest
import sqlalchemy

from bot import storage
from bot.catalogue.repository import CatalogueRepository
from bot.insights import InsightsRepository, Period
from bot.insights.clusters import Question, group_questions, normalise
from bot.insights.periods import week_of
from tests.editor import data


@pytest.fixture(scope="module")
def insights(conversation_data, catalogue_db):
    tracker, store, feedback = conversation_data
    return InsightsRepository(tracker, store, feedback, CatalogueRepository(catalogue_db))


@pytest.fixture(scope="module")
def report(insights):
    return insights.report(Period(data.FIRST_WEEK, data.LAST_WEEK))


def test_the_fixture_has_rasas_schema(conversation_data):
    tracker, _, _ = conversation_data
    engine = storage.engine_for(storage.url_of(tracker))
    columns = [column["name"] for column in sqlalchemy.inspect(engine).get_columns("events")]
    assert columns == ["id", "sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"]
    with engine.connect() as connection:
        slot = connection.execute(sqlalchemy.text(
            "select action_name, data from events where type_name = 'slot' limit 1")).fetchone()
    assert slot[0] in slot[1]                       # a slot event's action_name is the slot's name


def test_weeks_are_iso_weeks_in_amsterdam():
    assert week_of(data.at(10, 0, 30)) == "2025-W11"            # Sunday 23:30 UTC
    assert week_of(data.at(9, 23, 59)) == "2025-W10"
    assert Period("2024-W52", "2025-W02").weeks() == ["2024-W52", "2025-W01", "2025-W02"]
    assert Period("2020-W52", "2020-W53").weeks() == ["2020-W52", "2020-W53"]
    with pytest.raises(ValueError):
        Period("2025-W11", "2025-W10")
    with pytest.raises(ValueError):
        Period("2025-W54", "2025-W55")
    assert len(Period.recent().weeks()) == 12


def test_conversations_and_containment_per_week_and_language(report):
    table = {(r["week"], r["language"]): r for r in report.containment}
    assert set(table) == {("2025-W10", "nl"), ("2025-W10", "en"), ("2025-W11", "nl"), ("2025-W11", "fr")}
    assert (table[("2025-W10", "nl")]["conversations"], table[("2025-W10", "nl")]["handed_over"]) == (3, 1)   # live chat
    assert (table[("2025-W10", "en")]["conversations"], table[("2025-W10", "en")]["handed_over"]) == (2, 1)   # callback
    assert table[("2025-W10", "nl")]["containment"] == pytest.approx(2 / 3, abs=1e-3)
    assert table[("2025-W11", "nl")]["conversations"] == 3 and table[("2025-W11", "nl")]["containment"] == 1.0
    assert report.totals["conversations"] == 9                  # the week-9 conversation is outside the period
    assert report.totals["containment"] == pytest.approx(7 / 9)


def test_most_asked_products(report):
    assert report.top_products[0] == {"product": "paspoort", "questions": 3, "conversations": 2}
    rows = {(r["week"], r["language"], r["product"]): (r["questions"], r["conversations"]) for r in report.products}
    assert rows == {("2025-W10", "nl", "paspoort"): (2, 1), ("2025-W10", "en", "parkeervergunning"): (1, 1),
                    ("2025-W11", "fr", "paspoort"): (1, 1), ("2025-W11", "nl", "rijbewijs"): (2, 2)}


def test_unanswered_questions_fallbacks_and_thumbs_down(report):
    counts = {(r["week"], r["language"]): (r["not_understood"], r["thumbs_down"]) for r in report.unanswered}
    assert counts == {("2025-W10", "nl"): (3, 0), ("2025-W10", "en"): (1, 1), ("2025-W11", "nl"): (2, 0)}
    texts = [q for row in report.groups for q in row.group.examples]
    assert "how do I get a parking permit?" in texts             # the question before the thumbs down
    assert not any(t.startswith("/") for t in texts)            # button payloads are no questions
    assert not any(p in t for t in texts for p in data.PERSONAL)


def test_similar_questions_are_grouped_with_a_suggested_product(report):
    biggest = report.groups[0].group
    assert biggest.count == 4 and all("kattenopvang" in q.text for q in biggest.questions)
    assert biggest.representative == "kattenopvang buren"
    parking = next(row for row in report.groups if "parking permit" in row.group.representative)
    assert parking.suggested == "parkeervergunning" and parking.group.sources == {"thumbs_down": 1}


def test_handover_reasons_and_satisfaction(report):
    assert report.handovers == [
        {"week": "2025-W10", "language": "en", "kind": "callback", "reason": "asked", "team": "algemeen", "count": 1},
        {"week": "2025-W10", "language": "nl", "kind": "chat", "reason": "not_understood", "team": "burgerzaken", "count": 1},
    ]
    satisfaction = {(r["week"], r["language"]): r for r in report.satisfaction}
    assert satisfaction[("2025-W10", "nl")]["average"] == 4.0 and satisfaction[("2025-W10", "nl")]["score_4"] == 1
    assert satisfaction[("2025-W10", "en")]["thumbs_down"] == 1
    assert satisfaction[("2025-W11", "nl")]["thumbs_up"] == 1
    assert report.totals["satisfaction"] == 4.0


def test_language_filter_and_series(insights):
    english = insights.report(Period(data.FIRST_WEEK, data.LAST_WEEK), "en")
    assert english.languages == ["en"]
    assert {r["language"] for r in english.containment + english.products + english.handovers + english.unanswered} == {"en"}
    assert english.totals["conversations"] == 2
    all_languages = insights.report(Period(data.FIRST_WEEK, data.LAST_WEEK), suggest=False)
    assert all_languages.series(all_languages.containment, "conversations") == {
        "nl": [3, 2 + 1], "en": [2, 0], "fr": [0, 1]}


def test_missing_sources_give_an_empty_report(tmp_path):
    empty = InsightsRepository(tmp_path / "none.db", None, tmp_path / "none-either.db").report(Period.recent())
    assert empty.totals["conversations"] == 0 and empty.groups == [] and empty.languages == ["nl", "en", "fr"]
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "none-either.db").exists()


def test_databases_without_the_tables_give_an_empty_report(database_url):
    empty = InsightsRepository(database_url, None, database_url).report(Period.recent())
    assert empty.totals["conversations"] == 0 and empty.totals["thumbs_up"] == 0


def test_grouping_helpers():
    assert normalise("Mijn BSN is [BSN], wáár is de Kattenopvang?", "nl") == "bsn kattenopvang"
    questions = [Question(text, "nl", "2025-W10", "fallback") for text in
                 ("paspoort kwijt", "pasport kwijt", "paspoort kwijt!", "bel [PHONE]", "bel mij over de kattenopvang")]
    groups = group_questions(questions)
    assert [g.count for g in groups] == [3, 1, 1]
    assert groups[0].representative == "paspoort kwijt"


def test_a_thumbs_down_belongs_to_the_last_question_before_it_even_in_the_same_second(tmp_path):
    from datetime import datetime, timezone
    from bot.web.feedback import store as store_vote
    moment = data.at(4, 10)
    conversation = {"conv-fast": data._start(moment)
                    + data._turn("eerste vraag zonder antwoord", "ask_info", moment + 0.1, "nl")
                    + data._turn("tweede vraag", "ask_info", moment + 0.6, "nl")}
    tracker = data.write_tracker(tmp_path / "tracker.db", conversation)
    vote = datetime.fromtimestamp(moment + 0.3, timezone.utc).isoformat(timespec="milliseconds")
    store_vote(tmp_path / "insights.db", {"created_at": vote, "conversation_id": "conv-fast", "vote": "down",
                                          "product": None, "language": "nl"})
    report = InsightsRepository(tracker, None, tmp_path / "insights.db").report(Period(data.FIRST_WEEK, data.LAST_WEEK),
                                                                                  suggest=False)
    assert [(row.group.representative, row.group.sources) for row in report.groups] == [
        ("eerste vraag zonder antwoord", {"thumbs_down": 1})]
