"""Start a real action server and Rasa server on free localhost ports, for tests and tools."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.settings import PROJECT_DIR

RASA = PROJECT_DIR / ".venv" / "bin" / "rasa"


@dataclass
class RunningAssistant:
    url: str
    token: str
    action_url: str
    processes: dict[str, subprocess.Popen]
    logs: dict[str, Path]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until(url: str, process: subprocess.Popen, seconds: int, log: Path) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited while starting; end of {log}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).ok:
                return
        time.sleep(1)
    raise TimeoutError(f"{url} not up after {seconds} s; end of {log}:\n{log.read_text()[-3000:]}")


def _stop(processes) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _serve(logging_config: Path | None) -> list[str]:
    """How deploy/ starts a server with a logging configuration (bot.ops.serve)."""
    return [sys.executable, "-m", "bot.ops", "serve", "--logging-config-file", str(logging_config)]


@contextlib.contextmanager
def running_web_app(module: str, port_variable: str, health_path: str, env: dict[str, str], log: Path,
                    port: int | None = None, logging_config: Path | None = None):
    """`python -m MODULE` (bot.console, bot.web) on a free port, told through `port_variable`;
    yields its base URL once `health_path` answers, and stops it afterwards."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*_serve(logging_config), module] if logging_config else [sys.executable, "-m", module]
    process = subprocess.Popen(command, cwd=PROJECT_DIR,
                               env={**os.environ, **env, port_variable: str(port)},
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_until(f"{url}{health_path}", process, 60, log)
        yield url
    finally:
        _stop([process])


@contextlib.contextmanager
def running_assistant(model: Path, catalogue_db: Path | None = None, token: str = "local-test-token",
                      workdir: Path | None = None, extra_env: dict[str, str] | None = None,
                      logging_config: Path | None = None):
    """Yield a RunningAssistant; stop both servers afterwards, whatever happened."""
    with contextlib.ExitStack() as stack:
        scratch = Path(workdir or stack.enter_context(tempfile.TemporaryDirectory()))
        rasa_port, actions_port = free_port(), free_port()
        # Tests and tools send many conversations from 127.0.0.1: no rate limits (bot.web.limits)
        # unless the environment or extra_env asks for them.
        env = {"RATE_LIMIT_CONVERSATION": "off", "RATE_LIMIT_ADDRESS": "off", **os.environ,
               "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
               "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
               "TRACKER_DB": str(scratch / "tracker.db")}
        if catalogue_db:
            env["CATALOGUE_DB"] = str(catalogue_db)
        env.update(extra_env or {})
        logs = {name: scratch / f"{name}.log" for name in ("actions", "rasa")}
        rasa = [*_serve(logging_config), "rasa", "--"] if logging_config else [str(RASA)]
        actions = ([*_serve(logging_config), "bot.action_server", "--"] if logging_config
                   else [sys.executable, "-m", "bot.action_server"])
        commands = {
            "actions": [*actions, "--port", str(actions_port)],
            "rasa": [*rasa, "run", "--enable-api", "--auth-token", token, "--interface", "127.0.0.1",
                     "--port", str(rasa_port), "--model", str(model), "--credentials", "credentials.yml",
                     "--endpoints", "endpoints.yml"],
        }
        processes = {}
        try:
            for name, command in commands.items():
                processes[name] = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=logs[name].open("w"),
                                                   stderr=subprocess.STDOUT)
            _wait_until(f"http://127.0.0.1:{actions_port}/health", processes["actions"], 120, logs["actions"])
            _wait_until(f"http://127.0.0.1:{rasa_port}/status?token={token}", processes["rasa"], 300, logs["rasa"])
            yield RunningAssistant(f"http://127.0.0.1:{rasa_port}", token,
                                   f"http://127.0.0.1:{actions_port}/webhook", processes, logs)
        finally:
            _stop(list(processes.values()))
