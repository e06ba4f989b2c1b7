#!/usr/bin/env bash
# Trains the Rasa model into models/assistant.tar.gz. With SPACY_MODEL set (for example
# nl_core_news_md, when installed), SpacyNLP uses that pipeline instead of the project's own.
set -euo pipefail
cd "$(dirname "$0")/.."
config=config.yml
if [ -n "${SPACY_MODEL:-}" ]; then
  mkdir -p build
  sed "s|model: build/spacy/nl_citizen|model: ${SPACY_MODEL}|" config.yml > build/config.yml
  config=build/config.yml
  echo "[train] SpacyNLP uses ${SPACY_MODEL}"
fi
mkdir -p models
scratch=$(mktemp -d models/.training.XXXX)
trap 'rm -rf "$scratch"' EXIT
# Trained into a scratch folder and moved into place: a failed run leaves the old model.
bash scripts/timed.sh "Rasa model training" \
  .venv/bin/rasa train --config "$config" --domain domain.yml --data data \
  --out "$scratch" --fixed-model-name assistant
mv "$scratch/assistant.tar.gz" models/assistant.tar.gz
