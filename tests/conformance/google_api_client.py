#!/usr/bin/env python3
"""Conformance: Google's discovery-based `google-api-python-client`, unmodified, against
the simulator (built with its bundled static discovery documents and
`client_options={"api_endpoint": <tenant base URL>}`).

Checks directory paging, calendar events with paging and an incremental sync token,
Gmail list/get, and that the simulator's failures reach the library as its own
exceptions with the real reasons: 403 (insufficient scopes / not an admin) and 410
(fullSyncRequired) as `HttpError`, a refused impersonation as `RefreshError`.
Prints `N passed, M failed`; exits non-zero on failure.

Run: python3 tests/conformance/google_api_client.py --manifest manifest.json
(against `tenantsim serve tests/conformance/conformance.yaml`).
"""

import argparse
import json
import sys

import requests
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

DIRECTORY = "https://www.googleapis.com/auth/admin.directory.user.readonly"
CALENDAR = "https://www.googleapis.com/auth/calendar.readonly"
GMAIL = "https://www.googleapis.com/auth/gmail.readonly"
counts = {"passed": 0, "failed": 0}


def check(ok, what, detail=""):
    counts["passed" if ok else "failed"] += 1
    print(("  ok    " if ok else "  FAIL  ") + what + (f"  [{detail}]" if detail and not ok else ""))


def reason(err):
    """The first `errors[].reason` of an HttpError, as client code reads it."""
    try:
        return json.loads(err.content)["error"]["errors"][0]["reason"]
    except Exception:  # noqa: BLE001 - report whatever came back
        return err.content[:200]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--manifest", required=True)
    args = parser.parse_args()
    manifest = json.load(open(args.manifest))
    tenant, g = next((t, v["google"]) for t, v in manifest["tenants"].items() if v.get("google"))
    info = requests.get(g["key_file_url"], timeout=10).json()
    base = g["base_url"] + "/"
    admin = g["admin_email"]

    def service(api, version, scopes, subject):
        creds = service_account.Credentials.from_service_account_info(info, scopes=scopes, subject=subject)
        # `api_endpoint` replaces the discovery document's rootUrl + servicePath. Directory
        # and Gmail have an empty servicePath (their method paths carry admin/directory/v1
        # and gmail/v1); Calendar's servicePath is calendar/v3/, so its endpoint is the
        # manifest's calendar_url.
        endpoint = g["calendar_url"] + "/" if api == "calendar" else base
        return build(api, version, credentials=creds, client_options={"api_endpoint": endpoint}, cache_discovery=False)

    print("Directory")
    directory = service("admin", "directory_v1", [DIRECTORY], admin)
    emails, request = [], directory.users().list(customer="my_customer", maxResults=2, orderBy="email")
    pages = 0
    while request is not None:
        response = request.execute()
        pages += 1
        emails += [u["primaryEmail"] for u in response.get("users", [])]
        request = directory.users().list_next(request, response)
    check(pages >= 2 and len(emails) == len(set(emails)) and len(emails) >= 4, f"users().list pages {pages} through {len(emails)} users")
    try:
        service("admin", "directory_v1", [DIRECTORY], "nora.north@acme.example").users().list(customer="my_customer").execute()
        check(False, "a non-admin is refused")
    except HttpError as e:
        check(e.resp.status == 403 and reason(e) == "forbidden", f"a non-admin gets HttpError 403 {reason(e)}")
    try:
        service("admin", "directory_v1", [CALENDAR], admin).users().list(customer="my_customer").execute()
        check(False, "a token without the directory scope is refused")
    except HttpError as e:
        check(e.resp.status == 403 and reason(e) == "insufficientPermissions", f"missing scope gets HttpError 403 {reason(e)}")

    print("Calendar")
    calendar = service("calendar", "v3", [CALENDAR], "nora.north@acme.example")
    items, sync_token, request = [], None, calendar.events().list(calendarId="primary", maxResults=1)
    while request is not None:
        response = request.execute()
        items += response.get("items", [])
        sync_token = response.get("nextSyncToken", sync_token)
        request = calendar.events().list_next(request, response)
    check(len(items) >= 2 and sync_token, f"events().list pages through {len(items)} events and ends with a sync token")
    delta = calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
    check(delta.get("items") == [] and delta.get("nextSyncToken"), "an incremental list with the token returns no changes")
    requests.post(f"{manifest['admin_url']}/tenants/{tenant}/actions", json={"cancel_event": {"owner": "nora.north@acme.example", "title": "Pipeline review"}}, timeout=10)
    delta = calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
    check([e.get("status") for e in delta.get("items", [])] == ["cancelled"], "a cancellation is replayed as status cancelled")
    requests.post(f"{manifest['admin_url']}/tenants/{tenant}/actions", json={"invalidate_sync_tokens": True}, timeout=10)
    try:
        calendar.events().list(calendarId="primary", syncToken=sync_token).execute()
        check(False, "an invalidated token is refused")
    except HttpError as e:
        check(e.resp.status == 410 and reason(e) == "fullSyncRequired", f"an invalidated token gets HttpError 410 {reason(e)}")

    print("Gmail")
    gmail = service("gmail", "v1", [GMAIL], "nora.north@acme.example")
    listed = gmail.users().messages().list(userId="me", q="from:globex.example").execute()
    ids = [m["id"] for m in listed.get("messages", [])]
    check(len(ids) == 1, f"messages().list with q finds {len(ids)} message")
    if ids:
        msg = gmail.users().messages().get(userId="me", id=ids[0], format="metadata", metadataHeaders=["Subject", "From"]).execute()
        headers = {h["name"]: h["value"] for h in msg["payload"]["headers"]}
        check(headers.get("Subject") == "Pricing question" and msg["historyId"], f"messages().get metadata: {headers}")
    try:
        service("gmail", "v1", [GMAIL], "elena.east@acme.example").users().messages().list(userId="me").execute()
        check(False, "an untrusted user is refused")
    except RefreshError as e:
        check("unauthorized_client" in str(e.args), f"an untrusted user's token refresh raises RefreshError {e.args[0].split(':')[0]}")

    print(f"\n{counts['passed']} passed, {counts['failed']} failed")
    return 0 if counts["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
