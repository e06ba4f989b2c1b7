"""resolve() on the real catalogue: citizens' own words, typos, other languages."""
import pytest


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
