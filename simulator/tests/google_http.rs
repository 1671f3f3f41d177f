//! The fake Google over real HTTP, as a client sees it: token exchange and its refusals,
//! API errors in Google's exact shapes, paging, tenant pinning and virtual-time expiry.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use simulator::{RunningServer, Simulator};

const SCENARIO: &str = r#"
name: acme
seed: 42
clock: 2025-03-10T09:00:00Z
google:
  domain: acme.example
  org_units: [/Sales/NA, /Sales/EMEA]
  users:
    - email: ada@acme.example
      admin: true
      org_unit: /Sales/NA
    - email: nora@acme.example
      org_unit: /Sales/NA
      events:
        - title: Standup
          start: +1h
        - title: Review
          start: +3h
          duration: 1h
    - email: eve@acme.example
      org_unit: /Sales/EMEA
  app_access:
    scopes: [admin.directory.user.readonly, calendar.readonly]
    trusted_org_units: [/Sales/NA]
"#;

struct Server {
    sim: Simulator,
    server: RunningServer,
    http: reqwest::Client,
}

impl Server {
    async fn start(yaml: &str) -> Self {
        let sim = Simulator::default();
        sim.load(simulator::scenario::parse("test", yaml).expect("valid")).expect("loads");
        let server = sim.start("127.0.0.1:0".parse().unwrap()).await.expect("binds");
        Self { sim, server, http: reqwest::Client::new() }
    }

    fn base(&self, tenant: &str) -> String {
        format!("{}/t/{tenant}", self.server.base_url())
    }

    fn key(&self, tenant: &str) -> Value {
        self.sim.google_key_file(tenant, &self.base(tenant)).unwrap()
    }

    fn now(&self, tenant: &str) -> DateTime<Utc> {
        self.sim.clock(tenant).unwrap().now
    }

