"""The home of outside systems (bot.integrations): every failure of a call ends in Unavailable or
Refused, reads are retried once and writes never, and the citizen hears that nothing changed."""
import asyncio

import pytest
from aiohttp import web
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import tell_outside_system_failed
from bot.integrations.http import HttpClient, Refused, Unavailable
from bot.settings import Endpoint, Reports
from tests.conftest import PROJECT


class Fake:
    """An outside system on a real port: answers by path, counts what it was sent."""

    def __init__(self):
        self.hits: dict[str, int] = {}
        self.headers: dict[str, str] = {}

    def app(self) -> web.Application:
        async def handle(request: web.Request) -> web.StreamResponse:
            name = request.match_info["name"]
            self.hits[name] = self.hits.get(name, 0) + 1
            self.headers = dict(request.headers)
            if name == "ok":
                return web.json_response({"answer": 42, "query": dict(request.query)})
            if name == "empty":
                return web.Response(status=204)
            if name == "refused":
                return web.json_response({"detail": "slot taken"}, status=409)
            if name == "broken":
                return web.Response(status=503, text="<html>maintenance</html>")
            await asyncio.sleep(2)
            return web.json_response({})
        app = web.Application()
        app.router.add_route("*", "/{name}", handle)
        return app


def against_fake(scenario, timeout: float = 0.5):
    """Run `scenario(client, fake)` against the fake on a free port."""
    async def run():
        fake = Fake()
        runner = web.AppRunner(fake.app())
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        try:
            client = HttpClient(Endpoint(f"http://127.0.0.1:{port}/", "secret-token", timeout))
            return await scenario(client, fake)
        finally:
            await runner.cleanup()
    return asyncio.run(run())


def test_an_answer_is_its_json_and_the_token_is_sent_as_a_bearer_token():
    async def scenario(client, fake):
        assert await client.request("GET", "/ok", params={"q": "x"}) == {"answer": 42, "query": {"q": "x"}}
        assert fake.headers["Authorization"] == "Bearer secret-token"
        assert await client.request("DELETE", "/empty") is None
    against_fake(scenario)


def test_a_server_error_is_unavailable_a_read_is_tried_twice_and_a_write_once():
    async def scenario(client, fake):
        with pytest.raises(Unavailable, match="HTTP 503"):
            await client.request("GET", "/broken")
        assert fake.hits["broken"] == 2
        with pytest.raises(Unavailable):
            await client.request("POST", "/broken", json={"report": 1})
        assert fake.hits["broken"] == 3          # a write is never repeated here: the outbox does that
    against_fake(scenario)


def test_a_refusal_carries_status_and_detail_and_is_not_retried():
    async def scenario(client, fake):
        with pytest.raises(Refused) as refused:
            await client.request("GET", "/refused")
        assert (refused.value.status, refused.value.detail) == (409, {"detail": "slot taken"})
        assert fake.hits["refused"] == 1
    against_fake(scenario)


def test_a_slow_system_is_unavailable_after_the_endpoints_timeout():
    async def scenario(client, fake):
        with pytest.raises(Unavailable, match="no answer within 0.3 s"):
            await client.request("POST", "/slow")
    against_fake(scenario, timeout=0.3)


def test_a_system_that_is_not_there_is_unavailable():
    async def scenario():
        client = HttpClient(Endpoint("http://127.0.0.1:9", None, 1.0))
        with pytest.raises(Unavailable, match="outside system: GET /x"):
            await client.request("GET", "/x")
    asyncio.run(scenario())


def test_signalen_is_used_only_with_a_url():
    assert Reports.from_environment({}).signalen is None
    reports = Reports.from_environment({"SIGNALEN_URL": "https://meldingen.example/api", "SIGNALEN_TOKEN": "t",
                                        "SIGNALEN_TIMEOUT": "4"})
    assert reports.signalen == Endpoint("https://meldingen.example/api", "t", 4.0)
    assert reports.deliver_every_seconds == 30


@pytest.mark.parametrize("language, words", [("nl", "Er is niets veranderd"), ("en", "Nothing has changed"),
                                             ("fr", "Rien n'a changé")])
def test_the_citizen_hears_that_nothing_changed_with_the_phone_number(language, words):
    from bot.answers import DomainResponses
    dispatcher = CollectingDispatcher()
    tell_outside_system_failed(dispatcher, language, Unavailable("Signalen", "POST /signals: HTTP 503"))
    [message] = dispatcher.messages
    assert message["response"] == "utter_outside_system_failed" and message["phone"].strip()
    assert words in DomainResponses.from_file(PROJECT / "domain.yml").text("utter_outside_system_failed", language)
