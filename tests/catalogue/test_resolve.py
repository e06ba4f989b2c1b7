"""resolve() on the real catalogue: citizens' own words, typos, other languages."""
import pytest
import yaml

from tests.conftest import PROJECT


@pytest.mark.parametrize("text, language, expected", [
    ("mijn paspoort is verlopen", "nl", "paspoort"),
    ("paspoor", "nl", "paspoort"),
    ("rijbewys verlengen", "nl", "rijbewijs"),
    ("verhuizng doorgeven", "nl", "verhuismelding"),
    ("adreswijziging", "nl", "verhuismelding"),
    ("grofvuil laten ophalen", "nl", "afvalinzameling grofvuil"),
    ("kliko", "nl", "afvalcontainer"),
    ("lantaarnpaal kapot", "nl", "melding openbare ruimte (straatverlichting)"),
    ("domicilie wijzigen", "nl", "verhuismelding"),
    ("eID", "nl", "identiteitskaart"),
    ("grofhuisvuil", "nl", "afvalinzameling grofvuil"),
    ("moving house", "en", "verhuismelding"),
    ("déménagement", "fr", "verhuismelding"),
    ("encombrants", "fr", "afvalinzameling grofvuil"),
    ("parkeervergunningaanvraag", "nl", "parkeervergunning"),
])
def test_citizens_words_find_the_product(repository, text, language, expected):
    matches = repository.resolve(text, language)
    assert matches, f"nothing found for {text!r}"
    assert matches[0].product_id == expected, matches[:3]


def test_scores_are_ranked_and_bounded(repository):
    matches = repository.resolve("paspoort aanvragen", "nl", limit=5)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 1 for s in scores)


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "<script>alert(1)</script>", "x" * 10_000,
                                  "' OR 1=1; --", '"quoted" AND NEAR(', "{{ template }}"])
def test_hostile_input_is_harmless(repository, text):
    assert isinstance(repository.resolve(text, "nl"), list)


def test_resolution_is_measured_on_at_least_150_phrasings_that_are_not_synonyms(repository):
    """The evaluation must measure generalisation, not recall of the catalogue's own words."""
    from bot.catalogue.evaluate import held_out_cases
    from bot.catalogue.text import fold
    cases, _ = held_out_cases(repository, PROJECT / "evaluation" / "resolution.yml")
    synonyms = {fold(p).strip() for p in repository.all_synonyms()}
    assert len(cases) >= 150
    assert {c["language"] for c in cases} == {"nl", "en", "fr"}
    assert not [c for c in cases if fold(c["text"]).strip() in synonyms]
