"""The web app over HTTP: security headers, widget files and the feedback endpoint."""
from __future__ import annotations

import uuid

import pytest
import requests
import sqlite_utils

FEEDBACK = "/api/feedback"


def test_html_pages_send_the_security_headers(web, assistant):
    base, _ = web
    for path in ("/", "/privacy"):
        page = requests.get(base + path, timeout=10)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        csp = page.headers["Content-Security-Policy"]
        rasa = assistant.url
        assert f"connect-src 'self' {rasa} {rasa.replace('http://', 'ws://')};" in csp
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "frame-ancestors 'self'"):
            assert directive in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "same-origin"
    demo = requests.get(base + "/", timeout=10).text
    assert demo.count("<script") == 1
    assert f'data-socket-url="{assistant.url}"' in demo and 'data-privacy-url="/privacy"' in demo
    assert "Gemeente Voorbeeldstad" in demo


def test_widget_files_are_served_and_nothing_else(web):
    base, _ = web
    for name, kind in [("widget.js", "text/javascript"), ("widget.css", "text/css"),
                       ("socket.io.min.js", "text/javascript")]:
        reply = requests.get(f"{base}/widget/{name}", timeout=10)
        assert reply.status_code == 200 and reply.headers["Content-Type"].startswith(kind)
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("demo.html", "..%2Fapp.py", "VENDORED.md", "..%2F..%2Fcredentials.yml"):
        assert requests.get(f"{base}/widget/{name}", timeout=10).status_code == 404


def post(base, data: bytes, content_type="application/json", **headers):
    return requests.post(base + FEEDBACK, data=data, headers={"Content-Type": content_type, **headers}, timeout=30)


def test_feedback_refuses_bad_requests(web):
    base, _ = web
    valid = b'{"conversation_id": "%s", "vote": "up", "message_text": "x"}' % uuid.uuid4().hex.encode()
    assert post(base, valid, content_type="text/plain").status_code == 415
    assert post(base, b'{"x": "' + b"a" * 5000 + b'"}').status_code == 413
    assert post(base, b'{"conversation_id": "abcdefgh1", "vote": "sideways"}').status_code == 400
    assert post(base, valid, Origin="http://evil.example").status_code == 403
    # A well-formed id the citizen never wrote in is no conversation.
    assert post(base, valid).status_code == 404
    assert requests.get(base + FEEDBACK, timeout=10).status_code == 405


def test_feedback_on_a_real_conversation_is_stored_without_text(web, assistant):
    base, insights = web
    sender = uuid.uuid4().hex
    said = requests.post(f"{assistant.url}/webhooks/rest/webhook",
                         json={"sender": sender, "message": "mijn paspoort is verlopen"}, timeout=60)
    assert said.ok
    reply = post(base, b'{"conversation_id": "%s", "vote": "up", "message_text": "Jan Jansen, BSN 123"}'
                 % sender.encode(), Origin=base)
    assert reply.status_code == 204, reply.text
    rows = [r for r in sqlite_utils.Database(insights)["feedback"].rows if r["conversation_id"] == sender]
    assert [(r["vote"], r["product"], r["language"]) for r in rows] == [("up", "paspoort", "nl")]
    assert "Jansen" not in (insights.read_bytes().decode("latin-1"))


@pytest.mark.parametrize("path", ["/", "/privacy", "/widget/widget.js"])
def test_pages_do_not_need_cookies(web, path):
    base, _ = web
    assert "Set-Cookie" not in requests.get(base + path, timeout=10).headers
