#!/usr/bin/env bash
# The test suite: ruff and mypy (bot/ and actions/), pytest (catalogue, actions, end-to-end over real
# HTTP), rasa data validate, and the conversation tests. Called by `make test` after set-up,
# pipeline, catalogue and model. With --fast (`make test-fast`): ruff, mypy and the tests that start
# no server, browser or PostgreSQL (tests/lanes.py), in a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p results

bash scripts/timed.sh "lint and types (ruff, mypy)" bash -c '.venv/bin/ruff check bot actions && .venv/bin/mypy'

if [ "${1:-}" = "--fast" ]; then
  exec bash scripts/timed.sh "pytest, fast lane" .venv/bin/python -m pytest tests -q -p no:cacheprovider -m "not slow"
fi

bash scripts/timed.sh "rasa data validate" bash -c '
  .venv/bin/rasa data validate --data data --domain domain.yml --config config.yml > results/validate.log 2>&1 \
    || { cat results/validate.log; exit 1; }
  # Responses sent by custom actions are not referenced in rules, and some intents only come from
  # buttons (payloads) or from the language component, never from typed text: Rasa warns about
  # both. Any other warning is a failure.
  button_intents="choose_product|handover_chat|handover_desk|handover_digital_help|handover_phone|rate|request_callback|unsupported_language"
  if grep -E "UserWarning|WARNING|ERROR" results/validate.log \
     | grep -v -E "is not used in any story or rule|MovedIn20Warning" \
     | grep -v -E "intent .(${button_intents}). is listed in the domain file, but is not found in the NLU training data"; then
    echo "rasa data validate reported the problems above"; exit 1
  fi
  echo "rasa data validate: clean"'

bash scripts/timed.sh "conversation tests (rasa test core)" \
  .venv/bin/rasa test core --stories tests/conversations --model models/assistant.tar.gz \
  --fail-on-prediction-errors --out results/conversations

bash scripts/timed.sh "browser for the browser tests" bash scripts/install-browser.sh

bash scripts/timed.sh "rasa-webchat for the third-party client tests" bash scripts/install-webchat.sh

bash scripts/timed.sh "PostgreSQL, Redis and nginx for the scale-out tests" bash scripts/install-services.sh

bash scripts/timed.sh "pytest" .venv/bin/python -m pytest tests -q -p no:cacheprovider --durations=20