    fn assertion(&self, tenant: &str, claims: Value) -> String {
        let key = self.key(tenant);
        let signing = EncodingKey::from_rsa_pem(key["private_key"].as_str().unwrap().as_bytes()).unwrap();
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &signing).unwrap()
    }

    fn claims(&self, tenant: &str, sub: &str, scope: &str) -> Value {
        let iat = self.now(tenant).timestamp();
        json!({ "iss": self.key(tenant)["client_email"], "sub": sub, "scope": scope,
                "aud": "https://oauth2.googleapis.com/token", "iat": iat, "exp": iat + 3600 })
    }

    async fn exchange(&self, tenant: &str, assertion: &str) -> (u16, Value) {
        let form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)];
        let r = self.http.post(format!("{}/token", self.base(tenant))).form(&form).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn token(&self, tenant: &str, sub: &str, scope: &str) -> String {
        let (status, body) = self.exchange(tenant, &self.assertion(tenant, self.claims(tenant, sub, scope))).await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    async fn get(&self, url: &str, token: &str) -> (u16, Value) {
        let r = self.http.get(url).bearer_auth(token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }
}

const DIR: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const CAL: &str = "https://www.googleapis.com/auth/calendar.readonly";
const GMAIL: &str = "https://www.googleapis.com/auth/gmail.readonly";
const UNAUTHORIZED_CLIENT: &str = "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.";

#[tokio::test]
async fn issues_a_bearer_token_for_a_trusted_user() {
    let s = Server::start(SCENARIO).await;
    let (status, body) = s.exchange("acme", &s.assertion("acme", s.claims("acme", "nora@acme.example", CAL))).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert!(body["access_token"].as_str().unwrap().starts_with("ya29."));
}

#[tokio::test]
async fn refuses_users_outside_the_trusted_org_unit_and_ungranted_scopes_with_unauthorized_client() {
    let s = Server::start(SCENARIO).await;
    for (sub, scope) in [("eve@acme.example", CAL), ("nora@acme.example", GMAIL)] {
        let (status, body) = s.exchange("acme", &s.assertion("acme", s.claims("acme", sub, scope))).await;
        assert_eq!(status, 401, "{sub} {scope}");
        assert_eq!(body, json!({ "error": "unauthorized_client", "error_description": UNAUTHORIZED_CLIENT }));
    }
    let (status, body) = s.exchange("acme", &s.assertion("acme", s.claims("acme", "ghost@acme.example", CAL))).await;
    assert_eq!(
        (status, body),
        (400, json!({ "error": "invalid_grant", "error_description": "Invalid email or User ID" }))
    );
}

#[tokio::test]
async fn checks_the_signature_audience_and_lifetime_of_the_assertion() {
    let s = Server::start(SCENARIO).await;
    let other = Server::start(&SCENARIO.replace("seed: 42", "seed: 43")).await;
    // Same issuer, signed with another tenant's key.
    let forged = other.assertion("acme", s.claims("acme", "nora@acme.example", CAL));
    assert_eq!(
        s.exchange("acme", &forged).await,
        (400, json!({ "error": "invalid_grant", "error_description": "Invalid JWT Signature." }))
    );

    let mut claims = s.claims("acme", "nora@acme.example", CAL);
    claims["aud"] = json!("https://example.com/token");
    let (status, body) = s.exchange("acme", &s.assertion("acme", claims)).await;
    assert_eq!((status, body["error_description"].as_str().unwrap()), (400, "Invalid JWT: Failed audience check."));

    let mut claims = s.claims("acme", "nora@acme.example", CAL);
    claims["exp"] = json!(claims["iat"].as_i64().unwrap() + 7200);
    let (status, body) = s.exchange("acme", &s.assertion("acme", claims)).await;
    assert_eq!(status, 400);
    assert!(body["error_description"].as_str().unwrap().starts_with("Invalid JWT: Token must be a short-lived token"));
}

#[tokio::test]
async fn directory_answers_google_errors_for_non_admins_and_missing_scopes() {
    let s = Server::start(SCENARIO).await;
    let url = format!("{}/admin/directory/v1/users?customer=my_customer", s.base("acme"));
    let nora = s.token("acme", "nora@acme.example", DIR).await;
    let (status, body) = s.get(&url, &nora).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["error"]["errors"][0],
        json!({ "message": "Not Authorized to access this resource/api", "domain": "global", "reason": "forbidden" })
    );

    let calendar_only = s.token("acme", "ada@acme.example", CAL).await;
    let (status, body) = s.get(&url, &calendar_only).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["message"], "Request had insufficient authentication scopes.");
    assert_eq!(body["error"]["errors"][0]["reason"], "insufficientPermissions");
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(body["error"]["details"][0]["reason"], "ACCESS_TOKEN_SCOPE_INSUFFICIENT");

    let ada = s.token("acme", "ada@acme.example", DIR).await;
    let (status, body) = s.get(&format!("{}/admin/directory/v1/users", s.base("acme")), &ada).await;
    assert_eq!(
        (status, body["error"]["message"].as_str().unwrap()),
        (400, "Bad Request"),
        "customer or domain is required"
    );
}

#[tokio::test]
async fn directory_pages_through_every_user_exactly_once() {
    let users: String = (0..250).map(|i| format!("    - email: u{i:03}@acme.example\n")).collect();
    let yaml = SCENARIO.replace("    - email: eve@acme.example\n", &format!("    - email: eve@acme.example\n{users}"));
    let s = Server::start(&yaml).await;
    let ada = s.token("acme", "ada@acme.example", DIR).await;
    let mut seen = Vec::new();
    let mut page_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut url = format!("{}/admin/directory/v1/users?customer=my_customer&maxResults=100", s.base("acme"));
        if let Some(t) = &page_token {
            url.push_str(&format!("&pageToken={t}"));
        }
        let (status, body) = s.get(&url, &ada).await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        seen.extend(body["users"].as_array().unwrap().iter().map(|u| u["primaryEmail"].as_str().unwrap().to_string()));
        match body["nextPageToken"].as_str() {
            Some(t) => page_token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 253);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "ordered by email, no duplicates");

    let (status, _) =
        s.get(&format!("{}/admin/directory/v1/users?customer=my_customer&pageToken=bogus", s.base("acme")), &ada).await;
    assert_eq!(status, 400);
    let (status, _) =
        s.get(&format!("{}/admin/directory/v1/users?customer=my_customer&maxResults=501", s.base("acme")), &ada).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn calendar_filters_by_time_and_rejects_an_empty_range() {
    let s = Server::start(SCENARIO).await;
    let nora = s.token("acme", "nora@acme.example", CAL).await;
    let events = format!("{}/calendar/v3/calendars/primary/events", s.base("acme"));
    let (status, body) =
        s.get(&format!("{events}?timeMin=2025-03-10T10:15:00Z&timeMax=2025-03-11T00:00:00Z"), &nora).await;
    assert_eq!(status, 200, "{body}");
    let titles: Vec<_> = body["items"].as_array().unwrap().iter().map(|e| e["summary"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Standup", "Review"], "Standup ends at 10:30, after timeMin (an exclusive bound on end)");
    let (status, body) =
        s.get(&format!("{events}?timeMin=2025-03-10T10:30:00Z&timeMax=2025-03-11T00:00:00Z"), &nora).await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 1, "an event ending at timeMin is excluded");
    let (status, body) =
        s.get(&format!("{events}?timeMin=2025-03-11T00:00:00Z&timeMax=2025-03-10T00:00:00Z"), &nora).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["errors"][0],
        json!({ "domain": "calendar", "reason": "timeRangeEmpty", "message": "The specified time range is empty.", "locationType": "parameter", "location": "timeMax" })
    );
}

