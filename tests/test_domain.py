"""Every response exists in every configured language; every sentence lives in the domain."""
import yaml

from tests.conftest import PROJECT


def configured_languages() -> list[str]:
    return yaml.safe_load((PROJECT / "knowledge" / "municipality.yml").read_text(encoding="utf-8"))["languages"]


def test_every_response_has_every_configured_language():
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    default, *others = configured_languages()
    missing = []
    for name, variations in domain["responses"].items():
        conditioned = {c["value"] for v in variations for c in v.get("condition", []) if c.get("name") == "language"}
        if not any(not v.get("condition") for v in variations):
            missing.append((name, default))
        missing += [(name, language) for language in others if language not in conditioned]
    assert missing == []


def test_every_action_in_the_domain_is_implemented():
    from rasa_sdk.executor import ActionExecutor
    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= set(executor.actions)
