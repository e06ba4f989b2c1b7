"""`python -m bot.ops backup / verify / restore`, run as an operator runs them."""
import json
import random
import re
import sqlite3
import tarfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bot.ops import sqlite_files
from bot.servers import running_web_app
from tests.ops.conftest import ops, rows

KNOWLEDGE = {
    "README.md": "# Bronnen\n",
    "municipality.yml": "name: Voorbeeldstad\nretention_days: 30\n",
    "products/paspoort.yml": "id: paspoort\nsynonyms:\n  nl: [reisdocument]\n",
    "products/rijbewijs.yml": "id: rijbewijs\ntexts:\n  fr: {what: \"Le permis de conduire, délivré à la mairie\"}\n",
}


def fill(deployment: dict[str, str], seed: int = 1) -> None:
    """Databases shaped like the assistant's (WAL and rollback journal, text, numbers, NULL,
    BLOB, non-ASCII) and a knowledge folder."""
    generator = random.Random(seed)
    tracker = sqlite3.connect(deployment["TRACKER_DB"])
    tracker.execute("PRAGMA journal_mode=WAL")
    tracker.execute("create table events (id integer primary key, sender_id text, type_name text, "
                    "timestamp real, intent_name text, data text)")
    tracker.executemany("insert into events (sender_id, type_name, timestamp, intent_name, data) values (?, ?, ?, ?, ?)",
                        [(f"c{i % 17}", generator.choice(["user", "bot", "slot"]), 1.7e9 + i, None if i % 3 else "ask_cost",
                          json.dumps({"text": f"wat kost een paspoort? {i} — ça coûte combien"})) for i in range(400)])
    tracker.commit()
    tracker.close()
    handover = sqlite3.connect(deployment["HANDOVER_DB"])
    handover.execute("PRAGMA journal_mode=WAL")
    handover.execute("create table handovers (id text primary key, team text, status text, satisfaction integer)")
    handover.execute("create table handover_messages (id integer primary key, handover_id text, text text, raw blob)")
    for i in range(40):
        handover.execute("insert into handovers values (?, ?, ?, ?)", (str(uuid.UUID(int=i)), "burgerzaken",
                                                                        "closed", i % 5 or None))
        handover.execute("insert into handover_messages (handover_id, text, raw) values (?, ?, ?)",
                         (str(uuid.UUID(int=i)), f"bericht {i}", bytes(generator.randrange(256) for _ in range(64))))
    handover.execute("PRAGMA user_version=3")
    handover.commit()
    handover.close()
    insights = sqlite3.connect(deployment["INSIGHTS_DB"])           # rollback journal, as sqlite-utils leaves it
    insights.execute("create table feedback (created_at text, conversation_id text, vote text, product text)")
    insights.executemany("insert into feedback values (?, ?, ?, ?)",
                         [(f"2026-01-{1 + i % 28:02d}", f"c{i}", "up" if i % 2 else "down", "paspoort") for i in range(25)])
    insights.commit()
    insights.close()
    for relative, text in KNOWLEDGE.items():
        path = Path(deployment["CATALOGUE_SOURCES"]) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def snapshot(deployment: dict[str, str]) -> dict:
    knowledge = Path(deployment["CATALOGUE_SOURCES"])
    return {
        **{name: rows(Path(deployment[name])) if Path(deployment[name]).exists() else None
           for name in ("TRACKER_DB", "HANDOVER_DB", "INSIGHTS_DB")},
        "knowledge": {p.relative_to(knowledge).as_posix(): p.read_bytes() for p in knowledge.rglob("*") if p.is_file()},
    }


def backup(deployment, to: Path, *extra: str) -> Path:
    result = ops("backup", "--to", str(to), *extra, env=deployment)
    assert result.returncode == 0, result.stderr
    made = [p for p in to.iterdir() if p.name.startswith("assistant-backup-")]
    assert len(made) == 1, made
    return made[0]


def damage(deployment: dict[str, str]) -> None:
    """What a restore has to undo: rows deleted, changed and added, knowledge files edited,
    removed and added."""
    tracker = sqlite3.connect(deployment["TRACKER_DB"])
    tracker.execute("delete from events where id % 2 = 0")
    tracker.execute("insert into events (sender_id, type_name) values ('after', 'user')")
    tracker.commit()
    tracker.close()
    handover = sqlite3.connect(deployment["HANDOVER_DB"])
    handover.execute("update handovers set status = 'queued'")
    handover.execute("drop table handover_messages")
    handover.commit()
    handover.close()
    Path(deployment["INSIGHTS_DB"]).unlink()
    knowledge = Path(deployment["CATALOGUE_SOURCES"])
    (knowledge / "products" / "paspoort.yml").write_text("id: paspoort\n", encoding="utf-8")
    (knowledge / "products" / "rijbewijs.yml").unlink()
    (knowledge / "products" / "nieuw.yml").write_text("id: nieuw\n", encoding="utf-8")


