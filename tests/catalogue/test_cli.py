import subprocess
import sys

import pytest

from bot import answers
from bot.catalogue.cli import COMMANDS, main
from tests.conftest import PROJECT


def test_every_cli_command_is_documented_in_the_readme():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in COMMANDS if f"python -m bot.catalogue {name}" not in readme]
    assert undocumented == []


def test_show_renders_the_answer_in_the_requested_language(catalogue_db, capsys):
    assert answers.main(["--database", str(catalogue_db), "paspoort", "--language", "en", "--question", "ask_cost"]) == 0
    out = capsys.readouterr().out
    assert "€" in out and "More information:" in out


def test_show_offers_every_question_type_and_refuses_others(catalogue_db, capsys):
    for question in answers.QUESTION_TYPES:
        assert answers.main(["--database", str(catalogue_db), "paspoort", "--question", question]) == 0
    with pytest.raises(SystemExit):
        answers.main(["--database", str(catalogue_db), "paspoort", "--question", "ask_weather"])


def test_show_suggests_when_the_id_is_unknown(catalogue_db, capsys):
    assert answers.main(["--database", str(catalogue_db), "paspoor"]) == 1
    assert "paspoort" in capsys.readouterr().err


def test_validate_reports_problems_with_exit_code_2(knowledge_copy):
    (knowledge_copy / "products" / "paspoort.yml").write_text("id: paspoort\ntheme: nonsense\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot.catalogue", "--sources", str(knowledge_copy), "validate"],
                            capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 2
    assert "products/paspoort.yml:2: field 'theme'" in result.stderr


def test_stats_and_missing_report_on_the_real_catalogue(catalogue_db, capsys):
    import json
    assert main(["--database", str(catalogue_db), "stats"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["products"] >= 1016 and stats["summary_nl"] >= 449
    assert main(["--database", str(catalogue_db), "missing", "--language", "en", "--full"]) == 0
    missing = capsys.readouterr().out.split("\n")
    assert "paspoort" not in missing
