"""Logs of every server as one JSON object per line, without personal data or secrets.

deploy/logging.yml wires these into Python's logging (`logging.config.dictConfig`). Every server
starts with `python -m bot.ops serve --logging-config-file deploy/logging.yml PROGRAM`, which
applies it before the program runs and passes it on to Rasa's own `--logging-config-file`.

- `RedactingFilter`, on the handler, so that every record of every library passes it: the final
  message (and any traceback) goes through bot.handover.privacy.redact (BSN, phone, e-mail, IBAN,
  postcode, address), and `token=`/`password=`/`secret=` values are masked.
- `formatter()`: JSON lines {timestamp, level, logger, message, process, pid[, exception]}; with
  LOG_FORMAT=text, readable lines for a terminal.
- `console_handler()`: writes to the process's standard error and routes what would bypass
  logging into it (see `_take_over_output`), so that the whole output stays one format.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from bot.handover.privacy import redact
from bot.settings import Logging

SECRET = re.compile(r"(?i)\b(token|password|passwd|secret|api_key)=([^&\s\"']+)")
FORMATS = ("json", "text")


def process_name() -> str:
    """What this process is, for the `process` field: LOG_PROCESS_NAME, else guessed from the
    command line (`rasa run --port 5006` -> rasa@5006, `python -m bot.web` -> bot.web)."""
    explicit = Logging.from_environment().process_name
    if explicit:
        return explicit
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program.startswith("rasa"):
        port = sys.argv[sys.argv.index("--port") + 1] if "--port" in sys.argv[:-1] else None
        return f"rasa@{port}" if port else "rasa"
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        return spec.name.removesuffix(".__main__")
    return program


def clean(text: str) -> str:
    return SECRET.sub(r"\1=[SECRET]", redact(text))


class RedactingFilter(logging.Filter):
    """Replaces the record's message by its redacted final text (arguments merged in), and redacts
    the traceback. Records are shared by all handlers, so every output gets the clean text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:           # a bad format string must not lose the record (or raise here)
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = clean(message).rstrip(), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = clean(record.exc_text)
        if record.stack_info:
            record.stack_info = clean(record.stack_info)
        return True


class DeprecationWarningFilter(logging.Filter):
    """Drops DeprecationWarnings, which address the libraries' developers (Sanic turns them back
    on for every process at import); every other warning stays."""

    PATTERN = re.compile(r"\w*DeprecationWarning: ")

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.PATTERN.search(record.getMessage())


class JsonFormatter(logging.Formatter):
    def __init__(self, process: str | None = None):
        super().__init__()
        self.process = process or process_name()

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": self.process,
            "pid": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines: a traceback stays on its one line.
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self, process: str | None = None):
        super().__init__("%(asctime)s %(levelname)-7s %(name)s [" + (process or process_name()).replace("%", "%%")
                         + " %(process)d] %(message)s")


def log_format() -> str:
    value = Logging.from_environment().format
    if value not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
    return value


def formatter() -> logging.Formatter:
    """The formatter LOG_FORMAT asks for (json by default)."""
    return JsonFormatter() if log_format() == "json" else TextFormatter()


class ConsoleHandler(logging.Handler):
    """Writes each record to the standard error the process started with.

    Deliberately not a logging.StreamHandler: Rasa calls coloredlogs.install() after applying the
    logging configuration, and that swaps any StreamHandler on stdout/stderr for its own text
    handler (see `ColoredlogsTrap`)."""

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream or _original_stderr()

    def emit(self, record: logging.LogRecord) -> None:
        with _writing():
            try:
                self.stream.write(self.format(record) + "\n")
                self.stream.flush()
            except RecursionError:
                raise
            except Exception:
                self.handleError(record)


