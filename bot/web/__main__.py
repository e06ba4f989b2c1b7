"""`python -m bot.web`: the demo page, the widget and the feedback endpoint on 127.0.0.1:$WEB_PORT.

Settings: WEB_PORT (8080), RASA_URL (http://127.0.0.1:$RASA_PORT, RASA_PORT 5005), RASA_TOKEN
(local-dev-token, as scripts/run.sh), RASA_PUBLIC_URL (where browsers reach Rasa; default
RASA_URL), INSIGHTS_DB (build/insights.db), WEB_HOST (127.0.0.1).
"""
from __future__ import annotations


def main() -> None:
    from bot.settings import Servers
    from bot.web.app import create_app

    servers = Servers.from_environment()
    app = create_app(servers.rasa_url, servers.rasa_token, public_rasa_url=servers.rasa_public_url)
    print(f"[web] demo page http://{servers.web_host}:{servers.web_port}/  (assistant at {servers.rasa_url})",
          flush=True)
    app.run(host=servers.web_host, port=servers.web_port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
