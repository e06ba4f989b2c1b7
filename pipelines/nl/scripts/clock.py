"""Wall-clock timing for the `all` workflow.

    python scripts/clock.py start LOG   # first step of the workflow: reset LOG
    python scripts/clock.py stop LOG    # last step: per-step and total elapsed time

scripts/step.py appends one JSON line per step it ran to LOG; steps that
`spacy project run` skipped (nothing changed) do not appear.
"""
import json
import sys
import time
from pathlib import Path


def main():
    action, log = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(json.dumps({"step": "start", "end": time.time()}) + "\n")
        print(f"[clock] started at {time.strftime('%H:%M:%S')}")
        return
    lines = [json.loads(l) for l in log.read_text().splitlines() if l.strip()]
    start = lines[0]["end"]
    ran = lines[1:]
    print("\n| step | seconds |\n|---|---:|")
    for entry in ran:
        print(f"| {entry['step']} | {entry['seconds']:.1f} |")
    if not ran:
        print("| (all steps skipped: nothing changed) | |")
    total = time.time() - start
    print(f"\n[clock] total elapsed since workflow start: {total:.1f} s "
          f"({int(total // 60)} min {total % 60:.0f} s)")


if __name__ == "__main__":
    main()
