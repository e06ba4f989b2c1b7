#!/usr/bin/env bash
# Re-resolves requirements/lock.txt from requirements/*.in in a scratch environment.
# rasa-deps.in is rasa 3.6.21's own requirements with markers evaluated as for Python 3.10 and the
# spacy extra, except matplotlib 3.6.3 (rasa pins <3.6, which has no Python 3.11 wheel).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3.11 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q pip==24.3.1
"$scratch/venv/bin/pip" install -r requirements/rasa-deps.in -r requirements/project.in
{
  echo "# Exact versions of everything but rasa itself, resolved by scripts/lock.sh for Python 3.11."
  echo "# rasa and rasa-sdk come from requirements/rasa.txt, installed without their Python <3.11 guard."
  "$scratch/venv/bin/pip" freeze --all | grep -v -i -E '^(rasa|rasa-sdk|rasa_sdk|pip)=='
} > requirements/lock.txt
echo "requirements/lock.txt: $(grep -c '==' requirements/lock.txt) packages"
