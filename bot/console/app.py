"""The consoles' web app: python -m bot.console (staff; editors later share its login)."""
from __future__ import annotations

import functools

from sanic import Sanic, response

from bot.console import deployment, staff
from bot.integrations.rasa import TIMEOUT_SECONDS, RasaClient
from bot.settings import Endpoint, Servers

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000"
MAX_BODY = 64 * 1024
# An editor's publish rebuilds the catalogue, and a new example retrains the product matcher
# (about 45 s on two cores for 28,000 messages): Sanic's default of 60 s would answer 503 on a
# busy machine while the publish goes on.
RESPONSE_TIMEOUT = 300


def create_app(rasa_url: str, rasa_token: str, handover_db: str | None = None, catalogue_db: str | None = None,
               secure_cookies: bool | None = None, name: str = "consoles", servers: Servers | None = None) -> Sanic:
    """The consoles; `servers` are main()'s settings (tests pass what they need instead)."""
    from bot.catalogue.paths import database_path
    from bot.catalogue.repository import CatalogueRepository
    from bot.handover.store import HandoverStore
    from bot.ops import readiness

    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    app.config.RESPONSE_TIMEOUT = RESPONSE_TIMEOUT
    app.config.FORWARDED_SECRET = None
    if secure_cookies is None:
        secure_cookies = deployment.secure_cookies(servers or Servers.from_environment())
    deployment.check_rasa_token(secure_cookies, rasa_token)
    app.ctx.secure_cookies = secure_cookies      # read by auth: the session cookie's name depends on it
    app.ctx.servers = servers
    store = HandoverStore(handover_db)
    catalogue = CatalogueRepository(catalogue_db or database_path())
    rasa = RasaClient(Endpoint(rasa_url, rasa_token, TIMEOUT_SECONDS))
    app.blueprint(staff.create_blueprint(store, rasa, catalogue, secure_cookies,
                                         servers.trusted_proxies if servers else ()))
    from bot.console import editor
    app.blueprint(editor.create_blueprint(store, catalogue, secure_cookies))
    app.blueprint(_report_pages(store, catalogue))

    @app.get("/")
    async def home(request):
        return response.redirect("/staff/")

    @app.get("/health")
    async def health(request):
        return response.json({"status": "ok"})

    @app.get("/ready")
    async def ready(request):
        return await readiness.ready({"handover_database": readiness.handover_database(store),
                                      "catalogue_database": readiness.catalogue_database(catalogue)})

    @app.on_response
    async def security_headers(request, resp):
        for header, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(header, value)
        if secure_cookies:      # only behind HTTPS; on http://127.0.0.1 browsers ignore it anyway
            resp.headers.setdefault("Strict-Transport-Security", HSTS)

    return app


def _report_pages(store, catalogue):
    """The Meldingen pages: the reports in the app's database, named by the category tree."""
    from bot.catalogue.paths import knowledge_dir
    from bot.console import reports
    from bot.console.auth import make_login_required
    from bot.console.sessions import Sessions
    from bot.reports.categories import load
    from bot.reports.store import ReportStore
    login_required = make_login_required(store, Sessions(store), staff.render)

    @functools.lru_cache(maxsize=1)
    def tree():             # on first use: creating the app opens no file or database
        return load(knowledge_dir(), catalogue.languages())

    return reports.create_blueprint(ReportStore(store.url), tree, login_required, staff.render, staff.refuse)


def main() -> None:
    servers = Servers.from_environment()
    app = create_app(servers.rasa_url, servers.rasa_token, servers=servers)
    deployment.warn_if_exposed_without_secure_cookies(app.ctx.secure_cookies, servers.console_host)
    app.run(host=servers.console_host, port=servers.console_port,
            access_log=False, workers=1)
