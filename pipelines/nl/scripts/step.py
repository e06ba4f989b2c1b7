"""Run one workflow step: time it and publish its outputs atomically.

Usage:
    python scripts/step.py NAME [--log FILE] [--output PATH ...] -- CMD ARG ...

`{tmp}` (first output) and `{tmp0}`, `{tmp1}`, ... in CMD are replaced by
`<output>.tmp`, a sibling of each declared output. The command writes there.
Only if it exits 0 (and produced every temp output) are the temp paths moved
into place, replacing the previous outputs. If it fails or is interrupted the
temp paths are deleted and the previous outputs stay as they were, so a rerun
never sees a half-written output (and `spacy project run` reruns the step,
because it records no new lock entry for a failed step).

A leading `python` in CMD means this interpreter. Elapsed time is printed and
appended as one JSON line to --log (read by scripts/clock.py).
"""
import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def publish(tmp: Path, out: Path) -> None:
    if out.exists() and tmp.is_dir():
        old = out.with_name(out.name + ".old")
        remove(old)
        out.rename(old)       # keep the old output until the new one is in place
        tmp.rename(out)
        remove(old)
    else:
        if out.is_dir():
            remove(out)
        tmp.replace(out)      # atomic for files


def main() -> int:
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: step.py NAME [--log F] [--output P ...] -- CMD ...")
    split = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--log", type=Path)
    ap.add_argument("--output", type=Path, action="append", default=[])
    args = ap.parse_args(argv[:split])
    cmd = argv[split + 1:]

    outs = args.output
    tmps = [o.with_name(o.name + ".tmp") for o in outs]
    subs = {f"{{tmp{i}}}": str(t) for i, t in enumerate(tmps)}
    if tmps:
        subs["{tmp}"] = str(tmps[0])
    for i, arg in enumerate(cmd):
        for k, v in subs.items():
            arg = arg.replace(k, v)
        cmd[i] = arg
    if cmd and cmd[0] in ("python", "python3"):
        cmd[0] = sys.executable

    for t in tmps:  # leftovers of a killed run
        remove(t)
        t.parent.mkdir(parents=True, exist_ok=True)

    print(f"[{args.name}] start: {' '.join(cmd)}", flush=True)
    t0 = time.time()
    try:
        rc = subprocess.call(cmd)
    except KeyboardInterrupt:
        rc = 130
    elapsed = time.time() - t0
    missing = [str(t) for t in tmps if not t.exists()]
    if rc == 0 and missing:
        print(f"[{args.name}] command succeeded but did not write {missing}", flush=True)
        rc = 1
    if rc < 0:  # killed by a signal: report it the way a shell does
        rc = 128 - rc
    if rc != 0:
        for t in tmps:
            remove(t)
        print(f"[{args.name}] FAILED (exit {rc}) after {elapsed:.1f} s; "
              "temporary outputs removed, previous outputs untouched", flush=True)
        return rc
    for t, o in zip(tmps, outs):
        publish(t, o)
    print(f"[{args.name}] done in {elapsed:.1f} s", flush=True)
    if args.log:
        args.log.parent.mkdir(parents=True, exist_ok=True)
        with args.log.open("a") as f:
            f.write(json.dumps({"step": args.name, "seconds": round(elapsed, 1),
                                "end": time.time()}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
