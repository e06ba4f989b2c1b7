"""`python -m bot.ops serve PROGRAM [ARGS]`: start a server with the logging configuration applied
before anything else runs.

Rasa reads `--logging-config-file` only after importing its modules, and those imports already
print warnings (Sanic turns DeprecationWarnings back on); the consoles and the web app have no
such option at all. Applying the configuration first, in the same process, and then running the
program as `python -m PROGRAM` would makes every line the process writes a log record.
"""
from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

PROGRAMS = {
    # program: (module run as __main__, name in the logs' `process` field)
    "rasa": ("rasa", None),             # the Rasa server
    "bot.action_server": ("bot.action_server", "action-server"),
    "bot.console": ("bot.console", "console"),
    "bot.web": ("bot.web", "web"),
}


def serve(program: str, arguments: list[str], logging_config: Path | None) -> None:
    from bot.ops import logs
    from bot.settings import Logging

    module, process = PROGRAMS[program]
    sys.argv = [program, *arguments]
    # Named now, from this command line: running the module replaces sys.argv[0] by its file.
    # written, not read: the processes this one starts inherit their name
    os.environ["LOG_PROCESS_NAME"] = Logging.from_environment().process_name or process or logs.process_name()
    if logging_config is not None:
        logs.configure(logging_config)
        if program == "rasa" and "--logging-config-file" not in arguments:
            # Rasa sets its logging up again after its imports; it gets the same file.
            sys.argv += ["--logging-config-file", str(logging_config)]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
