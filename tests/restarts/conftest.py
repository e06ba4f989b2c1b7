"""Servers that the restart tests may kill: the assistant and the consoles on SQLite, each process
restarted with exactly its own command line and environment."""
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.servers import _wait_until, running_assistant, running_web_app
from tests.conftest import PROJECT
from tests.e2e.conftest import STAFF_PASSWORD, build_always_open_catalogue

MODEL = PROJECT / "models" / "assistant.tar.gz"
TOKEN = "restart-test-token"


@dataclass
class Launch:
    command: list[bytes]
    environ: dict[bytes, bytes]
    cwd: str


def launch_of(target: subprocess.Popen | int) -> Launch:
    """How a running process was started: its command line, environment and folder (from /proc)."""
    pid = target if isinstance(target, int) else target.pid
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return Launch(Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0"),
                  dict(item.split(b"=", 1) for item in environ if b"=" in item), os.readlink(f"/proc/{pid}/cwd"))


def crash(target: subprocess.Popen | int) -> None:
    """SIGKILL, as a crash or an out-of-memory kill would."""
    if isinstance(target, int):
        os.kill(target, signal.SIGKILL)
        os.waitpid(target, 0)
    else:
        target.kill()
        target.wait(timeout=30)


# Processes started again by a test: their first start's fixture stops only the first process.
RESTARTED: list[subprocess.Popen] = []


def start_again(launch: Launch, log: Path, health_url: str) -> subprocess.Popen:
    process = subprocess.Popen(launch.command, cwd=launch.cwd, env=launch.environ, stdout=log.open("a"),
                               stderr=subprocess.STDOUT)
    RESTARTED.append(process)
    _wait_until(health_url, process, 400, log)
    return process


@pytest.fixture(scope="module", autouse=True)
def stop_what_was_started_again():
    """Every process a test started again is stopped at teardown, also when the test failed."""
    yield
    while RESTARTED:
        process = RESTARTED.pop()
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def kill_and_restart(target: subprocess.Popen | int, log: Path, health_url: str) -> subprocess.Popen:
    launch = launch_of(target)
    crash(target)
    return start_again(launch, log, health_url)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("restarts")


@pytest.fixture(scope="module")
def assistant(workdir):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    catalogue = build_always_open_catalogue(workdir)
    with running_assistant(MODEL, catalogue, TOKEN, workdir, extra_env={"HANDOVER_DB": str(workdir / "handover.db")}) as running:
        running.catalogue = catalogue
        yield running


@pytest.fixture(scope="module")
def console(assistant, workdir):
    env = {**os.environ, "HANDOVER_DB": str(workdir / "handover.db"), "CATALOGUE_DB": str(assistant.catalogue),
           "CONSOLE_PASSWORD": STAFF_PASSWORD, "RASA_URL": assistant.url, "RASA_TOKEN": TOKEN}
    subprocess.run([sys.executable, "-m", "bot.handover", "create-user", "sanne", "--role", "staff", "--name", "Sanne"],
                   cwd=PROJECT, env=env, check=True, capture_output=True)
    log = workdir / "console.log"
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, log) as url:
        yield url, log


def process_listening_on(url: str) -> int:
    """The pid of the process serving `url` on localhost (from /proc: its socket's inode)."""
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":      # 0A: LISTEN
                inodes.add(fields[9])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if any(os.readlink(fd).removeprefix("socket:[").rstrip("]") in inodes for fd in (entry / "fd").iterdir()):
                    return int(entry.name)
            except OSError:
                continue
    raise LookupError(f"no process listens on {url}")
