"""Custom Rasa NLU components. Registered through config.yml by their module path."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language import LanguageDetector, configured_languages

if TYPE_CHECKING:       # imported when first used: the catalogue is not needed to load the model
    from bot.catalogue.repository import CatalogueRepository

UNSUPPORTED_LANGUAGE_INTENT = "unsupported_language"


def catalogue_service_words() -> set[str]:
    """The catalogue's Dutch service names, which citizens use in any language; none when the
    catalogue has not been built (the language detection then only loses this refinement)."""
    from bot.catalogue.paths import database_path
    from bot.catalogue.repository import CatalogueRepository
    try:
        return CatalogueRepository(database_path()).service_words()
    except FileNotFoundError:
        return set()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageEntityExtractor(GraphComponent):
    """Adds a `language` entity when a message is clearly in, or asks for, a configured language.
    The slot `language` is mapped from it, so it changes only then and is sticky otherwise.
    A message clearly in a language that is recognised but not offered gets the intent
    `unsupported_language` (this component runs after the intent classifier)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"languages": None}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageEntityExtractor":
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.languages = config.get("languages") or list(configured_languages())
        self.detector: Optional[LanguageDetector] = None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if self.detector is None:
            self.detector = LanguageDetector(self.languages, neutral_words=catalogue_service_words)
        for message in messages:
            content = message.get(TEXT) or ""
            if not content or content.startswith("/"):
                continue
            language = self.detector.requested(content) or self.detector.detect(content)
            if language in self.languages:
                entity = {"entity": "language", "value": language, "start": 0, "end": len(content),
                          "confidence_entity": 1.0, "extractor": self.__class__.__name__}
                message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
            elif language is not None:
                unsupported = {"name": UNSUPPORTED_LANGUAGE_INTENT, "confidence": 1.0}
                message.set(INTENT, unsupported, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [unsupported], add_to_output=True)
        return messages


NOT_UNDERSTOOD_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class NonsenseGuard(GraphComponent):
    """Marks nonsense (keyboard mashing, markup, code: bot.nlu.nonsense) as not understood,
    whatever intent the classifier guessed for it. Runs after the intent classifier."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "NonsenseGuard":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        from bot.nlu.nonsense import is_nonsense
        for message in messages:
            if is_nonsense(message.get(TEXT) or ""):
                not_understood = {"name": NOT_UNDERSTOOD_INTENT, "confidence": 1.0}
                ranking = [not_understood] + [r for r in message.get(INTENT_RANKING_KEY, []) or []
                                             if r.get("name") != NOT_UNDERSTOOD_INTENT]
                message.set(INTENT, not_understood, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


# Intents that say the message is not a question about a product; when the message names one
# clearly all the same ("hoe wordt de onroerendezaakbelasting berekend" came out as
# out_of_scope), it is a product question after all. Small talk, requests for a person and
# sensitive situations keep their own route.
ROUTED_INTENTS = {"nlu_fallback", "out_of_scope", "ask_where_when", "change_language"}
PRODUCT_QUESTION_INTENT = "ask_info"
# The product's score from which it counts as clearly meant here: higher than the assistant's
# own answering bar, because the classifier disagrees. Chosen on the development split.
ROUTE_MIN_SCORE = 0.5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ClearProductRouter(GraphComponent):
    """Turns a message that clearly names a product into a product question (ask_info) when the
    intent classifier put it elsewhere (ROUTED_INTENTS). Runs last, after the FallbackClassifier
    and the language extractor; never for nonsense or a request to switch language."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ClearProductRouter":
        return cls()

    def __init__(self) -> None:
        self._catalogue: Optional[CatalogueRepository] = None
        self._detector: Optional[LanguageDetector] = None

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def _clear_product(self, content: str, language: str) -> Optional[float]:
        from bot.catalogue.decision import decide
        from bot.catalogue.paths import database_path
        from bot.catalogue.repository import CatalogueRepository
        if self._catalogue is None:
            self._catalogue = CatalogueRepository(database_path())
        try:
            matches = self._catalogue.resolve(content, language, limit=5)
        except FileNotFoundError:
            return None
        if decide(matches).answer and matches[0].score >= ROUTE_MIN_SCORE:
            return matches[0].score
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        from bot.nlu.nonsense import is_nonsense
        for message in messages:
            content = message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get("name")
            if intent not in ROUTED_INTENTS or not content or content.startswith("/") or is_nonsense(content):
                continue
            if self._detector is None:
                self._detector = LanguageDetector(list(configured_languages()))
            if self._detector.requested(content):
                continue
            language = next((e["value"] for e in message.get(ENTITIES, []) or [] if e.get("entity") == "language"),
                            "nl")
            score = self._clear_product(content, language)
            if score is not None:
                routed = {"name": PRODUCT_QUESTION_INTENT, "confidence": score}
                ranking = [routed] + [r for r in message.get(INTENT_RANKING_KEY, []) or []
                                      if r.get("name") != PRODUCT_QUESTION_INTENT]
                message.set(INTENT, routed, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
