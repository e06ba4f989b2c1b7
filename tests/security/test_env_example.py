""".env.example documents every environment variable the project reads (OWASP ASVS 14.1, and
secrets only from the environment: 2.10.4), each with a comment and a safe value."""
from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import PROJECT

ENV_EXAMPLE = PROJECT / ".env.example"
CODE_FOLDERS = ("bot", "actions", "scripts", "deploy")
CONFIG_FILES = ("endpoints.yml", "endpoints.scaleout.yml", "credentials.yml", "Makefile", ".ci/run")

PYTHON_READ = re.compile(r"""(?:environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']""")
YAML_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
SHELL_DEFAULT = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?[-=]")         # ${NAME:-default}: from the environment
SHELL_USE = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)")
SHELL_ASSIGN = re.compile(r"(?<![\w$-])([A-Z][A-Z0-9_]*)=")      # NAME=..., also after then/export/;
SHELL_OWN = {"PIPESTATUS", "BASH_SOURCE", "HOME", "PATH", "PWD", "UID", "EUID", "RANDOM", "SECONDS", "LINENO",
             "PY", "RASA", "MAKE", "CURDIR"}    # set by the shell or by make itself
# read by libraries, not by the project's code, and worth setting: allowed in .env.example
LIBRARY_VARIABLES = {"RASA_TELEMETRY_ENABLED"}
SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|PRIVATE")


def code_files() -> list[Path]:
    files = [PROJECT / name for name in CONFIG_FILES if (PROJECT / name).exists()]
    for folder in CODE_FOLDERS:
        for path in sorted((PROJECT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".sh", ".yml", ".yaml", ".service"):
                files.append(path)
    return files


def variables_read(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        return set(PYTHON_READ.findall(text))
    if path.suffix in (".yml", ".yaml", ".service"):       # systemd units expand ${NAME} as Rasa's YAML does
        return set(YAML_READ.findall(text))
    # shell scripts and the Makefile: a default means "from the environment", and so does a
    # variable used without being assigned in the file
    if path.name == "Makefile":
        text = re.sub(r"\$\([^)]*\)", "", text)             # make's own $(VARIABLES) and functions
    used = set(SHELL_USE.findall(text)) - set(SHELL_ASSIGN.findall(text))
    return (set(SHELL_DEFAULT.findall(text)) | used) - SHELL_OWN


def read_by_the_code() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in code_files():
        for name in variables_read(path):
            found.setdefault(name, []).append(str(path.relative_to(PROJECT)))
    return found


def documented() -> dict[str, tuple[str, str]]:
    """name -> (value, the comment line above it)."""
    entries, previous = {}, ""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            assert match.group(1) not in entries, f"{match.group(1)} is listed twice"
            entries[match.group(1)] = (match.group(2), previous)
        previous = line
    return entries


def test_the_scanner_finds_the_variables_it_should():
    # so that a broken pattern cannot make the next test pass by finding nothing
    found = read_by_the_code()
    assert {"RASA_TOKEN", "HANDOVER_DB", "CONSOLE_SECURE_COOKIES", "TRACKER_DB", "ACTION_ENDPOINT_URL",
            "SPACY_MODEL", "WEB_PORT", "CONSOLE_PASSWORD"} <= set(found)


def test_every_variable_the_code_reads_is_in_env_example():
    missing = {name: files for name, files in read_by_the_code().items() if name not in documented()}
    assert not missing, f"add these to .env.example (with a comment line above each): {missing}"


def test_env_example_lists_nothing_the_code_does_not_read():
    stale = set(documented()) - set(read_by_the_code()) - LIBRARY_VARIABLES
    assert not stale, f"no code reads these any more; remove them from .env.example: {sorted(stale)}"


def test_each_variable_has_a_comment_and_secrets_have_placeholders():
    for name, (value, comment) in documented().items():
        assert comment.startswith("# ") and len(comment) > 12, f"{name} needs a one-line comment above it"
        if SECRET_NAME.search(name):
            assert value == "" or value.startswith("change-me"), f"{name} must be a placeholder, not {value!r}"
    assert ".env" in (PROJECT / ".gitignore").read_text().split()      # a filled-in copy is never committed
