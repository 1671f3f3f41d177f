#!/usr/bin/env bash
# Conformance: Google's own Python libraries, unmodified, against the simulator.
# Creates .venv/conformance (reused when present) with google-auth,
# google-api-python-client and requests; serves scenarios/missing-ou-permissions.yaml
# and tests/conformance/conformance.yaml on free loopback ports; runs
# examples/google_client_flow.py (google-auth), checks a timeline step through the admin
# API, and runs tests/conformance/google_api_client.py (the discovery-based client).
# Prints a final `N passed, M failed` line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

TENANTSIM=${TENANTSIM:-./target/debug/tenantsim}
if [ ! -x "$TENANTSIM" ]; then
  cargo build -q -p harness --bin tenantsim
fi

VENV=.venv/conformance
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import google.auth, googleapiclient.discovery, requests' 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check 'google-auth>=2.40' google-api-python-client requests
fi
PY="$VENV/bin/python"

WORK=$(mktemp -d)
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$TENANTSIM" serve scenarios/missing-ou-permissions.yaml --listen "127.0.0.1:$PORT" \
  --manifest "$WORK/manifest.json" --credentials-dir "$WORK/credentials" > "$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

for _ in $(seq 1 150); do
  if [ -f "$WORK/manifest.json" ] && "$PY" -c "import requests,sys; sys.exit(requests.get('http://127.0.0.1:$PORT/_sim/health', timeout=1).status_code != 200)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

passed=0
failed=0
if "$PY" examples/google_client_flow.py --manifest "$WORK/manifest.json" | tee "$WORK/flow.log"; then :; fi
flow=$(tail -n 1 "$WORK/flow.log")
passed=$((passed + $(echo "$flow" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1/')))
failed=$((failed + $(echo "$flow" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\2/')))

# The timeline: at +10m Elena is moved into the trusted org unit; google-auth then gets a token.
if "$PY" - "$WORK/manifest.json" <<'PY'
import json, sys, requests
from google.auth.transport.requests import AuthorizedSession, Request
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
m = json.load(open(sys.argv[1]))
tenant, g = next((t, v["google"]) for t, v in m["tenants"].items() if v.get("google"))
info = requests.get(g["key_file_url"], timeout=10).json()
scope = ["https://www.googleapis.com/auth/calendar.readonly"]
creds = service_account.Credentials.from_service_account_info(info, scopes=scope, subject="elena.east@acme.example")
try:
    creds.refresh(Request())
    sys.exit("elena should be refused before +10m")
except RefreshError:
    pass
r = requests.post(f"{m['admin_url']}/tenants/{tenant}/clock", json={"advance": "15m"}, timeout=10)
assert r.status_code == 200 and r.json()["applied"], r.text
creds = service_account.Credentials.from_service_account_info(info, scopes=scope, subject="elena.east@acme.example")
creds.refresh(Request())
events = AuthorizedSession(creds).get(f"{g['calendar_url']}/calendars/primary/events", timeout=10).json()
titles = [e["summary"] for e in events["items"]]
assert "Discovery call with Initech" in titles, titles
print("  ok    after +15m elena.east@acme.example gets a token and lists", titles)
PY
then passed=$((passed + 1)); else failed=$((failed + 1)); echo "  FAIL  the timeline check"; fi

# google-api-python-client against a second tenant with mail.
PORT2=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$TENANTSIM" serve tests/conformance/conformance.yaml --listen "127.0.0.1:$PORT2" \
  --manifest "$WORK/manifest2.json" --credentials-dir "$WORK/credentials2" > "$WORK/serve2.log" 2>&1 &
SERVER2=$!
trap 'kill $SERVER $SERVER2 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do
  if [ -f "$WORK/manifest2.json" ] && "$PY" -c "import requests,sys; sys.exit(requests.get('http://127.0.0.1:$PORT2/_sim/health', timeout=1).status_code != 200)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
if "$PY" tests/conformance/google_api_client.py --manifest "$WORK/manifest2.json" | tee "$WORK/client.log"; then :; fi
line=$(tail -n 1 "$WORK/client.log")
passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1/')))
failed=$((failed + $(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\2/')))

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
