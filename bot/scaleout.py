"""The production scale-out on one machine, for tests and the load script: several Rasa servers,
each with its own action server, sharing PostgreSQL (conversations, handovers) and Redis
(conversation locks), behind one nginx address.

    with running_scaleout(model, workdir, postgresql_url, redis_url, rasa_processes=2) as cluster:
        cluster.url          nginx, round robin over the Rasa servers (REST, HTTP API)
        cluster.rasa_urls    each Rasa server directly

The deployment section of the README describes the same set-up with systemd and a public nginx.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.servers import RASA, _stop, _wait_until, free_port
from bot.settings import PROJECT_DIR

ENDPOINTS = PROJECT_DIR / "endpoints.scaleout.yml"
NGINX_CONFIG = """\
daemon off;
master_process on;
worker_processes 1;
user root;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {workdir}/nginx-tmp/body;
  proxy_temp_path {workdir}/nginx-tmp/proxy;
  fastcgi_temp_path {workdir}/nginx-tmp/fastcgi;
  uwsgi_temp_path {workdir}/nginx-tmp/uwsgi;
  scgi_temp_path {workdir}/nginx-tmp/scgi;
  client_max_body_size 64k;
  upstream rasa {{
    {balance}
{servers}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://rasa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""


@dataclass
class ScaleOut:
    url: str
    token: str
    rasa_urls: list[str]
    action_urls: list[str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)


def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx is not installed: run scripts/install-services.sh")
    return found


def scaleout_environment(postgresql_url: str, redis_url: str) -> dict[str, str]:
    """What every process of the scale-out needs to find the shared databases."""
    redis = urlsplit(redis_url)
    return {"TRACKER_STORE_URL": postgresql_url, "DATABASE_URL": postgresql_url,
            "REDIS_HOST": redis.hostname or "127.0.0.1", "REDIS_PORT": str(redis.port or 6379),
            "REDIS_PASSWORD": redis.password or "",
            # nginx is the only client the Rasa servers see; its X-Forwarded-For names the citizen.
            "TRUSTED_PROXIES": "127.0.0.1"}


@contextlib.contextmanager
def running_scaleout(model: Path, workdir: Path, postgresql_url: str, redis_url: str, rasa_processes: int = 2,
                     catalogue_db: Path | None = None, token: str = "local-test-token", sticky: bool = False,
                     extra_env: dict[str, str] | None = None):
    """Start everything, wait until nginx answers for every server, yield a ScaleOut, stop it all."""
    workdir = Path(workdir)
    (workdir / "nginx-tmp").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           **scaleout_environment(postgresql_url, redis_url), **(extra_env or {})}
    if catalogue_db:
        env["CATALOGUE_DB"] = str(catalogue_db)
    rasa_ports = [free_port() for _ in range(rasa_processes)]
    action_ports = [free_port() for _ in range(rasa_processes)]
    cluster = ScaleOut(url=f"http://127.0.0.1:{free_port()}", token=token,
                       rasa_urls=[f"http://127.0.0.1:{p}" for p in rasa_ports],
                       action_urls=[f"http://127.0.0.1:{p}/webhook" for p in action_ports])
    try:
        for index, (rasa_port, action_port) in enumerate(zip(rasa_ports, action_ports), start=1):
            _start(cluster, f"actions-{index}", workdir, env,
                   [sys.executable, "-m", "bot.action_server", "--port", str(action_port)])
            _start(cluster, f"rasa-{index}", workdir, {**env, "ACTION_ENDPOINT_URL": cluster.action_urls[index - 1]},
                   [str(RASA), "run", "--enable-api", "--auth-token", token, "--interface", "127.0.0.1",
                    "--port", str(rasa_port), "--model", str(model), "--credentials", "credentials.yml",
                    "--endpoints", str(ENDPOINTS)])
        for index, action_port in enumerate(action_ports, start=1):
            name = f"actions-{index}"
            _wait_until(f"http://127.0.0.1:{action_port}/health", cluster.processes[name], 120, cluster.logs[name])
        for index, rasa_url in enumerate(cluster.rasa_urls, start=1):
            name = f"rasa-{index}"
            _wait_until(f"{rasa_url}/status?token={token}", cluster.processes[name], 400, cluster.logs[name])
        config = workdir / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(
            workdir=workdir, port=urlsplit(cluster.url).port, balance="ip_hash;" if sticky else "",
            servers="\n".join(f"    server 127.0.0.1:{port} max_fails=0;" for port in rasa_ports)))
        _start(cluster, "nginx", workdir, env, [nginx(), "-p", str(workdir), "-c", str(config)])
        _wait_until(f"{cluster.url}/", cluster.processes["nginx"], 30, cluster.logs["nginx"])
        yield cluster
    finally:
        _stop(list(cluster.processes.values()))


def _start(cluster: ScaleOut, name: str, workdir: Path, env: dict[str, str], command: list[str]) -> None:
    log = workdir / f"{name}.log"
    cluster.logs[name] = log
    cluster.processes[name] = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log.open("w"),
                                               stderr=subprocess.STDOUT)
