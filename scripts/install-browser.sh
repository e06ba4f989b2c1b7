#!/usr/bin/env bash
# Installs the system Chromium (Debian packages chromium and chromium-driver) that the browser
# tests drive, when /usr/bin/chromium is absent. Never downloads a browser build of its own.
# Needs root (CI and the project's machines run as root) and Debian's package registry.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "[browser] $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi

started=$(date +%s)
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "[browser] /usr/bin/chromium missing: installing Debian's chromium and chromium-driver"
echo "[browser] apt-get update"
$SUDO apt-get update -q
echo "[browser] apt-get install chromium chromium-driver (about 100 MB)"
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core
if [ ! -x /usr/bin/chromium ]; then
  echo "[browser] installation finished but /usr/bin/chromium is still missing" >&2
  exit 1
fi
echo "[browser] $(/usr/bin/chromium --version 2>/dev/null || echo chromium) installed in $(( $(date +%s) - started )) s"
