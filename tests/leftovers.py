"""A check at the end of the test run: no process that the tests started is still running.

Every process started during the run inherits the environment variable MARKER with this run's
value, also when it is started again from another process's environment (/proc/PID/environ) or
orphaned when its parent died. At the end, after every fixture's teardown, a process that still
carries it is a server a test forgot to stop: the run fails and names it."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

MARKER = "ASSISTANT_TEST_RUN"


def pytest_configure(config) -> None:
    os.environ.setdefault(MARKER, uuid.uuid4().hex)


def still_running(marker_value: str) -> list[str]:
    """Processes other than this one and its ancestors whose environment carries the marker."""
    needle = f"{MARKER}={marker_value}".encode()
    ours = {os.getpid(), os.getppid()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in ours:
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = (entry / "status").read_text()
            if "\nState:\tZ" in status:         # already exited, not yet reaped
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        found.append(f"{entry.name}: {command[:200]}")
    return found


def pytest_sessionfinish(session, exitstatus) -> None:
    value = os.environ.get(MARKER)
    if not value or hasattr(session.config, "workerinput"):
        return
    left = still_running(value)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line("processes started by the tests are still running:\n  " + "\n  ".join(left), red=True)
        session.exitstatus = 1
