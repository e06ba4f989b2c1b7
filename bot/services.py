"""Private PostgreSQL and Redis servers for the tests and the load script (bot.evaluation.load):
each on a free port on 127.0.0.1, with its data in a temporary folder, stopped and removed afterwards.
They use Debian's binaries; when those are missing the test fails (it never skips: CI must run these
tests) and says how to install them.

    with running_postgresql(tmp_path) as url:   # postgresql://postgres@127.0.0.1:PORT/assistant
    with running_redis(tmp_path) as url:        # redis://127.0.0.1:PORT/0

Server logs stay in `workdir` (postgresql.log, redis.log) for a failed test to show.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, NoReturn

from bot.servers import free_port

INSTALL_HINT = "run `bash scripts/install-services.sh` (Debian packages postgresql, redis-server and nginx)"
START_SECONDS = 60
PORT_ATTEMPTS = 3


def _missing(what: str) -> NoReturn:
    raise RuntimeError(f"{what} is missing: {INSTALL_HINT}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def postgresql_bin() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian keeps one per major version)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not candidates:
        _missing("PostgreSQL (/usr/lib/postgresql/*/bin/initdb)")
    return Path(candidates[-1]).parent


def _server_user() -> dict:
    """PostgreSQL refuses to run as root: as root, run it as the `postgres` account the Debian
    package creates (or `nobody`); otherwise as ourselves."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            account = pwd.getpwnam(name)
            return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    raise RuntimeError("running as root and neither a `postgres` nor a `nobody` account exists")


def _run(command: list, log: Path, as_user: dict, cwd: Path | None = None) -> None:
    with log.open("a") as out:
        result = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, **as_user)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed (exit {result.returncode}); end of {log}:\n"
                           f"{_tail(log)}")


@contextlib.contextmanager
def running_postgresql(workdir: str | os.PathLike, database: str = "assistant") -> Iterator[str]:
    """A fresh PostgreSQL cluster with one database; yields its URL (superuser `postgres`, no
    password, trust authentication on 127.0.0.1 only)."""
    bin_dir = postgresql_bin()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "postgresql.log"
    as_user = _server_user()
    # Not inside workdir: pytest's tmp folders are private to root, and a unix socket path must stay
    # under 107 characters.
    cluster = Path(tempfile.mkdtemp(prefix="pg-"))
    data, sockets = cluster / "data", cluster / "sockets"
    process = None
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("a"))
        stack.callback(shutil.rmtree, cluster, True)
        stack.callback(_stop_postgresql, lambda: process, bin_dir, data, log, as_user, cluster)
        sockets.mkdir()
        if as_user:
            for path in (cluster, sockets):
                os.chown(path, as_user["user"], as_user["group"])
        _run([bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale",
              "--no-sync"], log, as_user, cluster)
        for _ in range(PORT_ATTEMPTS):
            port = free_port()
            # Durability settings off: a test database is thrown away, and fsync costs seconds here.
            process = subprocess.Popen(
                [bin_dir / "postgres", "-D", data, "-p", str(port), "-h", "127.0.0.1", "-k", sockets,
                 "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
                stdout=out, stderr=subprocess.STDOUT, cwd=cluster, **as_user)
            if _wait_for_postgresql(bin_dir, port, process):
                break
            process.wait()
            process = None
            if "already in use" not in _tail(log):
                break
        if process is None:
            raise RuntimeError(f"PostgreSQL did not start; end of {log}:\n{_tail(log)}")
        _run([bin_dir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database], log, {})
        yield f"postgresql://postgres@127.0.0.1:{port}/{database}"


def _stop_postgresql(current, bin_dir: Path, data: Path, log: Path, as_user: dict, cluster: Path) -> None:
    process = current()
    if process is None:
        return
    with contextlib.suppress(Exception):
        _run([bin_dir / "pg_ctl", "stop", "-D", data, "-m", "fast", "-w", "-t", "30"], log, as_user, cluster)
    _wait_or_kill(process)


def _wait_or_kill(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_postgresql(bin_dir: Path, port: int, process: subprocess.Popen) -> bool:
    """True once the server accepts connections; False when it exited (e.g. the port was taken)."""
    deadline = time.time() + START_SECONDS
    while time.time() < deadline:
        if process.poll() is not None:
            return False
        ready = subprocess.run([bin_dir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)])
        if ready.returncode == 0:
            return True
        time.sleep(0.2)
    process.kill()
    raise TimeoutError(f"PostgreSQL not ready on port {port} after {START_SECONDS} s")


def redis_server() -> str:
    found = shutil.which("redis-server")
    if not found and os.path.exists("/usr/bin/redis-server"):
        found = "/usr/bin/redis-server"
    if not found:
        _missing("redis-server")
    return found


@contextlib.contextmanager
def running_redis(workdir: str | os.PathLike) -> Iterator[str]:
    """A Redis server that keeps nothing on disk; yields redis://127.0.0.1:PORT/0."""
    binary = redis_server()
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "redis.log"
    process = None
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("a"))
        stack.callback(_terminate, lambda: process)
        for _ in range(PORT_ATTEMPTS):
            port = free_port()
            process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(workdir), "--daemonize", "no"],
                stdout=out, stderr=subprocess.STDOUT)
            if _wait_for_redis(port, process):
                break
            process = None
            if "already in use" not in _tail(log):
                break
        if process is None:
            raise RuntimeError(f"Redis did not start; end of {log}:\n{_tail(log)}")
        yield f"redis://127.0.0.1:{port}/0"


def _terminate(current) -> None:
    process = current()
    if process is not None:
        process.terminate()
        _wait_or_kill(process)


def _ping(port: int) -> bool:
    with contextlib.suppress(OSError):
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    return False


def _wait_for_redis(port: int, process: subprocess.Popen) -> bool:
    deadline = time.time() + START_SECONDS
    while time.time() < deadline:
        if process.poll() is not None:
            return False
        if _ping(port):
            return True
        time.sleep(0.1)
    process.kill()
    raise TimeoutError(f"Redis not ready on port {port} after {START_SECONDS} s")
