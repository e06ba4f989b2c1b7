"""No secrets in the repository (OWASP ASVS 2.10.4, 6.4.1): every tracked file is scanned for
private keys, well-known token formats, passwords in URLs and secret-named settings with literal
values. Tests (tests/) may hold test passwords; the only literals allowed elsewhere are the
documented local development token and tokens named as throwaway ones (`*-test-token`,
`*-dev-token`) for servers a tool starts on localhost itself."""
from __future__ import annotations

import re
import subprocess
from pathlib import PurePosixPath

from tests.conftest import PROJECT

ALLOWED_LITERALS = {"local-dev-token"}   # RASA_TOKEN on a laptop; the consoles refuse it in production
THROWAWAY = re.compile(r"^[a-z0-9-]+-(test|dev)-token$")   # e.g. the load tool's own temporary Rasa server
SKIPPED_FOLDERS = ("tests/",)            # test accounts and fixtures
SECRET_FILES = re.compile(r"(^|/)(\.env|id_rsa|id_dsa|id_ecdsa|id_ed25519)$|\.(pem|key|p12|pfx|jks|keystore)$")

TOKEN_FORMATS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
}
# scheme://user:password@host, unless the password is a placeholder as in documentation examples
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^/\s:@'\"]+)@")
PLACEHOLDER_PASSWORDS = {"pw", "pass", "password", "secret", "xxx", "***", "changeme"}
SECRET_NAME = r"[\w.-]*(?:password|passwd|secret|token|api_?key|private_?key)(?![a-z])[\w.-]*"   # not tokenizer
# NAME = "literal" in code (the value must be a quoted literal: an expression is not a secret)
CODE_ASSIGNMENT = re.compile(rf"""(?i)\b{SECRET_NAME}["']?\s*[:=]\s*["']([^"'\s]{{4,}})["']""")
# NAME: value / NAME=value in configuration (YAML, .env, shell, ini)
CONFIG_ASSIGNMENT = re.compile(rf"""(?im)^\s*(?:export\s+)?{SECRET_NAME}\s*[:=][ \t]*["']?([^\s"'#]+)""")
# defaults taken when the environment has no value: os.environ.get("X_TOKEN", "...") and ${X_TOKEN:-...}
ENVIRONMENT_DEFAULT = re.compile(rf"""(?i)(?:environ\.get|getenv)\(\s*["']{SECRET_NAME}["']\s*,\s*["']([^"']+)["']"""
                                 rf"""|\$\{{{SECRET_NAME}:?-([^}}]+)\}}""")
CODE_SUFFIXES = {".py", ".js", ".ts", ".html", ".md", ".txt"}
CONFIG_SUFFIXES = {".yml", ".yaml", ".env", ".sh", ".cfg", ".ini", ".toml", ".conf", ""}


def tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, check=True, capture_output=True).stdout
    return [name for name in listing.decode().split("\0") if name]


def harmless(value: str) -> bool:
    return (value in ALLOWED_LITERALS or THROWAWAY.match(value) or value.startswith(("${", "$", "change-me", "<", "{{")) or not value.strip(".…")
            or value.lower() in ("none", "null", "true", "false", "required", "optional"))


def findings(name: str, text: str) -> list[str]:
    found = [f"{name}: {kind}" for kind, pattern in TOKEN_FORMATS.items() if pattern.search(text)]
    found += [f"{name}: password in a URL" for match in URL_PASSWORD.finditer(text)
              if not harmless(match.group(1)) and match.group(1).lower() not in PLACEHOLDER_PASSWORDS]
    if name.startswith(SKIPPED_FOLDERS) or name == ".env.example":     # .env.example: checked on its own
        return found
    suffix = PurePosixPath(name).suffix
    patterns = [ENVIRONMENT_DEFAULT]
    if suffix in CODE_SUFFIXES:
        patterns.append(CODE_ASSIGNMENT)
    if suffix in CONFIG_SUFFIXES or suffix == ".md":
        patterns.append(CONFIG_ASSIGNMENT)
    for pattern in patterns:
        for match in pattern.finditer(text):
            value = next(group for group in match.groups() if group is not None) if match.groups() else ""
            if not harmless(value.strip()):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{line}: {match.group(0).strip()[:80]}")
    return found


def scan(files: list[str]) -> list[str]:
    problems = []
    for name in files:
        if SECRET_FILES.search(name):
            problems.append(f"{name}: a key or .env file is tracked")
        path = PROJECT / name
        if not path.is_file():
            continue                                    # deleted in the working tree
        data = path.read_bytes()
        if data.startswith(b"SQLite format 3\0"):
            problems.append(f"{name}: a database is tracked (conversations, accounts or sessions may be in it)")
        if b"\0" in data[:8192]:
            continue                                    # binary
        problems += findings(name, data.decode("utf-8", errors="replace"))
    return problems


def test_the_scanner_recognises_secrets():
    """Synthetic secrets, built here so that this file itself holds none."""
    key = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIE..."
    samples = {
        "bot/settings.py": f'API_TOKEN = "{"s3cr3t" * 3}"\n',
        "deploy/app.yml": "db_password: " + "hunter2hunter2\n",
        "scripts/run.sh": "export RASA_TOKEN=${RASA_TOKEN:-" + "prod-token-123}\n",
        "bot/app.py": 'token = os.environ.get("RASA_TOKEN", "' + 'real-token-value")\n',
        "docs/setup.md": "url: postgresql://assistant:" + "Sup3rS3cret@db/assistant\n",
        "bot/keys.py": key,
        "deploy/github.txt": "gh" + "p_" + "a" * 36 + "\n",
    }
    for name, text in samples.items():
        assert findings(name, text), name
    assert scan(["deploy/server.pem"]) == ["deploy/server.pem: a key or .env file is tracked"]
    harmless_samples = {
        "bot/app.py": 'token = secrets.token_urlsafe(32)\nRASA = os.environ.get("RASA_TOKEN", "local-dev-token")\n',
        "bot/evaluation/load.py": 'TOKEN = "load-test-token"\n',
        "endpoints.yml": "tracker_store:\n  password: ${DB_PASSWORD}\n",
        "scripts/run.sh": "export RASA_TOKEN=${RASA_TOKEN:-local-dev-token}\n",
        "README.md": "url: postgresql://${DB_USER}:${DB_PASSWORD}@db/rasa\n",
        "tests/test_login.py": 'PASSWORD = "a-test-password"\n',
    }
    for name, text in harmless_samples.items():
        assert not findings(name, text), (name, findings(name, text))


def test_no_tracked_file_holds_a_secret():
    files = tracked_files()
    assert len(files) > 100
    problems = scan(files)
    assert not problems, "secrets (or look-alikes) in tracked files:\n" + "\n".join(problems)
