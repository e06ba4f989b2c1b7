"""Measuring the assistant as citizens meet it: through the running servers."""

# Every measuring tool sends all its conversations from one address (127.0.0.1) and faster than a
# citizen types: the channels' per-address limit (bot/web/limits.py) is lifted for them. The
# per-conversation limit stays where a tool's conversations behave like a citizen's.
ONE_ADDRESS_ENV = {"RATE_LIMIT_ADDRESS": "off"}
