"""The NLU's guards: nonsense is told from messages (bot.nlu.nonsense), and a language is switched
only when the citizen asks for it or clearly writes in it (bot.nlu.language)."""
import pytest

from bot.nlu.language import LanguageDetector
from bot.nlu.nonsense import is_nonsense


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "{{7*7}} ${7*7}", "' OR 1=1; --", "SELECT * FROM users", "plofgrt snirk",
    "zqxv wrtpl", "<img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0", "hallo <script>alert(1)</script>", "😀😀",
    "qwerty asdf", "azerty",
])
def test_nonsense_is_recognised(text):
    assert is_nonsense(text)


@pytest.mark.parametrize("text", [
    "paspoort kwijt", "pasport verlopn", "<b>paspoort</b> kwijt", "hoe gaat het", "0612345678", "12-05-2027",
    "jan@example.com", "kliko kapot", "ik ben sdf", "klm", "/choose_product{\"product\": \"paspoort\"}", "",
])
def test_messages_and_answers_are_not_nonsense(text):
    assert not is_nonsense(text)


@pytest.mark.parametrize("text, language", [
    ("in English please", "en"), ("english", "en"), ("Nederlands graag", "nl"), ("en français svp", "fr"),
    ("do you speak french", "fr"), ("kunnen we in het engels verder", "en"),
    ("how much does a dutch passport cost", None), ("mijn moeder spreekt geen nederlands is er een tolk", None),
])
def test_a_language_is_requested_only_when_asked_for(text, language):
    assert LanguageDetector(["nl", "en", "fr"]).requested(text) == language


@pytest.mark.parametrize("text, language", [
    ("how much does a dutch passport cost", "en"), ("where can i bring my grofvuil", "en"),
    ("combien coute une carte d'identite", "fr"), ("mijn paspoort is verlopen wat nu", "nl"),
    ("paspoort", None), ("ok", None),
    ("hoe regel ik een knurft", "nl"), ("ich habe meinen pass verloren", "de"),
])
def test_the_language_of_short_and_mixed_messages(text, language):
    detector = LanguageDetector(["nl", "en", "fr"], neutral_words={"grofvuil", "paspoort"})
    assert detector.detect(text) == language
