"""The catalogue's data model, shared by the sources, the importers and the database build."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LAYERS = ("Rijk", "Provincie", "Waterschap", "Gemeente")
AUDIENCES = ("Burger", "Bedrijf")
KINDS = ("aanvraag", "subsidie", "melding", "verplichting")
TEXT_FIELDS = ("summary", "who", "how_to_apply", "bring", "good_to_know")
LIST_TEXT_FIELDS = ("bring",)
CHANNELS = ("online_digid", "online", "desk_appointment", "desk_walk_in", "post", "phone")
# The answer fields a citizen's question can ask for; "full" content means all of them.
FULL_CONTENT_FIELDS = ("summary", "who", "how_to_apply", "bring")


def slug(product_id: str) -> str:
    """File name stem of a product:
    'melding openbare ruimte (straatverlichting)' -> 'melding-openbare-ruimte-straatverlichting'."""
    return re.sub(r"[^a-z0-9]+", "-", product_id.lower()).strip("-")


@dataclass
class Product:
    id: str
    uri: str | None = None
    layers: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sdg_code: str | None = None
    sdg_area: str | None = None
    in_upl: bool = True
    theme: str | None = None
    handled_by: str | None = None
    channels: list[str] = field(default_factory=list)
    texts: dict[str, dict[str, str | list[str]]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    # Citizens' own messages that mean this product, per language: what the matcher learns from.
    examples: dict[str, list[str]] = field(default_factory=dict)
    # Municipal values (municipality.yml)
    url: str | None = None
    processing_time: dict | None = None
    costs: list[dict] | None = None

    @property
    def offered_by_municipality(self) -> bool:
        return "Gemeente" in self.layers or not self.in_upl