#[tokio::test]
async fn tokens_expire_on_the_virtual_clock_and_stay_in_their_tenant() {
    let s = Server::start(SCENARIO).await;
    s.sim.load_as("other", simulator::scenario::parse("t", SCENARIO).unwrap(), false).unwrap();
    let nora = s.token("acme", "nora@acme.example", CAL).await;
    let list = |tenant: &str| format!("{}/calendar/v3/users/me/calendarList", s.base(tenant));
    assert_eq!(s.get(&list("acme"), &nora).await.0, 200);
    let (status, body) = s.get(&list("other"), &nora).await;
    assert_eq!(status, 401, "a token from one tenant is refused in another");
    assert_eq!(body["error"]["errors"][0]["reason"], "authError");
    s.sim.advance("acme", chrono::Duration::minutes(59)).unwrap();
    assert_eq!(s.get(&list("acme"), &nora).await.0, 200);
    s.sim.advance("acme", chrono::Duration::minutes(1)).unwrap();
    let (status, body) = s.get(&list("acme"), &nora).await;
    assert_eq!((status, body["error"]["message"].as_str().unwrap()), (401, "Invalid Credentials"));
}

#[tokio::test]
async fn admin_api_reports_scenario_problems_with_line_and_field() {
    let s = Server::start(SCENARIO).await;
    let admin = format!("{}/_sim", s.server.base_url());
    let bad = "name: broken\nclock: 2025-03-10T09:00:00Z\ngoogle:\n  domain: acme.example\n  users:\n    - email: a@acme.example\n      org_unit: /Nowhere\n";
    let yaml = |body: &'static str| {
        s.http.post(format!("{admin}/tenants")).header("content-type", "application/yaml").body(body)
    };
    let r = yaml(bad).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["diagnostics"][0]["line"], 7);
    assert_eq!(body["error"]["diagnostics"][0]["field"], "google.users[0].org_unit");

    let r = yaml(SCENARIO).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 409, "acme is already loaded");

    let r =
        s.http.post(format!("{admin}/tenants/acme/clock")).json(&json!({ "advance": "soon" })).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = s.http.post(format!("{admin}/tenants/nope/clock")).json(&json!({ "advance": "5m" })).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn timeline_steps_apply_as_the_clock_passes_them_and_reset_restores_the_start() {
    let yaml = format!(
        "{SCENARIO}timeline:\n  - at: +10m\n    move_user: {{ email: eve@acme.example, org_unit: /Sales/NA }}\n"
    );
    let s = Server::start(&yaml).await;
    let claims = || s.claims("acme", "eve@acme.example", CAL);
    assert_eq!(s.exchange("acme", &s.assertion("acme", claims())).await.0, 401);
    let report = s.sim.advance("acme", chrono::Duration::minutes(9)).unwrap();
    assert!(report.applied.is_empty());
    let report = s.sim.advance("acme", chrono::Duration::minutes(1)).unwrap();
    assert_eq!(report.applied[0].change, "moved eve@acme.example from /Sales/EMEA to /Sales/NA");
    assert_eq!(s.exchange("acme", &s.assertion("acme", claims())).await.0, 200);
    s.sim.reset("acme").unwrap();
    assert_eq!(s.exchange("acme", &s.assertion("acme", claims())).await.0, 401);
}

