"""`python -m bot.web`: the demo page, the widget and the feedback endpoint on 127.0.0.1:$WEB_PORT.

Settings: WEB_PORT (8080), RASA_URL (http://127.0.0.1:$RASA_PORT, RASA_PORT 5005), RASA_TOKEN
(local-dev-token, as scripts/run.sh), RASA_PUBLIC_URL (where browsers reach Rasa; default
RASA_URL), INSIGHTS_DB (build/insights.db), WEB_HOST (127.0.0.1).
"""
from __future__ import annotations

import os


def main() -> None:
    from bot.web.app import create_app

    rasa_url = os.environ.get("RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    host = os.environ.get("WEB_HOST", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", "8080"))
    app = create_app(rasa_url, os.environ.get("RASA_TOKEN", "local-dev-token"),
                     public_rasa_url=os.environ.get("RASA_PUBLIC_URL") or None)
    print(f"[web] demo page http://{host}:{port}/  (assistant at {rasa_url})", flush=True)
    app.run(host=host, port=port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
