#!/usr/bin/env bash
# `make readme-check`: the README's API walk-through, pasted as it stands into bash, against a
# scratch server with the demo (its own SQLite file and port); the network must end concluded.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON_BIN:-.venv/bin/python}
scratch=$(mktemp -d)
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBUG=1 DATABASE_URL="sqlite:///$scratch/readme.sqlite3" SITE_URL="http://127.0.0.1:$port"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT

"$python" manage.py migrate --no-input -v0
"$python" manage.py loaddata network_types -v0
"$python" manage.py load_demo >/dev/null
"$python" manage.py runserver --noreload "127.0.0.1:$port" >"$scratch/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# The fenced block between the walk-through's markers, with the scratch server's port.
sed -n '/<!-- api-walkthrough -->/,/<!-- \/api-walkthrough -->/p' README.md | sed '1,2d;$d' | sed '$d' \
    | sed "s#http://127.0.0.1:8000#http://127.0.0.1:$port#" >"$scratch/walkthrough.sh"
output=$(bash -euo pipefail "$scratch/walkthrough.sh") || { echo "$output"; tail -20 "$scratch/server.log"; exit 1; }
echo "$output"
[ "$(echo "$output" | tail -2)" = "$(printf 'active\nconcluded')" ] || { echo "README walk-through: expected active, then concluded"; exit 1; }
echo "README walk-through: ran as pasted (network started and concluded)"