def test_round_trip_keeps_every_row_and_file(deployment, tmp_path):
    fill(deployment)
    before = snapshot(deployment)
    folder = backup(deployment, tmp_path / "backups")
    assert folder.stat().st_mode & 0o077 == 0                # transcripts: for the owner only
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["databases"]["tracker"]["tables"] == {"events": 400}
    assert manifest["databases"]["handover"]["user_version"] == 3
    assert manifest["databases"]["handover"]["tables"] == {"handover_messages": 40, "handovers": 40}
    assert manifest["knowledge"] == {"folder": "knowledge", "files": 4}
    assert set(manifest["files"]) == {"databases/tracker.db", "databases/handover.db", "databases/insights.db",
                                      *(f"knowledge/{name}" for name in KNOWLEDGE)}

    damage(deployment)
    assert snapshot(deployment) != before
    result = ops("restore", str(folder), env=deployment)

    assert result.returncode == 0, result.stderr
    assert snapshot(deployment) == before
    assert sqlite_files.journal_mode(Path(deployment["TRACKER_DB"])) == "wal"      # as it was
    assert sqlite_files.journal_mode(Path(deployment["INSIGHTS_DB"])) == "delete"
    for label in ("tracker database", "handover database", "insights database", "knowledge"):
        assert f"restored {label}" in result.stdout
    assert "restore finished in" in result.stdout
    leftovers = [p.name for p in Path(deployment["TRACKER_DB"]).parent.iterdir() if ".restore-" in p.name
                 or ".before-restore" in p.name]
    assert leftovers == []


def test_the_backup_command_reports_progress_and_duration(deployment, tmp_path):
    fill(deployment)
    result = ops("backup", "--to", str(tmp_path / "backups"), env=deployment)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:4]] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert lines[0].startswith("[1/4] tracker database: ") and "1 tables, 400 rows in" in lines[0]
    assert "knowledge: 4 files" in lines[3]
    assert lines[-1].startswith("backup written in ") and "assistant-backup-" in lines[-1]


def test_restore_refuses_a_changed_database_naming_it_and_changes_nothing(deployment, tmp_path):
    fill(deployment)
    folder = backup(deployment, tmp_path / "backups")
    copy = folder / "databases" / "handover.db"
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0x01                # one bit in a data page: SQLite itself would not notice
    copy.write_bytes(bytes(data))
    damage(deployment)
    damaged = snapshot(deployment)

    result = ops("restore", str(folder), env=deployment)

    assert result.returncode == 2
    assert "databases/handover.db: contents differ from the manifest" in result.stderr
    assert "tracker.db" not in result.stderr and "knowledge/" not in result.stderr
    assert snapshot(deployment) == damaged


def test_restore_names_every_file_that_differs(deployment, tmp_path):
    fill(deployment)
    folder = backup(deployment, tmp_path / "backups")
    (folder / "knowledge" / "products" / "paspoort.yml").write_text("id: vervalst\n", encoding="utf-8")
    (folder / "databases" / "insights.db").unlink()
    (folder / "knowledge" / "extra.yml").write_text("x: 1\n", encoding="utf-8")

    result = ops("verify", str(folder), env=deployment)

    assert result.returncode == 2
    assert "knowledge/products/paspoort.yml: " in result.stderr
    assert "databases/insights.db: missing" in result.stderr
    assert "knowledge/extra.yml: not in the manifest" in result.stderr
    assert ops("restore", str(folder), env=deployment).returncode == 2


def test_archive_round_trip(deployment, tmp_path):
    fill(deployment)
    before = snapshot(deployment)
    archive = backup(deployment, tmp_path / "backups", "--archive")
    assert archive.name.endswith(".tar.gz") and archive.stat().st_mode & 0o077 == 0
    assert ops("verify", str(archive), env=deployment).returncode == 0
    damage(deployment)
    result = ops("restore", str(archive), env=deployment)
    assert result.returncode == 0, result.stderr
    assert snapshot(deployment) == before


def test_a_corrupted_archive_is_refused(deployment, tmp_path):
    fill(deployment)
    archive = backup(deployment, tmp_path / "backups", "--archive")
    unpacked = tmp_path / "unpacked"
    with tarfile.open(archive) as opened:
        opened.extractall(unpacked, filter="data")
    (top,) = unpacked.iterdir()
    (top / "knowledge" / "municipality.yml").write_text("name: Elders\n", encoding="utf-8")
    with tarfile.open(archive, "w:gz") as rewritten:
        rewritten.add(top, arcname=top.name)
    result = ops("restore", str(archive), env=deployment)
    assert result.returncode == 2
    assert "knowledge/municipality.yml: " in result.stderr