class ColoredlogsTrap(logging.StreamHandler):
    """Silent handler that coloredlogs replaces.

    coloredlogs.install() (called by Rasa after reading --logging-config-file) removes the first
    handler that writes to sys.stdout or sys.stderr and adds its own coloured text handler with
    that handler's filters. This handler is that one, and its filter drops every record, so the
    handler coloredlogs puts in its place never writes."""

    def __init__(self):
        super().__init__(sys.stderr)
        self.addFilter(lambda _record: False)

    @property
    def stream(self):
        return sys.stderr           # matched by identity, and sys.stderr may be replaced later

    @stream.setter
    def stream(self, _value):
        pass

    def emit(self, record: logging.LogRecord) -> None:
        pass


def console_handler() -> ConsoleHandler:
    """The handler of deploy/logging.yml. Creating it also routes into logging what would bypass
    it: print()ed lines, warnings, uncaught exceptions, and Sanic's own text handlers."""
    _take_over_output()
    return ConsoleHandler()


# ── everything else a process writes ─────────────────────────────────────────────────────────────
_local = threading.local()
_take_over_lock = threading.Lock()


class _writing:
    """Marks this thread as writing a log line, so output produced meanwhile (logging's own error
    reports) goes straight to the original stream instead of back into logging."""

    def __enter__(self):
        self.previous = getattr(_local, "writing", False)
        _local.writing = True

    def __exit__(self, *_exc):
        _local.writing = self.previous


class LineLogger(io.TextIOBase):
    """A text stream whose every line becomes one log record (Rasa prints its status with
    print(); libraries write warnings and progress to stderr)."""

    def __init__(self, logger_name: str, level: int, original):
        super().__init__()
        self.logger = logging.getLogger(logger_name)
        self.level = level
        self.original = original
        self._buffer = ""
        self._lock = threading.RLock()

    @property
    def encoding(self):
        return getattr(self.original, "encoding", "utf-8")

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.original.fileno()

    def write(self, text: str) -> int:
        if getattr(_local, "writing", False):
            return self.original.write(text)
        with self._lock:
            self._buffer += text.replace("\r\n", "\n").replace("\r", "\n")
            *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            if line.strip():
                self.logger.log(self.level, line.rstrip())
        return len(text)

    def flush(self) -> None:
        if getattr(_local, "writing", False):
            self.original.flush()
            return
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest.strip():
            self.logger.log(self.level, rest.rstrip())


def _original_stderr():
    return sys.stderr.original if isinstance(sys.stderr, LineLogger) else sys.stderr


def _log_uncaught(kind, value, traceback) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, traceback)
        return
    logging.getLogger("uncaught").critical("uncaught exception", exc_info=(kind, value, traceback))


def _take_over_output() -> None:
    with _take_over_lock:
        if not isinstance(sys.stdout, LineLogger):
            sys.stdout = LineLogger("stdout", logging.INFO, sys.stdout)
        if not isinstance(sys.stderr, LineLogger):
            sys.stderr = LineLogger("stderr", logging.WARNING, sys.stderr)
        logging.captureWarnings(True)
        sys.excepthook = _log_uncaught
        _quiet_sanic_defaults()


def _quiet_sanic_defaults() -> None:
    """Sanic applies its own logging configuration (text handlers on sanic.*) whenever an app is
    created with configure_logging=True, as Rasa's HTTP server is, after this file was read. An
    incremental configuration without entries changes nothing; sanic.* are configured in
    deploy/logging.yml instead."""
    try:
        from sanic import log as sanic_log
    except ImportError:
        return
    sanic_log.LOGGING_CONFIG_DEFAULTS.clear()
    sanic_log.LOGGING_CONFIG_DEFAULTS.update({"version": 1, "incremental": True})


def configure(config_file: str | os.PathLike) -> None:
    """Apply a logging configuration file (YAML, dictConfig schema), as Rasa does, but failing
    loudly: Rasa only logs a failed configuration at debug level."""
    import logging.config

    import yaml

    logging.config.dictConfig(yaml.safe_load(Path(config_file).read_text(encoding="utf-8")))
