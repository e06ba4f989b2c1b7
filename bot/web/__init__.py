"""The citizen chat widget (static/), its web app (app.py), feedback storage (feedback.py) and the
fixed socket.io channel for Rasa (channel.py). Nothing happens on import."""
