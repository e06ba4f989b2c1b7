"""Insights for content editors: what the assistant could not answer, which products are asked
about, how many conversations end without a person, and how satisfied citizens are; per language
and per ISO week. Read-only over Rasa's tracker store, the handover store and the feedback database.

`InsightsRepository` (repository.py) holds every query; `charts` draws them as inline SVG,
`export` writes CSV without personal data (every free text through bot.handover.privacy.redact).
"""
from bot.insights.periods import Period
from bot.insights.repository import InsightsRepository, Report

__all__ = ["InsightsRepository", "Period", "Report"]
