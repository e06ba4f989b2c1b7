"""Every `python -m bot.ops` command is documented in the README's Deployment section."""
import re

from bot.ops.cli import COMMANDS
from tests.conftest import PROJECT


def deployment_section() -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    return re.search(r"^## Deployment\n(.*?)^## ", readme, re.MULTILINE | re.DOTALL).group(1)


def test_every_ops_command_is_in_the_readme():
    section = deployment_section()
    missing = [name for name in COMMANDS if f"`python -m bot.ops {name}" not in section]
    assert missing == []


def test_every_deploy_file_is_named_in_the_readme():
    section = deployment_section()
    files = ["deploy/logging.yml", "deploy/Procfile", "deploy/nginx/assistant.conf"]
    files += [path.name for path in (PROJECT / "deploy" / "systemd").iterdir() if path.suffix != ".target"]
    missing = [name for name in files if name.removeprefix("deploy/") not in section and name not in section]
    assert missing == []
