#!/usr/bin/env python3
"""The Google client flow against a running `tenantsim serve`, step by step.

Uses only the standard library, Google's own `google-auth`, and `requests`:

1. download the tenant's service-account key file from the admin API;
2. by hand: sign an RS256 JWT, exchange it at the token endpoint, list directory users as
   the admin, list a trusted user's events, be refused for an untrusted user;
3. with google-auth: `service_account.Credentials` with a subject, `refresh()`,
   `AuthorizedSession` calls; an untrusted subject raises `RefreshError`;
4. read those requests back from the request journal.

Run:  python3 examples/google_client_flow.py --manifest manifest.json
Exits non-zero with a message on any unexpected answer (it doubles as a test).
"""

import argparse
import json
import sys
import time

import requests
from google.auth import crypt, jwt
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account

DIRECTORY = "https://www.googleapis.com/auth/admin.directory.user.readonly"
CALENDAR = "https://www.googleapis.com/auth/calendar.readonly"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"

checks = {"passed": 0, "failed": 0}


def check(ok, what, detail=""):
    """Records and prints one check."""
    checks["passed" if ok else "failed"] += 1
    print(("  ok    " if ok else "  FAIL  ") + what + (f"  [{detail}]" if detail and not ok else ""))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True, help="manifest JSON written by `tenantsim serve --manifest`")
    parser.add_argument("--tenant", help="tenant id (default: the first with Google)")
    parser.add_argument("--trusted", default="nora.north@acme.example", help="a user inside the trusted org units")
    parser.add_argument("--untrusted", default="walter.west@acme.example", help="a user outside them")
    args = parser.parse_args()

    with open(args.manifest) as f:
        manifest = json.load(f)
    tenant = args.tenant or next(t for t, v in manifest["tenants"].items() if v.get("google"))
    google = manifest["tenants"][tenant]["google"]
    admin = google["admin_email"]
    print(f"tenant {tenant}: Google at {google['base_url']}, admin {admin}")

    print("\n1. Download the service-account key file")
    info = requests.get(google["key_file_url"], timeout=10).json()
    check(info.get("type") == "service_account" and info["token_uri"] == google["token_uri"], "key file points at the simulator's token endpoint")

    print("\n2. By hand: sign a JWT, exchange it, call the APIs")
    signer = crypt.RSASigner.from_service_account_info(info)

    def exchange(subject, scope):
        now = int(time.time())
        claims = {"iss": info["client_email"], "sub": subject, "scope": scope,
                  "aud": "https://oauth2.googleapis.com/token", "iat": now, "exp": now + 3600}
        assertion = jwt.encode(signer, claims).decode()
        return requests.post(info["token_uri"], data={"grant_type": JWT_BEARER, "assertion": assertion}, timeout=10)

    answer = exchange(admin, DIRECTORY)
    check(answer.status_code == 200 and answer.json().get("token_type") == "Bearer", "token for the admin", answer.text)
    token = answer.json().get("access_token", "")
    users = requests.get(f"{google['directory_url']}/users", params={"customer": "my_customer"},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    emails = [u["primaryEmail"] for u in users.json().get("users", [])]
    check(users.status_code == 200 and args.trusted in emails, f"directory lists {len(emails)} users", users.text[:200])

    answer = exchange(args.trusted, CALENDAR)
    check(answer.status_code == 200, f"token for {args.trusted}", answer.text)
    events = requests.get(f"{google['calendar_url']}/calendars/primary/events",
                          headers={"Authorization": f"Bearer {answer.json().get('access_token', '')}"}, timeout=10)
    titles = [e.get("summary") for e in events.json().get("items", [])]
    check(events.status_code == 200 and titles, f"{args.trusted}'s events: {titles}", events.text[:200])

    refused = exchange(args.untrusted, CALENDAR)
    check(refused.status_code == 401 and refused.json().get("error") == "unauthorized_client",
          f"{args.untrusted} is refused: {refused.status_code} {refused.json().get('error')}", refused.text)

    print("\n3. With google-auth: Credentials(subject=…), refresh(), AuthorizedSession")
    creds = service_account.Credentials.from_service_account_info(info, scopes=[CALENDAR], subject=args.trusted)
    creds.refresh(Request())
    check(creds.valid and creds.token, "google-auth obtained a token from the simulator")
    session = AuthorizedSession(creds)
    listed = session.get(f"{google['calendar_url']}/calendars/primary/events", timeout=10)
    check(listed.status_code == 200 and listed.json().get("kind") == "calendar#events", "AuthorizedSession lists events")
    admin_creds = service_account.Credentials.from_service_account_info(info, scopes=[DIRECTORY], subject=admin)
    users = AuthorizedSession(admin_creds).get(f"{google['directory_url']}/users", params={"customer": "my_customer"}, timeout=10)
    check(users.status_code == 200, "AuthorizedSession lists directory users as the admin", users.text[:200])
    untrusted = service_account.Credentials.from_service_account_info(info, scopes=[CALENDAR], subject=args.untrusted)
    try:
        untrusted.refresh(Request())
        check(False, "google-auth refuses the untrusted subject", "no error raised")
    except RefreshError as e:
        check("unauthorized_client" in str(e.args), f"google-auth raises RefreshError: {e.args[0]}", str(e.args))

    print("\n4. The request journal")
    journal = requests.get(f"{manifest['admin_url']}/journal", params={"tenant": tenant, "path": "/token"}, timeout=10).json()
    for entry in journal["entries"][-6:]:
        print(f"  #{entry['seq']} {entry['method']} {entry['path']} -> {entry['status']} as {entry['subject']}")
    refusals = [e for e in journal["entries"] if e["status"] == 401 and e["subject"] == args.untrusted]
    check(len(refusals) >= 2, f"the journal shows {len(refusals)} refusals for {args.untrusted}")

    print(f"\n{checks['passed']} passed, {checks['failed']} failed")
    return 0 if checks["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
