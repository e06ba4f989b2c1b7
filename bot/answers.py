"""What the assistant says about a product, as a list of domain responses with their values.

python -m bot.answers PRODUCT [--language en] [--question ask_cost]: a product as a citizen
sees it (for editors; it lives here, not in bot.catalogue, which the answers build on).

The sentences themselves live in domain.yml, per language; this module only chooses which
responses apply and fills in the catalogue's facts. The action server sends the plan through
Rasa (which picks the language variation); the editor tools render the same plan locally.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.catalogue.repository import CatalogueRepository, ProductView
from bot.contract import QuestionType

QUESTION_TYPES = tuple(QuestionType)


@dataclass
class Utterance:
    response: str
    values: dict = field(default_factory=dict)


def format_eur(amount: float, language: str) -> str:
    if amount == int(amount) and language != "en":
        whole = f"{int(amount):,}".replace(",", ".")
        return f"€ {whole},-"
    if language == "en":
        return f"€{amount:,.2f}"
    return "€ " + f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _label(label: dict | None, language: str) -> str | None:
    if not label:
        return None
    return label.get(language) or label.get("nl")


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def plan_product_answer(repository: CatalogueRepository, product_id: str, language: str,
                        question: str = "ask_info") -> list[Utterance]:
    product = repository.product(product_id, language)
    if product is None:
        return [Utterance("utter_product_unknown")]
    municipality = repository.municipality()
    name = product.id
    link = product.url or (product.organisation or {}).get("url") or municipality.get("website")
    facts = {"product": name, "link": link, "phone": municipality.get("phone", "")}
    plan: list[Utterance] = []
    if product.missing_in_language and product.texts:
        plan.append(Utterance("utter_text_missing_in_language", facts))

    if not product.offered_by_municipality or (product.handled_by and product.handled_by != "gemeente"):
        plan += _elsewhere(repository, product, language, facts)
        if not product.texts:
            return plan

    texts = product.texts
    if question == "ask_cost":
        plan += _cost(product, language, facts)
    elif question == "ask_duration":
        plan += _duration(product, facts)
    elif question == "ask_bring":
        bring = texts.get("bring")      # a list of texts: the catalogue build checks it
        if isinstance(bring, list) and bring:
            plan.append(Utterance("utter_product_bring", {**facts, "items": _bullets(bring)}))
        else:
            plan.append(Utterance("utter_fact_unknown", facts))
    elif question in ("ask_apply", "make_appointment", "report_problem"):
        if texts.get("how_to_apply"):
            plan.append(Utterance("utter_product_apply", {**facts, "content": texts["how_to_apply"]}))
        else:
            plan.append(Utterance("utter_fact_unknown", facts))
        if "online_digid" in product.channels or "online" in product.channels:
            plan.append(Utterance("utter_product_online", facts))
        if question == "make_appointment" or "desk_appointment" in product.channels:
            plan.append(Utterance("utter_product_appointment", facts))
    else:
        if texts.get("summary"):
            plan.append(Utterance("utter_product_summary", {**facts, "content": texts["summary"]}))
        if texts.get("who"):
            plan.append(Utterance("utter_product_who", {**facts, "content": texts["who"]}))
        if not texts:
            plan.append(Utterance("utter_fact_unknown", facts))
    if link:
        plan.append(Utterance("utter_product_source", facts))
    return plan


def _elsewhere(repository, product: ProductView, language: str, facts: dict) -> list[Utterance]:
    organisation = product.organisation
    if organisation and organisation["key"] != "gemeente":
        return [Utterance("utter_product_other_organisation", {
            **facts, "organisation": _label(organisation["name"], language),
            "organisation_link": organisation.get("url") or ""})]
    layer = next((name for name in ("Rijk", "Provincie", "Waterschap") if name in product.layers), None)
    if layer:
        return [Utterance(f"utter_product_layer_{layer.lower()}", facts)]
    return []


def _cost(product: ProductView, language: str, facts: dict) -> list[Utterance]:
    costs = product.costs
    if not costs:
        return [Utterance("utter_fact_unknown", facts)]
    if all(c["eur"] == 0 for c in costs):
        return [Utterance("utter_product_free", facts)]
    lines = []
    for cost in costs:
        label = _label(cost.get("label"), language)
        lines.append(f"{format_eur(cost['eur'], language)}" + (f" ({label})" if label else ""))
    return [Utterance("utter_product_cost", {**facts, "costs": _bullets(lines)})]


def _duration(product: ProductView, facts: dict) -> list[Utterance]:
    time = product.processing_time
    if not time:
        return [Utterance("utter_fact_unknown", facts)]
    if time.get("immediate"):
        return [Utterance("utter_product_duration_immediate", facts)]
    if "weeks" in time:
        return [Utterance("utter_product_duration_weeks", {**facts, "count": time["weeks"]})]
    return [Utterance("utter_product_duration_days", {**facts, "count": time["days"]})]


# ── rendering outside Rasa (editor tools, previews) ────────────────────────────────────────────
class DomainResponses:
    """domain.yml's responses and the variation Rasa would choose for a language: the one whose
    condition is that `language` slot value, else the one without a condition. One rule for the
    editor tools (the file, read once) and the actions (the domain Rasa sends with each call)."""

    def __init__(self, responses: dict):
        self.responses = responses or {}

    @classmethod
    @functools.lru_cache(maxsize=None)
    def from_file(cls, domain_path: Path) -> "DomainResponses":
        return cls(yaml.safe_load(domain_path.read_text(encoding="utf-8"))["responses"])

    def text(self, response: str, language: str) -> str | None:
        variations = self.responses.get(response) or []
        chosen = next((v for v in variations if any(
            c.get("name") == "language" and c.get("value") == language for c in v.get("condition") or [])), None)
        chosen = chosen or next((v for v in variations if not v.get("condition")), None)
        return chosen["text"] if chosen else None


def render_plan(plan: list[Utterance], language: str, domain_path: Path | None = None) -> str:
    """Text of a plan, choosing each response's variation for `language` as Rasa does."""
    from bot.settings import PROJECT_DIR
    responses = DomainResponses.from_file(domain_path or PROJECT_DIR / "domain.yml")
    paragraphs = []
    for utterance in plan:
        template = responses.text(utterance.response, language)
        if template:
            paragraphs.append(template.format(**utterance.values))
    return "\n\n".join(paragraphs)


def render_product_answer(repository: CatalogueRepository, product_id: str, language: str,
                          question: str = "ask_info") -> str:
    return render_plan(plan_product_answer(repository, product_id, language, question), language)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from bot.catalogue.paths import database_path
    parser = argparse.ArgumentParser(prog="python -m bot.answers",
                                     description="show a product as a citizen would see it")
    parser.add_argument("product", help="product id, e.g. paspoort")
    parser.add_argument("--language", default="nl")
    parser.add_argument("--question", default="ask_info", choices=QUESTION_TYPES, help="question type")
    parser.add_argument("--database", type=Path, default=None, help="the catalogue database (default: CATALOGUE_DB)")
    args = parser.parse_args(argv)
    repository = CatalogueRepository(args.database or database_path())
    if not repository.exists(args.product):
        matches = repository.resolve(args.product, args.language, limit=3)
        hint = ", ".join(f"'{m.product_id}'" for m in matches)
        print(f"no product '{args.product}'" + (f"; did you mean {hint}?" if hint else ""), file=sys.stderr)
        return 1
    print(render_product_answer(repository, args.product, args.language, args.question))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
