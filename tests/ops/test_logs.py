"""Structured logs: one JSON object per line, no personal data, no secrets, whatever Rasa and
Sanic do to logging after deploy/logging.yml is applied."""
import json
import logging
import subprocess
import sys

from bot.ops.logs import JsonFormatter, RedactingFilter
from tests.conftest import PROJECT
from tests.ops.conftest import LOGGING_CONFIG

PERSONAL = ["123456782", "06-12345678", "jan.jansen@example.nl", "NL91ABNA0417164300"]
FIELDS = {"timestamp", "level", "logger", "message", "process", "pid"}


def record(message, *args, exc_info=None):
    return logging.LogRecord("bot.test", logging.WARNING, __file__, 1, message, args, exc_info)


def formatted(entry: logging.LogRecord) -> dict:
    RedactingFilter().filter(entry)
    line = JsonFormatter(process="console").format(entry)
    assert "\n" not in line
    return json.loads(line)


def test_a_record_is_one_json_line_with_the_fields():
    entry = formatted(record("claimed by %s", "sanne"))
    assert set(entry) == FIELDS
    assert entry["message"] == "claimed by sanne" and entry["level"] == "WARNING" and entry["logger"] == "bot.test"
    assert entry["process"] == "console" and entry["timestamp"].endswith("+00:00")


def test_personal_data_in_arguments_and_tracebacks_is_redacted():
    try:
        raise ValueError(f"bad contact {PERSONAL[2]}")
    except ValueError:
        failure = sys.exc_info()
    entry = formatted(record("callback for %s, %s, bsn %s, iban %s", PERSONAL[1], PERSONAL[2], PERSONAL[0],
                             PERSONAL[3], exc_info=failure))
    text = json.dumps(entry)
    assert [value for value in PERSONAL if value in text] == []
    assert "[PHONE]" in entry["message"] and "[EMAIL]" in entry["message"] and "[BSN]" in entry["message"]
    assert "ValueError" in entry["exception"] and "[EMAIL]" in entry["exception"]


def test_tokens_and_passwords_in_urls_are_masked():
    entry = formatted(record("GET /conversations/x/tracker?token=s3cr3t-token&include_events=ALL"))
    assert "s3cr3t" not in entry["message"] and "token=[SECRET]&include_events=ALL" in entry["message"]


def test_a_bad_format_string_keeps_the_record():
    entry = formatted(record("%d conversations", "many"))
    assert "conversations" in entry["message"]


# What Rasa, Sanic and libraries do after the configuration is read, in one process: coloredlogs
# (Rasa installs it after --logging-config-file), a Sanic app (applies Sanic's own handlers),
# print(), warnings and an uncaught exception.
AFTER_CONFIGURATION = f"""
import logging, sys, warnings
from bot.ops import logs
logs.configure({str(LOGGING_CONFIG)!r})
import coloredlogs
coloredlogs.install(level="INFO", fmt="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
from sanic import Sanic
Sanic("after_configuration")
logging.getLogger("sanic.root").info("Goin' Fast, citizen %s", {PERSONAL[0]!r})
logging.getLogger("rasa.core").info("message from %s", {PERSONAL[2]!r})
print("Rasa server is up and running. Call", {PERSONAL[1]!r})
print("progress", end="\\r")
warnings.warn("iban {PERSONAL[3]} in a warning", UserWarning)
warnings.warn("old API", DeprecationWarning)
sys.stderr.write("raw stderr line\\n")
raise RuntimeError("uncaught, mail {PERSONAL[2]}")
"""


def run_python(code: str, log_format: str = "json") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "LOG_FORMAT": log_format, "LOG_PROCESS_NAME": "probe",
                               "PYTHONPATH": str(PROJECT)})


def test_everything_a_process_writes_becomes_a_clean_json_line():
    result = run_python(AFTER_CONFIGURATION)
    assert result.stdout == ""                          # all output goes to standard error
    lines = result.stderr.splitlines()
    entries = [json.loads(line) for line in lines]      # fails on any line that is not JSON
    assert all(set(entry) >= FIELDS and entry["process"] == "probe" for entry in entries)
    by_logger = {}
    for entry in entries:
        by_logger.setdefault(entry["logger"], []).append(entry["message"])
    assert by_logger["sanic.root"] == ["Goin' Fast, citizen [BSN]"]
    assert by_logger["rasa.core"] == ["message from [EMAIL]"]
    assert by_logger["stdout"] == ["Rasa server is up and running. Call [PHONE]", "progress"]
    assert by_logger["stderr"] == ["raw stderr line"]
    assert len(by_logger["py.warnings"]) == 1 and "[IBAN] in a warning" in by_logger["py.warnings"][0]
    assert [entry["level"] for entry in entries if entry["logger"] == "uncaught"] == ["CRITICAL"]
    assert [value for value in PERSONAL if value in result.stderr] == []
    assert result.returncode == 1


def test_log_format_text_gives_readable_lines_still_redacted():
    result = run_python(AFTER_CONFIGURATION, log_format="text")
    assert "INFO    rasa.core [probe " in result.stderr and "message from [EMAIL]" in result.stderr
    assert not result.stderr.lstrip().startswith("{")
    assert [value for value in PERSONAL if value in result.stderr] == []
