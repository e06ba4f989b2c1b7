"""Processes from /proc (psutil is not a dependency): this test process's children, their memory."""
from __future__ import annotations

import os
from pathlib import Path


def children_by_command() -> dict[str, int]:
    """{command line: pid} of the processes this process started."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == os.getpid():
                found[(entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()] = int(entry.name)
        except (OSError, IndexError, ValueError):
            continue            # ended while we looked
    return found


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError(f"no VmRSS for {pid}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
