"""What every action needs: the catalogue, the conversation's language, domain texts."""
from __future__ import annotations

import functools
import logging
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.exc import SQLAlchemyError

from bot.answers import DomainResponses
from bot.catalogue.paths import database_path
from bot.catalogue.repository import CatalogueRepository
from bot.contract import Slot

logger = logging.getLogger(__name__)
# Failures of the app's database as the actions see them: SQLAlchemy's errors, and the
# operating system's (a full disk, a missing folder).
STORE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, OSError)

DEFAULT_LANGUAGE = "nl"


@functools.lru_cache(maxsize=1)
def catalogue() -> CatalogueRepository:
    """One repository per action server process, opened on first use, not on import."""
    return CatalogueRepository(database_path())


def latest_intent(tracker: Tracker) -> str | None:
    """The latest message's intent as the NLU pipeline left it, nlu_fallback included. Not
    rasa_sdk's get_intent_of_latest_message(): that reads the ranking, which the project's router
    (bot.nlu.components.ClearProductRouter) does not rewrite when it changes the intent."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def language_of(tracker: Tracker) -> str:
    # The slot also takes whatever a typed intent payload claims ('/greet{"language": "xx"}').
    language = tracker.get_slot(Slot.LANGUAGE)
    return language if language in catalogue().languages() else DEFAULT_LANGUAGE


def response_text(domain: dict[str, Any], name: str, language: str) -> str:
    """The text of a domain response in `language` (for button titles, which Rasa does not localise)."""
    return DomainResponses(domain.get("responses", {})).text(name, language) or name


def municipality_values(language: str, channel: str | None = None) -> dict[str, str]:
    """Contact facts of the municipality, ready to fill into responses. `hours` are the desk's
    opening hours, or those of a contact channel (e.g. "phone")."""
    from babel.dates import get_day_names
    municipality = catalogue().municipality()
    address = municipality.get("address", {})
    day_names = get_day_names("wide", locale=language)
    weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    hours = []
    for index, day in enumerate(weekdays):
        table = municipality.get("contact_channels", {}).get(channel) if channel else municipality.get("opening_hours")
        span = (table or {}).get(day)
        if span:
            hours.append(f"- {day_names[index]}: {span[0]} - {span[1]}")
    help_desk = municipality.get("digital_help", {})
    return {
        "phone": municipality.get("phone", ""),
        "address": ", ".join(v for v in (address.get("street"), address.get("postcode"), address.get("city")) if v),
        "hours": "\n".join(hours),
        "website": municipality.get("website", ""),
        "digital_help": help_desk.get("name", ""),
        "digital_help_address": ", ".join(v for v in (help_desk.get("street"), help_desk.get("city")) if v),
    }


def supported_language_names() -> dict[str, str]:
    """The configured languages named in English and in Dutch ("Dutch, English and French")."""
    from babel import Locale
    codes = catalogue().languages()
    names = {}
    for language, conjunction in (("en", "and"), ("nl", "en")):
        named = [Locale(language).languages.get(code, code) for code in codes]
        if language == "nl":
            named = [n.capitalize() for n in named]
        if len(named) > 1:
            names[f"languages_{language}"] = ", ".join(named[:-1]) + f" {conjunction} " + named[-1]
        else:
            names[f"languages_{language}"] = named[0]
    return names


@functools.lru_cache(maxsize=1)
def handover_store():
    """The handover store, opened on first use."""
    from bot.handover.store import HandoverStore
    return HandoverStore()


def tell_not_saved(dispatcher, language: str, what: str, error: Exception) -> list:
    """A write for the citizen failed (the store is down, a disk is full): say so, with the phone
    number, instead of silence and an HTTP 500 from the action server. Logged without personal data."""
    logger.error("Could not save %s: %s", what, type(error).__name__)
    dispatcher.utter_message(response="utter_not_saved", phone=municipality_values(language)["phone"])
    return []


def tell_outside_system_failed(dispatcher, language: str, error: Exception) -> list:
    """An outside system (bot.integrations) was down, slow or refused: say that nothing changed
    and give the phone number. Logged with the system's name, without the citizen's data."""
    logger.error("Outside system failed: %s", error)
    dispatcher.utter_message(response="utter_outside_system_failed", phone=municipality_values(language)["phone"])
    return []


@functools.lru_cache(maxsize=1)
def danger_signs():
    """The signs of immediate danger (knowledge/reports/danger.yml), read on first use."""
    from bot.reports.danger import DangerSigns
    from bot.settings import Storage
    return DangerSigns.load(Storage.from_environment().catalogue_sources, catalogue().languages())


def warn_if_dangerous(dispatcher, text: str, language: str) -> bool:
    """Immediate danger first: the emergency number and the municipality's phone number come
    before any answer or question. True when the warning was given."""
    if danger_signs().sign_in(text) is None:
        return False
    dispatcher.utter_message(response="utter_report_danger", phone=municipality_values(language)["phone"])
    return True