def test_backup_while_the_servers_write(assistant, tmp_path):
    """The running assistant's own databases, copied while conversations keep arriving."""
    live = {"TRACKER_DB": str(Path(assistant.logs["rasa"]).parent / "tracker.db"),
            "HANDOVER_DB": str(Path(assistant.logs["rasa"]).parent / "handover.db"),
            "INSIGHTS_DB": str(tmp_path / "insights.db"), "CATALOGUE_SOURCES": str(tmp_path / "knowledge"),
            "TRACKER_STORE_URL": "", "DATABASE_URL": ""}
    stop, sent, failures = threading.Event(), [], []

    def talk():
        while not stop.is_set():
            sender = f"ops-backup-{uuid.uuid4()}"
            for text in ("wat kost een paspoort", "en hoe lang duurt het", "ik wil een medewerker spreken"):
                try:
                    requests.post(f"{assistant.url}/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text}, timeout=30).raise_for_status()
                    sent.append(sender)
                except requests.RequestException as error:
                    failures.append(error)

    writers = [threading.Thread(target=talk) for _ in range(3)]
    for writer in writers:
        writer.start()
    try:
        while len(sent) < 6:
            time.sleep(0.2)
        folders = []
        for round_number in range(3):
            target = tmp_path / f"backups-{round_number}"
            result = ops("backup", "--to", str(target), env=live)
            assert result.returncode == 0, result.stderr
            folders.append(next(target.iterdir()))
        written_during = len(sent)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert failures == []
    assert written_during > 6 + 3                 # conversations went on while the copies were made
    counts = []
    for folder in folders:
        assert ops("verify", str(folder), env=live).returncode == 0
        manifest = json.loads((folder / "manifest.json").read_text())
        copy = rows(folder / "databases" / "tracker.db")
        assert {name: len(values) for name, values in copy.items()} == manifest["databases"]["tracker"]["tables"]
        counts.append(len(copy["events"]))
    assert counts == sorted(counts) and counts[0] < counts[-1]       # each copy a later moment
    assert counts[-1] <= len(rows(Path(live["TRACKER_DB"]))["events"])


def test_restore_refuses_while_a_server_uses_the_database(deployment, tmp_path, catalogue_db):
    fill(deployment)
    folder = backup(deployment, tmp_path / "backups")
    env = {**deployment, "CATALOGUE_DB": str(catalogue_db), "RASA_URL": "http://127.0.0.1:9"}
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, tmp_path / "console.log") as console:
        requests.get(f"{console}/ready", timeout=10)          # the console has used its database
        refused = ops("restore", str(folder), env=deployment)
        forced = ops("restore", str(folder), "--force", env=deployment)
    assert refused.returncode == 2
    in_use = re.findall(r"^  (\w+) database \(.*\) is in use by (.*)$", refused.stderr, re.MULTILINE)
    # The console reads the tracker and insights databases too (editors' insights); the servers of
    # other deployments on this machine are not named.
    assert {name for name, _ in in_use} == {"tracker", "handover", "insights"}
    assert all(re.fullmatch(r"python -m bot\.console \(pid \d+\)", holders) for _, holders in in_use)
    assert "--force" in refused.stderr
    assert forced.returncode == 0, forced.stderr
    assert "warning: handover database" in forced.stdout and "restart it" in forced.stdout


def test_databases_on_postgresql_are_named_for_pg_dump_without_credentials(deployment, tmp_path):
    fill(deployment)
    env = {**deployment, "DATABASE_URL": "postgresql://assistant:secret@db.internal/assistant"}
    result = ops("backup", "--to", str(tmp_path / "backups"), env=env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads(next((tmp_path / "backups").iterdir()).joinpath("manifest.json").read_text())
    assert manifest["databases"]["handover"] == {"elsewhere": "DATABASE_URL"}
    assert manifest["databases"]["insights"] == {"shared_with": "handover"}
    assert "pg_dump" in result.stdout and "secret" not in result.stdout + json.dumps(manifest)


def test_keep_removes_all_but_the_newest_backups(deployment, tmp_path):
    fill(deployment)
    target = tmp_path / "backups"
    for _ in range(3):
        assert ops("backup", "--to", str(target), "--keep", "2", env=deployment).returncode == 0
    kept = sorted(p.name for p in target.iterdir())
    assert len(kept) == 2 and all(name.startswith("assistant-backup-") for name in kept)
