"""The held-out conversation set (evaluation/conversations.yml) is never used for training: no
message in it is also a training example in data/nlu/, compared in lower case without
punctuation and with entity annotations removed."""
import re

import yaml

from tests.conftest import PROJECT

ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def training_examples() -> set[str]:
    examples = set()
    for path in (PROJECT / "data" / "nlu").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.add(normal(ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:])))
    return examples


def test_no_held_out_message_is_a_training_example():
    held_out = yaml.safe_load((PROJECT / "evaluation" / "conversations.yml").read_text(encoding="utf-8"))
    training = training_examples()
    assert len(training) > 500
    assert len(held_out) >= 200 and {case["language"] for case in held_out} == {"nl", "en", "fr"}
    leaked = [case["text"] for case in held_out if normal(case["text"]) in training]
    assert leaked == [], f"{len(leaked)} held-out messages are training examples: {leaked[:10]}"


def test_the_comparison_sees_through_case_punctuation_and_annotations():
    assert normal("Heel erg bedankt!") == normal("heel erg bedankt")
    assert ANNOTATION.sub(lambda m: m.group(1) or m.group(2), "mijn [paspoort](product) kwijt") == "mijn paspoort kwijt"
