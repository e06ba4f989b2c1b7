#!/usr/bin/env bash
# Fetches rasa-webchat, the most used third-party Rasa chat widget, for the browser tests of
# third-party clients (tests/browser/test_third_party_clients.py): `npm pack` of one pinned
# version from the npm registry, checked against its recorded integrity and unpacked to
# build/vendor/rasa-webchat-<version>/. Only the package itself: its lib/index.js is the bundle
# that the widget's documented script tag loads. Cached: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.0.1
INTEGRITY="sha512-Ld1zVJvTAaTrs6A5p8t70agNNrKYRyXlvqXZRgBoDvKKUXbA0jhJKECi5bdPGlaR6jsmqWtVylHS+YqIqo0x8w=="
TARGET="build/vendor/rasa-webchat-$VERSION"

if [ -f "$TARGET/lib/index.js" ]; then
  echo "[webchat] rasa-webchat $VERSION already in $TARGET"
  exit 0
fi
if ! command -v npm > /dev/null; then
  echo "[webchat] npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

started=$(date +%s)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
echo "[webchat] npm pack rasa-webchat@$VERSION"
npm pack "rasa-webchat@$VERSION" --pack-destination "$scratch" --json --silent > "$scratch/pack.json"
got=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[0]['integrity'])" "$scratch/pack.json")
if [ "$got" != "$INTEGRITY" ]; then
  echo "[webchat] integrity mismatch for rasa-webchat@$VERSION: expected $INTEGRITY, got $got" >&2
  exit 1
fi
mkdir -p "$TARGET"
tar -xzf "$scratch/rasa-webchat-$VERSION.tgz" -C "$TARGET" --strip-components=1 package/lib/index.js package/LICENSE package/package.json
echo "[webchat] rasa-webchat $VERSION in $TARGET ($(( $(date +%s) - started )) s)"