#[tokio::test]
async fn sync_tokens_replay_changes_and_answer_410_once_invalidated() {
    let s = Server::start(SCENARIO).await;
    let nora = s.token("acme", "nora@acme.example", CAL).await;
    let events = format!("{}/calendar/v3/calendars/primary/events", s.base("acme"));
    let (status, full) = s.get(&format!("{events}?maxResults=1"), &nora).await;
    assert_eq!(status, 200);
    assert!(full["nextPageToken"].is_string() && full["nextSyncToken"].is_null(), "never both: {full}");
    let (_, last) =
        s.get(&format!("{events}?maxResults=1&pageToken={}", full["nextPageToken"].as_str().unwrap()), &nora).await;
    let token = last["nextSyncToken"].as_str().expect("the last page carries the sync token").to_string();

    let (status, nothing) = s.get(&format!("{events}?syncToken={token}"), &nora).await;
    assert_eq!((status, nothing["items"].as_array().unwrap().len()), (200, 0), "no change yet");

    s.sim
        .apply("acme", &simulator::Action::CancelEvent { owner: "nora@acme.example".into(), title: "Standup".into() })
        .unwrap();
    let (_, delta) = s.get(&format!("{events}?syncToken={token}"), &nora).await;
    let items = delta["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["status"], "cancelled");
    let (_, listed) = s.get(&events, &nora).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "cancelled events are hidden from listings");
    let (_, deleted) = s.get(&format!("{events}?showDeleted=true"), &nora).await;
    assert_eq!(deleted["items"].as_array().unwrap().len(), 2);

    let (status, body) = s.get(&format!("{events}?syncToken={token}&timeMin=2025-03-10T00:00:00Z"), &nora).await;
    assert_eq!((status, body["error"]["errors"][0]["location"].as_str()), (400, Some("timeMin")));

    s.sim.apply("acme", &simulator::Action::InvalidateSyncTokens).unwrap();
    let (status, body) = s.get(&format!("{events}?syncToken={token}"), &nora).await;
    assert_eq!(status, 410);
    assert_eq!(
        body["error"]["errors"][0],
        json!({ "domain": "calendar", "reason": "fullSyncRequired", "message": "Sync token is no longer valid, a full sync is required.", "locationType": "parameter", "location": "syncToken" })
    );
    assert_eq!(s.get(&format!("{events}?syncToken=garbage"), &nora).await.0, 410);
}

#[tokio::test]
async fn a_dropped_connection_fault_cuts_the_body_off() {
    let s = Server::start(SCENARIO).await;
    let nora = s.token("acme", "nora@acme.example", CAL).await;
    let fault = simulator::FaultRule {
        api: "calendar".into(),
        user: None,
        status: 500,
        reason: None,
        retry_after: None,
        count: Some(1),
        from: None,
        until: None,
        drop_connection: true,
        ..Default::default()
    };
    s.sim.add_fault("acme", fault).unwrap();
    let url = format!("{}/calendar/v3/users/me/calendarList", s.base("acme"));
    let response = s.http.get(&url).bearer_auth(&nora).send().await.expect("headers arrive");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.text().await.is_err(), "the body must break off");
    assert_eq!(s.get(&url, &nora).await.0, 200, "the next call is fine");
}

