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
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# serve SCENARIO NAME: starts tenantsim on a free loopback port with its manifest at
# $WORK/NAME.json and waits (at most 30 s) until the admin API answers.
serve() {
  local port
  port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "$TENANTSIM" serve "$1" --listen "127.0.0.1:$port" --https-listen 127.0.0.1:0 --manifest "$WORK/$2.json" \
    --credentials-dir "$WORK/$2-credentials" > "$WORK/$2-serve.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 150); do
    if [ -f "$WORK/$2.json" ] && "$PY" -c "import requests,sys; sys.exit(requests.get('http://127.0.0.1:$port/_sim/health', timeout=1).status_code != 200)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "tenantsim did not start for $1:"; cat "$WORK/$2-serve.log"; return 1
}

serve scenarios/missing-ou-permissions.yaml flow
serve tests/conformance/conformance.yaml client

passed=0
failed=0
if "$PY" examples/google_client_flow.py --manifest "$WORK/flow.json" | tee "$WORK/flow.log"; then :; fi
flow=$(tail -n 1 "$WORK/flow.log")
passed=$((passed + $(echo "$flow" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1/')))
failed=$((failed + $(echo "$flow" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\2/')))

# The timeline: at +10m Elena is moved into the trusted org unit; google-auth then gets a token.
if "$PY" - "$WORK/flow.json" <<'PY'
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

# HTTPS: the same tenant over TLS, trusted only through the standard REQUESTS_CA_BUNDLE.
https_check() {
  "$PY" - "$WORK/flow.json" <<'PY'
import json, os, sys, requests
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account
m = json.load(open(sys.argv[1]))
https = m["https"]["base_url"]
tenant, g = next((t, v["google"]) for t, v in m["tenants"].items() if v.get("google"))
if not os.environ.get("REQUESTS_CA_BUNDLE"):
    try:
        requests.get(f"{https}/_sim/health", timeout=5)
    except requests.exceptions.SSLError:
        print("  ok    without the run's CA, requests refuses the simulator's certificate")
        sys.exit(0)
    sys.exit("an untrusted certificate was accepted")
info = requests.get(g["key_file_url"], timeout=10).json()
info["token_uri"] = f"{https}/t/{tenant}/token"
creds = service_account.Credentials.from_service_account_info(
    info, scopes=["https://www.googleapis.com/auth/admin.directory.user.readonly"], subject=g["admin_email"])
creds.refresh(Request())
users = AuthorizedSession(creds).get(f"{https}/t/{tenant}/admin/directory/v1/users?customer=my_customer", timeout=10)
assert users.status_code == 200, users.text
print(f"  ok    over HTTPS with REQUESTS_CA_BUNDLE, google-auth gets a token and lists {len(users.json()['users'])} users")
PY
}
ca=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["https"]["ca_cert_path"])' "$WORK/flow.json")
if REQUESTS_CA_BUNDLE="$ca" https_check; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "  FAIL  HTTPS with the CA"; fi
if (unset REQUESTS_CA_BUNDLE SSL_CERT_FILE; https_check); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "  FAIL  HTTPS without the CA"; fi

# google-api-python-client against a second tenant with mail.
if "$PY" tests/conformance/google_api_client.py --manifest "$WORK/client.json" | tee "$WORK/client.log"; then :; fi
line=$(tail -n 1 "$WORK/client.log")
passed=$((passed + $(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1/')))
failed=$((failed + $(echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\2/')))

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
