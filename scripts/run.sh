#!/usr/bin/env bash
# Starts the action server, the Rasa server, the demo site with the chat widget and the consoles
# on localhost; Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_PORT=${RASA_PORT:-5005}
export ACTIONS_PORT=${ACTIONS_PORT:-5055}
# The HTTP API is protected by this token. The default is for a laptop only: set your own.
export RASA_TOKEN=${RASA_TOKEN:-local-dev-token}
export ACTION_ENDPOINT_URL=${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}
export TRACKER_DB=${TRACKER_DB:-build/tracker.db}
export HANDOVER_DB=${HANDOVER_DB:-build/handover.db}
export CONSOLE_PORT=${CONSOLE_PORT:-8090}
export RASA_URL=${RASA_URL:-http://127.0.0.1:${RASA_PORT}}
export WEB_PORT=${WEB_PORT:-8080}
# Origins whose pages may open the chat (socket.io); the demo page's by default.
export WIDGET_ORIGINS=${WIDGET_ORIGINS:-http://127.0.0.1:${WEB_PORT}}
mkdir -p "$(dirname "$TRACKER_DB")" logs

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "[run] stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# Logs: one JSON object per line without personal data (LOG_FORMAT=text: readable lines).
# bot.ops serve applies deploy/logging.yml before the server starts, and gives it to Rasa.
export LOG_FORMAT=${LOG_FORMAT:-json}
serve=(.venv/bin/python -m bot.ops serve --logging-config-file deploy/logging.yml)
"${serve[@]}" bot.action_server -- --port "$ACTIONS_PORT" > logs/actions.log 2>&1 &
pids+=($!)
"${serve[@]}" rasa -- run --enable-api --auth-token "$RASA_TOKEN" --interface 127.0.0.1 --port "$RASA_PORT" \
  --cors "http://127.0.0.1:${RASA_PORT}" --model models/assistant.tar.gz \
  --credentials credentials.yml --endpoints endpoints.yml > logs/rasa.log 2>&1 &
pids+=($!)
"${serve[@]}" bot.console > logs/console.log 2>&1 &
pids+=($!)
"${serve[@]}" bot.web > logs/web.log 2>&1 &
pids+=($!)

echo "[run] starting (the Rasa server takes about a minute; logs in logs/)"
for _ in $(seq 1 180); do
  if curl -fs "http://127.0.0.1:${RASA_PORT}/status?token=${RASA_TOKEN}" >/dev/null 2>&1 \
     && curl -fs "http://127.0.0.1:${ACTIONS_PORT}/health" >/dev/null 2>&1 \
     && curl -fs "http://127.0.0.1:${CONSOLE_PORT}/health" >/dev/null 2>&1 \
     && curl -fs "http://127.0.0.1:${WEB_PORT}/healthz" >/dev/null 2>&1; then
    cat <<MSG
[run] the assistant is ready
  demo page + chat widget  http://127.0.0.1:${WEB_PORT}/
  REST channel    http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook
  socket.io       http://127.0.0.1:${RASA_PORT}/socket.io
  HTTP API        http://127.0.0.1:${RASA_PORT}/  (token: \$RASA_TOKEN)
  action server   http://127.0.0.1:${ACTIONS_PORT}/webhook
  staff console   http://127.0.0.1:${CONSOLE_PORT}/staff/  (accounts: python -m bot.handover create-user)
Press Ctrl-C to stop.
MSG
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "[run] a server stopped while starting; see logs/" >&2; exit 1; }
  done
  sleep 1
done
wait -n "${pids[@]}"