/// Plays the user's browser: asks for consent and returns the redirect's query.
async fn consent(s: &Server, user: &str, challenge: &str) -> std::collections::HashMap<String, String> {
    let m = s.sim.manifest(&s.server.base_url());
    let g = m.tenants["acme"].google.clone().unwrap();
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = no_redirects
        .get(&g.authorize_url)
        .query(&[
            ("client_id", g.oauth_client_id.as_str()),
            ("redirect_uri", "http://localhost/callback"),
            ("response_type", "code"),
            (
                "scope",
                "https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/gmail.readonly",
            ),
            ("access_type", "offline"),
            ("state", "xyz"),
            ("login_hint", user),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://localhost/callback?"), "{location}");
    serde_urlencoded::from_str(location.split_once('?').unwrap().1).unwrap()
}

#[tokio::test]
async fn users_consent_exchange_codes_refresh_and_revoke() {
    let yaml = SCENARIO.replace("      org_unit: /Sales/EMEA\n", "      org_unit: /Sales/EMEA\n    - email: sam@acme.example\n      org_unit: /Sales/NA\n      consent: deny\n    - email: pat@acme.example\n      org_unit: /Sales/NA\n      consent_scopes: [calendar.readonly]\n");
    let s = Server::start(&yaml).await;
    let m = s.sim.manifest(&s.server.base_url());
    let g = m.tenants["acme"].google.clone().unwrap();
    // base64url(sha256(verifier)), computed independently with Python's hashlib.
    let (verifier, challenge) =
        ("dBjftJeZ4CVP-mJ92K9eNPNc0u-VEmhRwm7FGbBvZwQ", "MduphAcLh_esbk-sSxra7q3yqmN6JW9-Lc86-CHRuXk");
    assert_eq!(consent(&s, "sam@acme.example", challenge).await["error"], "access_denied");
    assert_eq!(
        consent(&s, "eve@acme.example", challenge).await["error"],
        "admin_policy_enforced",
        "eve is outside the trusted org unit"
    );
    let partial = consent(&s, "pat@acme.example", challenge).await;
    assert_eq!(partial["scope"], "https://www.googleapis.com/auth/calendar.readonly", "pat ticked calendar only");

    let back = consent(&s, "nora@acme.example", challenge).await;
    assert_eq!(back["state"], "xyz");
    let exchange = |params: Vec<(&'static str, String)>| {
        let http = s.http.clone();
        let url = g.token_uri.clone();
        async move {
            let r = http.post(url).form(&params).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let base = vec![
        ("client_id", g.oauth_client_id.clone()),
        ("client_secret", g.oauth_client_secret.clone()),
        ("redirect_uri", "http://localhost/callback".to_string()),
    ];
    let mut wrong = base.clone();
    wrong.extend([
        ("grant_type", "authorization_code".to_string()),
        ("code", back["code"].clone()),
        ("code_verifier", "wrong".to_string()),
    ]);
    assert_eq!(
        exchange(wrong).await,
        (400, json!({ "error": "invalid_grant", "error_description": "Invalid code verifier." }))
    );

    let back = consent(&s, "nora@acme.example", challenge).await;
    let mut good = base.clone();
    good.extend([
        ("grant_type", "authorization_code".to_string()),
        ("code", back["code"].clone()),
        ("code_verifier", verifier.to_string()),
    ]);
    let (status, tokens) = exchange(good.clone()).await;
    assert_eq!(status, 200, "{tokens}");
    let refresh = tokens["refresh_token"].as_str().expect("offline access gives a refresh token").to_string();
    let list = format!("{}/calendar/v3/users/me/calendarList", s.base("acme"));
    assert_eq!(s.get(&list, tokens["access_token"].as_str().unwrap()).await.0, 200);
    assert_eq!(exchange(good).await.1["error_description"], "Malformed auth code.", "a code works once");

    let mut again = base.clone();
    again.extend([("grant_type", "refresh_token".to_string()), ("refresh_token", refresh.clone())]);
    assert_eq!(exchange(again.clone()).await.0, 200);
    s.sim.apply("acme", &simulator::Action::RevokeUserGrants("nora@acme.example".into())).unwrap();
    assert_eq!(
        exchange(again).await,
        (400, json!({ "error": "invalid_grant", "error_description": "Token has been expired or revoked." }))
    );
}

#[tokio::test]
async fn recurring_events_list_as_a_series_or_as_instances() {
    let yaml = SCENARIO.replace(
        "        - title: Standup\n          start: +1h\n",
        "        - title: Standup\n          start: +1h\n          recurrence: RRULE:FREQ=DAILY;COUNT=5\n",
    );
    let s = Server::start(&yaml).await;
    let nora = s.token("acme", "nora@acme.example", CAL).await;
    let events = format!(
        "{}/calendar/v3/calendars/primary/events?timeMin=2025-03-10T00:00:00Z&timeMax=2025-03-13T00:00:00Z",
        s.base("acme")
    );
    let (_, series) = s.get(&events, &nora).await;
    let standup: Vec<&Value> =
        series["items"].as_array().unwrap().iter().filter(|e| e["summary"] == "Standup").collect();
    assert_eq!(standup.len(), 1, "without singleEvents a series is listed once");
    assert_eq!(standup[0]["recurrence"], json!(["RRULE:FREQ=DAILY;COUNT=5"]));
    let (_, single) = s.get(&format!("{events}&singleEvents=true&orderBy=startTime"), &nora).await;
    let instances: Vec<&Value> =
        single["items"].as_array().unwrap().iter().filter(|e| e["summary"] == "Standup").collect();
    assert_eq!(instances.len(), 3, "10:00 on the 10th, 11th and 12th fall before timeMax");
    let master = standup[0]["id"].as_str().unwrap();
    assert_eq!(instances[1]["recurringEventId"], master);
    assert_eq!(instances[1]["originalStartTime"]["dateTime"], "2025-03-11T10:00:00.000Z");
    assert_eq!(instances[1]["id"], format!("{master}_20250311T100000Z"));
    assert_eq!(instances[1]["iCalUID"], standup[0]["iCalUID"]);
}

#[tokio::test]
async fn every_token_error_is_reachable_from_a_scenario() {
    async fn answer(yaml: &str, sub: &str, before: Option<simulator::Action>) -> (u16, Value) {
        let s = Server::start(yaml).await;
        if let Some(action) = before {
            s.sim.apply("acme", &action).unwrap();
        }
        s.exchange("acme", &s.assertion("acme", s.claims("acme", sub, CAL))).await
    }
    let flat = |e: &str, d: &str| json!({ "error": e, "error_description": d });
    let with_quirks = |q: &str| SCENARIO.replace("  app_access:\n", &format!("  quirks: {{ {q} }}\n  app_access:\n"));
    let suspended = SCENARIO.replace(
        "      org_unit: /Sales/NA\n      events:",
        "      org_unit: /Sales/NA\n      suspended: true\n      events:",
    );
    type Case<'a> = (String, &'a str, Option<simulator::Action>, (u16, Value));
    let cases: Vec<Case> = vec![
        (
            SCENARIO.replace("    trusted_org_units", "    disabled: true\n    trusted_org_units"),
            "nora@acme.example",
            None,
            (401, flat("disabled_client", "The OAuth client was disabled.")),
        ),
        (
            SCENARIO.to_string(),
            "nora@acme.example",
            Some(simulator::Action::DeleteUser("nora@acme.example".into())),
            (400, flat("invalid_grant", "The account has been deleted")),
        ),
        (suspended.clone(), "nora@acme.example", None, (400, flat("invalid_grant", "Invalid email or User ID"))),
        (
            with_quirks("suspended_user: access_denied").replace(
                "      org_unit: /Sales/NA\n      events:",
                "      org_unit: /Sales/NA\n      suspended: true\n      events:",
            ),
            "nora@acme.example",
            None,
            (400, flat("access_denied", "Account restricted")),
        ),
        (
            with_quirks("outside_trusted_org_unit: admin_policy_enforced"),
            "eve@acme.example",
            None,
            (
                400,
                flat(
                    "admin_policy_enforced",
                    "Access to your account data is restricted by policies within your organization. Please contact the administrator for your organization for more information.",
                ),
            ),
        ),
    ];
    for (yaml, sub, before, expected) in cases {
        assert_eq!(answer(&yaml, sub, before).await, expected, "{sub}");
    }
}

#[tokio::test]
async fn gmail_history_replays_new_mail_and_refuses_a_start_it_no_longer_keeps() {
    let yaml = SCENARIO.replace(
        "    scopes: [admin.directory.user.readonly, calendar.readonly]",
        "    scopes: [admin.directory.user.readonly, calendar.readonly, gmail.readonly]",
    );
    let s = Server::start(&yaml).await;
    let nora = s.token("acme", "nora@acme.example", GMAIL).await;
    let gmail = format!("{}/gmail/v1/users/me", s.base("acme"));
    let (status, profile) = s.get(&format!("{gmail}/profile"), &nora).await;
    assert_eq!((status, profile["emailAddress"].as_str()), (200, Some("nora@acme.example")));
    let start: u64 = profile["historyId"].as_str().unwrap().parse().unwrap();
    let message = simulator::scenario::Message {
        from: "buyer@globex.example".into(),
        to: vec!["nora@acme.example".into()],
        cc: vec![],
        subject: "Signed contract".into(),
        at: s.now("acme"),
        body: "Attached.".into(),
        labels: vec!["INBOX".into()],
    };
    s.sim
        .apply(
            "acme",
            &simulator::Action::DeliverMail { owner: "nora@acme.example".into(), message: Box::new(message) },
        )
        .unwrap();
    let (status, history) = s.get(&format!("{gmail}/history?startHistoryId={start}"), &nora).await;
    assert_eq!(status, 200);
    let id = history["history"][0]["messagesAdded"][0]["message"]["id"].as_str().unwrap().to_string();
    let (_, msg) = s.get(&format!("{gmail}/messages/{id}?format=metadata&metadataHeaders=Subject"), &nora).await;
    assert_eq!(msg["payload"]["headers"], json!([{ "name": "Subject", "value": "Signed contract" }]));
    let (status, body) = s.get(&format!("{gmail}/history?startHistoryId=1"), &nora).await;
    assert_eq!((status, body["error"]["errors"][0]["reason"].as_str()), (404, Some("notFound")));
    let (status, body) = s.get(&format!("{}/gmail/v1/users/eve@acme.example/messages", s.base("acme")), &nora).await;
    assert_eq!((status, body["error"]["message"].as_str()), (403, Some("Delegation denied for nora@acme.example")));
}

#[tokio::test]
async fn a_cached_answer_is_never_served_to_a_token_with_other_scopes() {
    let yaml = SCENARIO.replace(
        "    scopes: [admin.directory.user.readonly, calendar.readonly]",
        "    scopes: [admin.directory.user.readonly, calendar.readonly, gmail.readonly, gmail.metadata]",
    );
    let s = Server::start(&yaml).await;
    let message = simulator::scenario::Message {
        from: "buyer@globex.example".into(),
        to: vec!["nora@acme.example".into()],
        cc: vec![],
        subject: "Private terms".into(),
        at: s.now("acme"),
        body: "The discount is 40%.".into(),
        labels: vec!["INBOX".into()],
    };
    let deliver = simulator::Action::DeliverMail { owner: "nora@acme.example".into(), message: Box::new(message) };
    s.sim.apply("acme", &deliver).unwrap();
    let reader = s.token("acme", "nora@acme.example", GMAIL).await;
    let gmail = format!("{}/gmail/v1/users/me", s.base("acme"));
    let (_, list) = s.get(&format!("{gmail}/messages"), &reader).await;
    let id = list["messages"][0]["id"].as_str().expect("the delivered message").to_string();
    let full = format!("{gmail}/messages/{id}?format=full");
    assert_eq!(s.get(&full, &reader).await.0, 200, "gmail.readonly reads the whole message");
    // The same user, the same URL, a token that may read headers only: still refused, even
    // though the full answer was just rendered and cached for the other token.
    let metadata_only = s.token("acme", "nora@acme.example", "https://www.googleapis.com/auth/gmail.metadata").await;
    let (status, body) = s.get(&full, &metadata_only).await;
    assert_eq!((status, body["error"]["message"].as_str()), (403, Some("Metadata scope doesn't allow format FULL")));
}

#[tokio::test]
async fn deleted_users_are_listed_only_with_show_deleted() {
    let s = Server::start(SCENARIO).await;
    s.sim.apply("acme", &simulator::Action::DeleteUser("eve@acme.example".into())).unwrap();
    let ada = s.token("acme", "ada@acme.example", DIR).await;
    let users = format!("{}/admin/directory/v1/users?customer=my_customer", s.base("acme"));
    let (_, active) = s.get(&users, &ada).await;
    let emails: Vec<&str> =
        active["users"].as_array().unwrap().iter().map(|u| u["primaryEmail"].as_str().unwrap()).collect();
    assert_eq!(emails, ["ada@acme.example", "nora@acme.example"]);
    let (_, deleted) = s.get(&format!("{users}&showDeleted=true"), &ada).await;
    assert_eq!(deleted["users"][0]["primaryEmail"], "eve@acme.example");
    assert_eq!(deleted["users"][0]["deletionTime"], "2025-03-10T09:00:00.000Z");
    assert_eq!(deleted["users"].as_array().unwrap().len(), 1);
}
