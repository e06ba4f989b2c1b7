#!/usr/bin/env bash
# Creates .venv and installs the pinned environment. Safe to rerun: when requirements/ has not
# changed since the last successful install it returns in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
VENV=.venv
STAMP=$VENV/.installed-requirements
started=$(date +%s)

step() { printf '\n==> [setup] %s\n' "$*"; }
fail() { printf '\n!! [setup] failed: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found: this project needs Python 3.11"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  || fail "$PYTHON is not Python 3.11"

wanted=$(cat requirements/lock.txt requirements/rasa.txt scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ]; then
  echo "[setup] Python environment up to date ($VENV)"
  exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
  step "creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV" || fail "could not create $VENV"
fi
rm -f "$STAMP"   # a half-finished install must never look finished

step "1/3 pip 24.3.1"
"$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar on -q pip==24.3.1 \
  || fail "upgrading pip"

step "2/3 pinned dependencies from requirements/lock.txt ($(grep -c '==' requirements/lock.txt) packages)"
set +o pipefail
"$VENV/bin/pip" install --disable-pip-version-check -r requirements/lock.txt 2>&1 \
  | grep --line-buffered -E '^(Collecting|Successfully|ERROR)' | sed -u 's/^/    /'
status=${PIPESTATUS[0]}
set -o pipefail
[ "$status" -eq 0 ] || fail "installing requirements/lock.txt"

step "3/3 rasa and rasa-sdk (declared for Python <3.11, run on 3.11)"
"$VENV/bin/pip" install --disable-pip-version-check -q --no-deps --ignore-requires-python \
  -r requirements/rasa.txt || fail "installing requirements/rasa.txt"

# The only known conflict is rasa's matplotlib<3.6 pin (no Python 3.11 wheel exists for it).
problems=$("$VENV/bin/pip" check 2>/dev/null | grep -v 'requirement matplotlib<3.6' || true)
if [ -n "$problems" ] && [ "$problems" != "No broken requirements found." ]; then
  fail "pip check: $problems"
fi

echo "$wanted" > "$STAMP"
echo "[setup] environment ready in $(( $(date +%s) - started )) s"
