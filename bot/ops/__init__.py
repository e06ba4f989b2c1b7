"""Operating the assistant: readiness checks, structured logs, starting servers, backup and restore.

`python -m bot.ops --help` lists the commands (bot/ops/cli.py); deploy/ holds the configuration
files these serve (logging, systemd, nginx, Procfile). Nothing is opened or configured on import.
"""
