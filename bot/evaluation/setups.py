"""The set-ups the measuring tools run against, started for the measurement and stopped after:
one machine (one Rasa server on SQLite, as `make run`), or the production scale-out (N Rasa
servers with their action servers behind nginx, on PostgreSQL and Redis)."""
from __future__ import annotations

import contextlib
from pathlib import Path

from bot.evaluation import ONE_ADDRESS_ENV
from bot.servers import running_assistant
from bot.settings import PROJECT_DIR

MODEL = PROJECT_DIR / "models" / "assistant.tar.gz"


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


@contextlib.contextmanager
def running_setup(scaleout: int, workdir: Path, token: str):
    """The single-machine set-up (scaleout 0) or the scale-out with `scaleout` Rasa servers;
    yields (url, {process name: pid})."""
    if not scaleout:
        with running_assistant(MODEL, token=token, workdir=workdir,
                               extra_env=ONE_ADDRESS_ENV) as assistant:
            yield assistant.url, {name: p.pid for name, p in assistant.processes.items()}
        return
    from bot.scaleout import running_scaleout
    from bot.services import running_postgresql, running_redis
    with running_postgresql(workdir / "postgresql") as postgresql_url, running_redis(workdir / "redis") as redis_url, \
            running_scaleout(MODEL, workdir, postgresql_url, redis_url,
                             rasa_processes=scaleout, token=token, extra_env=ONE_ADDRESS_ENV) as cluster:
        pids = {name: p.pid for name, p in cluster.processes.items()}
        pids.update(database_pids(workdir))
        yield cluster.url, pids


def database_pids(workdir: Path) -> dict[str, int]:
    """PostgreSQL's postmaster and redis-server, found by their command line under /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "/postgres -D" in command and "postgresql" not in found:
                found["postgresql"] = int(entry.name)
            elif command.startswith("redis-server") or "/redis-server" in command:
                found["redis"] = int(entry.name)
    return found
