# Task runner. Every target that builds something depends on its inputs, so it reruns only when
# they change. The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

SPACY_PIPELINE := build/spacy/nl_citizen/meta.json
CATALOGUE := build/catalogue.db
MODEL := models/assistant.tar.gz
BASELINE := models/baseline.tar.gz
CATALOGUE_INPUTS := $(shell find knowledge -type f) $(wildcard bot/catalogue/*.py bot/catalogue/*/*)
MODEL_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard bot/nlu/*.py) knowledge/languages.yml

.PHONY: help setup pipeline catalogue train run test test-fast evaluate benchmark load clean

help:
	@echo "make run        set up what is missing, then start the assistant"
	@echo "make test       set up what is missing, then run every test"
	@echo "make test-fast  lint, types and the tests that start no server (a few minutes; tests/lanes.py)"
	@echo "make setup      create .venv and install the pinned packages"
	@echo "make pipeline   train the Dutch spaCy pipeline from UD Dutch (../shared/data/ud-dutch)"
	@echo "make catalogue  build the catalogue database from knowledge/"
	@echo "make train      train the Rasa model"
	@echo "make evaluate   blind held-out figures: product hit@1/hit@3, false products, question type, language; vs before and vs the rasa init baseline"
	@echo "make benchmark  catalogue search latency; REST round trip, throughput and memory; idle socket.io pages"
	@echo "make load       100 conversations for 10 min: one machine, then the scale-out (PostgreSQL, Redis, 2 Rasa servers)"

setup:
	@bash scripts/setup.sh

pipeline: setup $(SPACY_PIPELINE)
$(SPACY_PIPELINE): pipelines/nl/project.yml $(wildcard pipelines/nl/configs/* pipelines/nl/scripts/*)
	@bash scripts/timed.sh "Dutch spaCy pipeline" $(PY) -m spacy project run all pipelines/nl

catalogue: setup $(CATALOGUE)
$(CATALOGUE): $(CATALOGUE_INPUTS)
	@bash scripts/timed.sh "catalogue build" $(PY) -m bot.catalogue build

train: setup pipeline $(MODEL)
$(MODEL): $(MODEL_INPUTS) $(SPACY_PIPELINE)
	@bash scripts/train.sh

run: setup pipeline catalogue train
	@bash scripts/run.sh

test: setup pipeline catalogue train
	@bash scripts/test.sh

test-fast: setup catalogue
	@bash scripts/test.sh --fast

# Rasa's default pipeline (rasa init) on the same data: the baseline of `make evaluate`.
$(BASELINE): evaluation/baseline-config.yml $(MODEL_INPUTS)
	@bash scripts/timed.sh "baseline model training" $(RASA) train --config evaluation/baseline-config.yml \
	  --domain domain.yml --data data --out models --fixed-model-name baseline

evaluate: setup catalogue train $(BASELINE)
	@bash scripts/timed.sh "resolution evaluation" $(PY) -m bot.evaluation.resolution
	@bash scripts/timed.sh "conversation evaluation" $(PY) -m bot.evaluation.conversations
	@bash scripts/timed.sh "report category evaluation" $(PY) -m bot.evaluation.report_categories

benchmark: setup catalogue train
	@bash scripts/timed.sh "catalogue search benchmark" $(PY) -m bot.evaluation.resolve_speed
	@bash scripts/timed.sh "assistant speed benchmark" $(PY) -m bot.evaluation.speed
	@bash scripts/install-browser.sh && bash scripts/install-webchat.sh
	@bash scripts/timed.sh "socket.io clients benchmark" $(PY) -m bot.evaluation.socket_clients

load: setup catalogue train
	@bash scripts/install-services.sh
	@bash scripts/timed.sh "load, one machine" $(PY) -m bot.evaluation.load
	@bash scripts/timed.sh "load, scale-out" $(PY) -m bot.evaluation.load --scaleout 2

clean:
	rm -rf build models results
