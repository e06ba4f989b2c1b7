"""A real action server and Rasa server, started once for the end-to-end tests."""
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import PROJECT

MODEL = PROJECT / "models" / "assistant.tar.gz"
TOKEN = "e2e-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(url: str, process: subprocess.Popen, seconds: int, log: Path) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited while starting:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} not up after {seconds} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, catalogue_db):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    scratch = tmp_path_factory.mktemp("servers")
    rasa_port, actions_port = free_port(), free_port()
    env = {**os.environ, "CATALOGUE_DB": str(catalogue_db), "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
           "TRACKER_DB": str(scratch / "tracker.db")}
    rasa = PROJECT / ".venv" / "bin" / "rasa"
    logs = {name: scratch / f"{name}.log" for name in ("actions", "rasa")}
    processes = [
        subprocess.Popen([str(rasa), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
                         cwd=PROJECT, env=env, stdout=logs["actions"].open("w"), stderr=subprocess.STDOUT),
        subprocess.Popen([str(rasa), "run", "--enable-api", "--auth-token", TOKEN, "--interface", "127.0.0.1",
                          "--port", str(rasa_port), "--model", str(MODEL), "--credentials", "credentials.yml",
                          "--endpoints", "endpoints.yml"],
                         cwd=PROJECT, env=env, stdout=logs["rasa"].open("w"), stderr=subprocess.STDOUT),
    ]
    try:
        wait_until(f"http://127.0.0.1:{actions_port}/health", processes[0], 120, logs["actions"])
        wait_until(f"http://127.0.0.1:{rasa_port}/status?token={TOKEN}", processes[1], 300, logs["rasa"])
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
