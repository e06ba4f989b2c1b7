"""deploy/: the systemd units pass systemd's own checks; the Procfile starts a working assistant;
nginx with the example configuration serves it on one HTTPS address, with the limits it promises."""
import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import signal
import threading
import subprocess
import time
from pathlib import Path

import pytest
import requests
from requests_toolbelt.adapters.source import SourceAddressAdapter

from bot.servers import free_port
from tests.conftest import MODEL, PROJECT
from tests.ops.conftest import TOKEN

DEPLOY = PROJECT / "deploy"
INSTALL_DIR = "/opt/assistant"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# nginx's certificate here is made up for the test.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


def test_systemd_units_pass_systemd_analyze(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.fail("systemd-analyze is missing (Debian package systemd)")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text(encoding="utf-8")
        assert INSTALL_DIR in text or unit.suffix in (".timer", ".target"), unit.name
        # Installed elsewhere, so that the commands' executables exist here.
        name = "rasa@5005.service" if unit.name == "rasa@.service" else unit.name
        (tmp_path / name).write_text(text.replace(INSTALL_DIR, str(PROJECT)), encoding="utf-8")
        units.append(str(tmp_path / name))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_every_server_unit_starts_through_bot_ops_serve():
    for unit in (DEPLOY / "systemd").glob("*.service"):
        command = re.search(r"^ExecStart=(.*(?:\\\n.*)*)", unit.read_text(encoding="utf-8"), re.MULTILINE).group(1)
        if "purge" in unit.name or "backup" in unit.name:
            continue
        assert "-m bot.ops serve --logging-config-file deploy/logging.yml" in command, unit.name
    rasa = (DEPLOY / "systemd" / "rasa@.service").read_text(encoding="utf-8")
    assert "--port %i" in rasa and "--interface 127.0.0.1" in rasa


# ── the Procfile, and nginx in front of what it started ────────────────────────────────────────────
def procfile() -> dict[str, str]:
    entries = {}
    for line in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines():
        name, command = line.split(":", 1)
        entries[name.strip()] = command.strip()
    return entries


def wait_for(url: str, processes: dict, logs: Path, seconds: int = 300) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited: {(logs / f'{name}.log').read_text()[-2000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(1)
    raise TimeoutError(url)


@pytest.fixture(scope="module")
def single_machine(tmp_path_factory, catalogue_db):
    """The four entries of deploy/Procfile, each run by a shell as Procfile runners (honcho,
    foreman) run them, on free ports."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    work = tmp_path_factory.mktemp("procfile")
    ports = {name: free_port() for name in ("RASA_PORT", "ACTIONS_PORT", "CONSOLE_PORT", "WEB_PORT")}
    env = {**os.environ, **{name: str(port) for name, port in ports.items()},
           "RASA_TOKEN": TOKEN, "RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports['ACTIONS_PORT']}/webhook",
           "TRACKER_DB": str(work / "tracker.db"), "HANDOVER_DB": str(work / "handover.db"),
           "INSIGHTS_DB": str(work / "insights.db"), "CATALOGUE_DB": str(catalogue_db), "DATABASE_URL": "",
           "TRACKER_STORE_URL": "", "TRUSTED_PROXIES": "127.0.0.1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    processes = {}
    try:
        for name, command in procfile().items():
            processes[name] = subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=PROJECT, env=env,
                                               stdout=(work / f"{name}.log").open("w"), stderr=subprocess.STDOUT)
        wait_for(f"http://127.0.0.1:{ports['ACTIONS_PORT']}/health", processes, work)
        wait_for(f"http://127.0.0.1:{ports['WEB_PORT']}/ready", processes, work)       # Rasa answers too
        wait_for(f"http://127.0.0.1:{ports['CONSOLE_PORT']}/ready", processes, work)
        yield ports, work
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_procfile_starts_every_server_with_json_logs(single_machine):
    ports, work = single_machine
    assert set(procfile()) == {"actions", "rasa", "console", "web"}
    answer = requests.post(f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook",
                           json={"sender": "procfile-check", "message": "wat kost een paspoort"}, timeout=60)
    assert answer.status_code == 200 and "paspoort" in json.dumps(answer.json())
    for name in procfile():
        lines = (work / f"{name}.log").read_text(encoding="utf-8").splitlines()
        assert lines and all(json.loads(line)["process"] for line in lines), name


def render_nginx(ports: dict[str, int], work: Path) -> Path:
    """deploy/nginx/assistant.conf with this machine's ports and a throw-away certificate, inside a
    minimal nginx.conf. Every replaced text must be there: the test breaks when the example changes."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=assistant.example", "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
                   check=True, capture_output=True)
    text = (DEPLOY / "nginx" / "assistant.conf").read_text(encoding="utf-8")
    replacements = {
        "/etc/letsencrypt/live/assistant.example/fullchain.pem": work / "cert.pem",
        "/etc/letsencrypt/live/assistant.example/privkey.pem": work / "key.pem",
        "/etc/ssl/assistant/console.assistant.internal.pem": work / "cert.pem",
        "/etc/ssl/assistant/console.assistant.internal.key": work / "key.pem",
        "/var/www/letsencrypt": work,
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
        "listen 10.0.0.5:443 ssl http2;": f"listen 127.0.0.1:{ports['internal']} ssl http2;",
        # Both instance lines lead to the one Rasa server started here.
        "127.0.0.1:5005": f"127.0.0.1:{ports['RASA_PORT']}",
        "127.0.0.1:5006": f"127.0.0.1:{ports['RASA_PORT']}",
        "127.0.0.1:8080": f"127.0.0.1:{ports['WEB_PORT']}",
        "127.0.0.1:8090": f"127.0.0.1:{ports['CONSOLE_PORT']}",
        # A second loopback address stands in for the internal network.
        "allow 10.0.0.0/8;": "allow 127.0.0.2;",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, str(new))
    text = "\n".join(line for line in text.splitlines() if "[::]" not in line)
    (work / "assistant.conf").write_text(text, encoding="utf-8")
    (work / "tmp").mkdir()
    main = work / "nginx.conf"
    main.write_text(f"""daemon off;
worker_processes 1;
user root;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    include {work}/assistant.conf;
}}
""", encoding="utf-8")
    return main


@pytest.fixture(scope="module")
def public(single_machine, tmp_path_factory):
    """nginx with the example configuration in front of the Procfile's servers."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run scripts/install-services.sh")
    ports, _ = single_machine
    ports = {**ports, "http": free_port(), "https": free_port(), "internal": free_port()}
    work = tmp_path_factory.mktemp("nginx")
    config = render_nginx(ports, work)
    check = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            with contextlib.suppress(requests.RequestException):
                requests.get(f"https://127.0.0.1:{ports['https']}/", verify=False, timeout=2)
                break
            time.sleep(0.2)
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=30)


def https(ports, path="/", which="https"):
    return f"https://127.0.0.1:{ports[which]}{path}"


def test_one_public_address_serves_the_web_app_and_rasa(public):
    page = requests.get(https(public), verify=False, timeout=10)
    assert page.status_code == 200 and "widget.js" in page.text
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    answer = requests.post(https(public, "/webhooks/rest/webhook"), verify=False, timeout=60,
                           json={"sender": "nginx-check", "message": "wat kost een paspoort"})
    assert answer.status_code == 200 and "paspoort" in json.dumps(answer.json())
    plain = requests.get(f"http://127.0.0.1:{public['http']}/privacy", allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_socket_io_long_polling_passes_through(public):
    handshake = requests.get(https(public, "/socket.io/"), params={"EIO": "4", "transport": "polling"},
                             verify=False, timeout=10)
    assert handshake.status_code == 200 and handshake.text.startswith("0{")
    sid = json.loads(handshake.text[1:])["sid"]
    opened = requests.post(https(public, "/socket.io/"), params={"EIO": "4", "transport": "polling", "sid": sid},
                           data="40", verify=False, timeout=10)
    assert opened.status_code == 200 and opened.text == "OK"
    connected = requests.get(https(public, "/socket.io/"), params={"EIO": "4", "transport": "polling", "sid": sid},
                             verify=False, timeout=40)
    assert connected.status_code == 200 and connected.text.startswith("40")


def test_what_stays_private(public):
    tracker = requests.get(https(public, "/conversations/nginx-check/tracker"), params={"token": TOKEN},
                           verify=False, timeout=10)
    assert tracker.status_code == 404 and "events" not in tracker.text       # Rasa's HTTP API
    for path in ("/ready", "/healthz"):
        assert requests.get(https(public, path), verify=False, timeout=10).status_code == 404
    assert requests.get(https(public, "/staff/login"), verify=False, timeout=10).status_code == 404
    outside = requests.get(https(public, "/staff/login", "internal"), verify=False, timeout=10)
    assert outside.status_code == 403                                          # not from the internal network
    inside = requests.Session()
    inside.mount("https://", SourceAddressAdapter("127.0.0.2"))
    login = inside.get(https(public, "/staff/login", "internal"), verify=False, timeout=10)
    assert login.status_code == 200 and 'name="csrf"' in login.text


def test_request_size_limit(public):
    large = requests.post(https(public, "/webhooks/rest/webhook"), data="x" * 100_000, verify=False, timeout=10,
                          headers={"Content-Type": "application/json"})
    assert large.status_code == 413


def test_webhook_rate_limit(public):
    time.sleep(5)                   # the bucket of earlier tests drains
    local = threading.local()

    def status(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()     # keep-alive: as fast as one client can send
        return local.session.get(https(public, "/webhooks/rest/webhook"), verify=False, timeout=30).status_code

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(status, range(80)))
    elapsed = time.monotonic() - started
    passed = len(statuses) - statuses.count(429)
    # The burst (20) and the first request pass at once, then 5 a second; the rest get 429.
    assert 21 <= passed <= 21 + 5 * elapsed + 1, (statuses, elapsed)
    assert statuses.count(429) == len(statuses) - passed > 0
