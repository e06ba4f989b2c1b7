"""Custom actions of the assistant, served by the rasa_sdk action server (`python -m bot.action_server`)."""
