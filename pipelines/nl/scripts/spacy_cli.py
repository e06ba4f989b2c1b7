"""Run the spaCy CLI (same as `python -m spacy ...`) without importing TensorFlow.

The project venv contains TensorFlow (a Rasa dependency). thinc probes for it at
import time (`import tensorflow`), which costs ~3 s per process on the CI machine
and prints a screenful of TF log lines. This pipeline never uses TensorFlow, so
each step blocks that import. Nothing else differs from `python -m spacy`.

Usage: python scripts/spacy_cli.py train configs/config.cfg --output ...
"""
import sys

# A None entry in sys.modules makes `import tensorflow` raise ImportError,
# which thinc.compat treats as "TensorFlow not installed".
sys.modules.setdefault("tensorflow", None)

from spacy.cli import setup_cli  # noqa: E402

if __name__ == "__main__":
    setup_cli()
