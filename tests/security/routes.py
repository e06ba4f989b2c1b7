"""The consoles' routes, read from the app's own router, and who may use each (OWASP ASVS 4.1).

The route list is not written down anywhere in the tests: a route added to the app is tested by the
next run, and a route outside /staff/ and /editor/ fails `test_every_route_has_an_access_rule`
until it is given a rule here.
"""
from __future__ import annotations

import functools
import re
import tempfile
import uuid
from dataclasses import dataclass

ROLES = ("staff", "editor", "admin")

# Reachable without logging in; everything else needs a session.
PUBLIC = {
    "/": {"GET"},                       # redirects to /staff/
    "/health": {"GET"},                 # liveness probe
    "/ready": {"GET"},                  # readiness probe (issue #9)
    "/staff/login": {"GET", "POST"},
}
PUBLIC_PREFIXES = ("/staff/static/", "/editor/static/")

# A value for each path parameter; ids that do not exist, so that no handler changes anything.
SAMPLE_PARAMETERS = {
    "handover_id": "00000000-0000-0000-0000-000000000000",
    "callback_id": "00000000-0000-0000-0000-000000000000",
    "change_id": "999999",
    "product_slug": "paspoort",
    "name": "products.csv",
    "reference": "M-00000000",
}
STATIC_FILES = {"/staff/static/": "console.css", "/editor/static/": "editor.css"}


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str        # as declared, e.g. /staff/handovers/<handover_id>/claim
    path: str           # a concrete URL path for it

    @property
    def public(self) -> bool:
        return self.method in PUBLIC.get(self.pattern, ()) or self.pattern.startswith(PUBLIC_PREFIXES)

    @property
    def api(self) -> bool:
        return self.pattern.startswith("/staff/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.pattern}"


def allowed_roles(route: Route) -> set[str] | None:
    """Who may use `route`, as the code intends it: staff pages for staff and admins, editor pages
    for editors and admins (admins switch between both consoles), logging out for everyone.
    None: the route has no rule yet."""
    if route.public:
        return set(ROLES)
    if route.pattern == "/staff/logout":
        return set(ROLES)
    if route.pattern.startswith("/staff/"):
        return {"staff", "admin"}
    if route.pattern.startswith("/editor/"):
        return {"editor", "admin"}
    return None


def _concrete(pattern: str) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "__file_uri__":
            return next(file for prefix, file in STATIC_FILES.items() if pattern.startswith(prefix))
        if name not in SAMPLE_PARAMETERS:
            raise KeyError(f"route {pattern}: add a sample value for <{name}> to SAMPLE_PARAMETERS")
        return SAMPLE_PARAMETERS[name]
    return re.sub(r"<([^:>]+)(?::[^>]+)?>", value, pattern)


@functools.lru_cache(maxsize=1)
def console_routes() -> tuple[Route, ...]:
    """Every (method, route) of the app that `python -m bot.console` serves. Creating the app opens
    nothing (databases are opened on first use), so this is cheap enough for test collection."""
    from bot.console.app import create_app
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app("http://127.0.0.1:9", "route-listing-token-not-used", handover_db=f"{scratch}/handover.db",
                         catalogue_db=f"{scratch}/catalogue.db", secure_cookies=False,
                         name=f"routes_{uuid.uuid4().hex}")
        routes = []
        for route in app.router.routes:
            pattern = "/" + route.raw_path
            if pattern.rstrip("/") in ("/staff", "/editor"):
                pattern = pattern.rstrip("/") + "/"
            for method in sorted(route.methods):
                routes.append(Route(method, pattern, _concrete(pattern)))
    return tuple(sorted(routes, key=lambda r: (r.pattern, r.method)))


def protected_routes() -> list[Route]:
    return [route for route in console_routes() if not route.public]
