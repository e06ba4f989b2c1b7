#!/usr/bin/env bash
# The test suite: pytest (catalogue, actions, end-to-end over real HTTP), rasa data validate,
# and the conversation tests. Called by `make test` after set-up, pipeline, catalogue and model.
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLALCHEMY_SILENCE_UBER_WARNING=1
mkdir -p results

bash scripts/timed.sh "rasa data validate" bash -c '
  .venv/bin/rasa data validate --data data --domain domain.yml --config config.yml > results/validate.log 2>&1 \
    || { cat results/validate.log; exit 1; }
  # Responses sent by custom actions are not referenced in rules, and choose_product only comes
  # from buttons: Rasa warns about both. Anything else is a failure.
  if grep -E "UserWarning|WARNING|ERROR" results/validate.log \
     | grep -v -E "is not used in any story or rule|intent .choose_product. is listed in the domain file, but is not found in the NLU training data|MovedIn20Warning"; then
    echo "rasa data validate reported the problems above"; exit 1
  fi
  echo "rasa data validate: clean"'

bash scripts/timed.sh "conversation tests (rasa test core)" \
  .venv/bin/rasa test core --stories tests/conversations --model models/assistant.tar.gz \
  --fail-on-prediction-errors --out results/conversations

bash scripts/timed.sh "pytest" .venv/bin/python -m pytest tests -q -p no:cacheprovider
