#!/usr/bin/env bash
# Installs the services the scale-out tests start for themselves (Debian packages postgresql,
# redis-server and nginx), only those that are missing. The packages' own system services are not
# used: bot/services.py starts private instances on free ports and stops them.
# Needs root (CI and the project's machines run as root) and Debian's package registry.
set -euo pipefail

missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v redis-server > /dev/null || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)

if [ ${#missing[@]} -eq 0 ]; then
  echo "[services] postgresql, redis-server and nginx already installed"
  exit 0
fi

started=$(date +%s)
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Debian's postinst scripts would start the system services; tests run their own instances.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" > /dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
trap '[ -n "$created_policy" ] && $SUDO rm -f "$policy"' EXIT

echo "[services] missing: ${missing[*]}; apt-get update"
$SUDO apt-get update -qq
echo "[services] apt-get install ${missing[*]}"
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null

compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || { echo "[services] initdb still missing" >&2; exit 1; }
command -v redis-server > /dev/null || { echo "[services] redis-server still missing" >&2; exit 1; }
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || { echo "[services] nginx still missing" >&2; exit 1; }
echo "[services] installed ${missing[*]} in $(( $(date +%s) - started )) s"
