//! The core every provider shares, over real HTTP: tenants loaded from one scenario are
//! separate customers (identities, tokens, sync tokens), fault rules match the path a
//! client really called, the admin API refuses what a web page could send it, and 64
//! tenants served at once never see each other's tokens or data.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use simulator::{RunningServer, Simulator};

/// A Google tenant whose name, domain and seed vary.
fn google_scenario(name: &str, domain: &str, seed: u64) -> String {
    format!(
        r#"
name: {name}
seed: {seed}
clock: 2025-03-10T09:00:00Z
google:
  domain: {domain}
  users:
    - email: ada@{domain}
      admin: true
    - email: nora@{domain}
      events:
        - title: Standup
          start: +1h
  app_access:
    scopes: [admin.directory.user.readonly, calendar.readonly]
"#
    )
}

const USERS: &str = "https://www.googleapis.com/auth/admin.directory.user.readonly";
const CAL: &str = "https://www.googleapis.com/auth/calendar.readonly";

struct Sim {
    sim: Simulator,
    server: RunningServer,
    http: reqwest::Client,
}

impl Sim {
    async fn start(sim: Simulator) -> Self {
        let server = sim.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
        Self { sim, server, http: reqwest::Client::new() }
    }

    fn admin(&self) -> String {
        format!("{}/_sim", self.server.base_url())
    }

    /// Loads a scenario through the admin API under `id`.
    async fn load(&self, yaml: &str, id: &str) -> u16 {
        let url = format!("{}/tenants?id={id}", self.admin());
        let r = self.http.post(url).header("content-type", "application/yaml").body(yaml.to_string());
        r.send().await.unwrap().status().as_u16()
    }

    async fn key_file(&self, id: &str) -> Value {
        let url = format!("{}/tenants/{id}/google/service-account.json", self.admin());
        self.http.get(url).send().await.unwrap().json().await.unwrap()
    }

    /// Exchanges a DWD assertion signed with `key` for `sub`, at `token_url`.
    async fn exchange(&self, key: &Value, token_url: &str, sub: &str, scope: &str) -> (u16, Value) {
        let now = self.sim.clock(&self.sim.tenant_ids()[0]).unwrap().now.timestamp();
        let claims = json!({ "iss": key["client_email"], "sub": sub, "scope": scope,
            "aud": "https://oauth2.googleapis.com/token", "iat": now, "exp": now + 3600 });
        let signing = EncodingKey::from_rsa_pem(key["private_key"].as_str().unwrap().as_bytes()).unwrap();
        let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &signing).unwrap();
        let form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion.as_str())];
        let r = self.http.post(token_url).form(&form).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn token(&self, id: &str, sub: &str, scope: &str) -> String {
        let key = self.key_file(id).await;
        let url = format!("{}/token", self.server.base_url());
        let (status, body) = self.exchange(&key, &url, sub, scope).await;
        assert_eq!(status, 200, "{id}: {body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    async fn get(&self, url: &str, token: &str) -> (u16, Value) {
        let r = self.http.get(url).bearer_auth(token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    fn users_url(&self, pin: Option<&str>) -> String {
        let root = match pin {
            Some(id) => format!("{}/t/{id}", self.server.base_url()),
            None => self.server.base_url(),
        };
        format!("{root}/admin/directory/v1/users?customer=my_customer")
    }
}

#[tokio::test]
async fn one_scenario_loaded_twice_is_two_customers() {
    let s = Sim::start(Simulator::default()).await;
    let yaml = google_scenario("acme", "acme.example", 42);
    assert_eq!(s.load(&yaml, "a").await, 201);
    let key_a = s.key_file("a").await;
    let token_a = s.token("a", "ada@acme.example", USERS).await;
    assert_eq!(s.load(&yaml, "b").await, 201);
    let key_b = s.key_file("b").await;
    assert_ne!(key_a["client_email"], key_b["client_email"], "each tenant has its own service account");
    let token_b = s.token("b", "ada@acme.example", USERS).await;
    assert_ne!(token_a, token_b, "same seed, same user: still two tokens");

    // A's token keeps working on A, unpinned and pinned, after B was loaded …
    assert_eq!(s.get(&s.users_url(None), &token_a).await.0, 200);
    assert_eq!(s.get(&s.users_url(Some("a")), &token_a).await.0, 200);
    // … and is refused under B's pin.
    assert_eq!(s.get(&s.users_url(Some("b")), &token_a).await.0, 401);
    // The journal gives each request to the tenant whose token it carried.
    let tenants: Vec<_> = s.sim.journal(&Default::default()).iter().filter_map(|e| e.tenant.clone()).collect();
    assert!(tenants.iter().any(|t| t == "a") && tenants.iter().any(|t| t == "b"), "{tenants:?}");

    // A reset starts a new generation: the old token is dead and never handed out again.
    s.sim.reset("a").unwrap();
    assert_eq!(s.get(&s.users_url(None), &token_a).await.0, 401, "the old token died with the reset");
    let fresh = s.token("a", "ada@acme.example", USERS).await;
    assert_ne!(fresh, token_a, "a reset never repeats a token string");
    assert_eq!(s.get(&s.users_url(None), &token_b).await.0, 200, "B is untouched by A's reset");
}

#[tokio::test]
async fn a_calendar_sync_token_is_refused_by_another_tenant() {
    let s = Sim::start(Simulator::default()).await;
    let yaml = google_scenario("acme", "acme.example", 7);
    s.load(&yaml, "a").await;
    s.load(&yaml, "b").await;
    let events = |id: &str| format!("{}/t/{id}/calendar/v3/calendars/primary/events", s.server.base_url());
    let token_a = s.token("a", "nora@acme.example", CAL).await;
    let token_b = s.token("b", "nora@acme.example", CAL).await;
    let (status, page) = s.get(&events("a"), &token_a).await;
    assert_eq!(status, 200, "{page}");
    let sync = page["nextSyncToken"].as_str().expect("a full listing ends with a sync token").to_string();
    assert_eq!(s.get(&format!("{}?syncToken={sync}", events("a")), &token_a).await.0, 200);
    let (status, body) = s.get(&format!("{}?syncToken={sync}", events("b")), &token_b).await;
    assert_eq!(status, 410, "B never issued that sync token: {body}");
}

const ZOOM: &str = r#"
name: zoomy
seed: 9
clock: 2025-03-10T09:00:00Z
zoom:
  account_id: acct123
  client_id: cid
  client_secret: secret
  users:
    - email: nora@acme.example
  meetings:
    - id: "81234567890"
      host: nora@acme.example
"#;

#[tokio::test]
async fn a_zoom_fault_rule_matches_the_path_the_client_called() {
    let s = Sim::start(Simulator::default()).await;
    assert_eq!(s.load(ZOOM, "zoomy").await, 201);
    let base = format!("{}/t/zoomy", s.server.base_url());
    let r = s
        .http
        .post(format!("{base}/oauth/token?grant_type=account_credentials&account_id=acct123"))
        .header("Authorization", format!("Basic {}", STANDARD.encode("cid:secret")))
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string();
    let rule = json!({ "api": "zoom", "path": "/v2/users", "status": 429, "retry_after": 2 });
    let r = s.http.post(format!("{}/tenants/zoomy/faults", s.admin())).json(&rule).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);

    let (status, body) = s.get(&format!("{base}/v2/meetings/81234567890"), &token).await;
    assert_eq!(status, 200, "another endpoint is untouched: {body}");
    let (status, body) = s.get(&format!("{base}/v2/users"), &token).await;
    assert_eq!((status, body["code"].as_u64()), (429, Some(429)), "the rule fires on /v2/users: {body}");
    let (status, _) = s.get(&format!("{base}/v2/users/nora@acme.example"), &token).await;
    assert_eq!(status, 429, "and below it");

    // A scripted body is sent as it is, in place of Zoom's `{code, message}`.
    let odd = json!({ "api": "zoom", "path": "/v2/meetings", "status": 502, "count": 1, "body": { "html": "<h1>Bad gateway</h1>" } });
    let r = s.http.post(format!("{}/tenants/zoomy/faults", s.admin())).json(&odd).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let (status, body) = s.get(&format!("{base}/v2/meetings/81234567890"), &token).await;
    assert_eq!((status, body), (502, json!({ "html": "<h1>Bad gateway</h1>" })));

    // A rule whose path its API never serves is refused with what to fix.
    let wrong = json!({ "api": "calendar", "path": "/v2/users", "status": 503 });
    let r = s.http.post(format!("{}/tenants/zoomy/faults", s.admin())).json(&wrong).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("never served by api `calendar`"));
    let hang = json!({ "api": "zoom", "status": 0, "latency_ms": 1_000_000_000_000u64 });
    let r = s.http.post(format!("{}/tenants/zoomy/faults", s.admin())).json(&hang).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "a latency that would hang the API is refused");
}

#[tokio::test]
async fn the_admin_api_refuses_what_a_web_page_could_send() {
    let s = Sim::start(Simulator::default()).await;
    let yaml = google_scenario("acme", "acme.example", 3);
    let tenants = format!("{}/tenants", s.admin());

    let form = s.http.post(&tenants).header("content-type", "application/x-www-form-urlencoded").body(yaml.clone());
    assert_eq!(form.send().await.unwrap().status().as_u16(), 415, "a cross-site form post");
    let plain = s.http.post(&tenants).header("content-type", "text/plain").body(yaml.clone());
    assert_eq!(plain.send().await.unwrap().status().as_u16(), 415, "a no-cors fetch");
    let rebound = s.http.get(&tenants).header("host", "evil.example:80");
    assert_eq!(rebound.send().await.unwrap().status().as_u16(), 403, "DNS rebinding: a foreign Host");
    assert_eq!(s.load(&yaml, "acme").await, 201, "a JSON/YAML body from loopback is fine");
    let key = format!("{}/tenants/acme/google/service-account.json", s.admin());
    let stolen = s.http.get(&key).header("host", "attacker.example");
    assert_eq!(stolen.send().await.unwrap().status().as_u16(), 403, "no private key for a foreign Host");

    for bad in ["..%2F..%2Fx", "%3Cscript%3E", "a%00b", "a~b"] {
        let r =
            s.http.post(format!("{tenants}?id={bad}")).header("content-type", "application/yaml").body(yaml.clone());
        let r = r.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "tenant id {bad} is refused");
    }
    let r = s.http.post(format!("{tenants}?id=")).header("content-type", "application/yaml").body(yaml.clone());
    assert_eq!(r.send().await.unwrap().status().as_u16(), 400, "an empty tenant id is refused");

    // With an admin token, every admin call must present it.
    let guarded = Sim::start(Simulator::builder().admin_token("s3cret").build()).await;
    let url = format!("{}/tenants", guarded.admin());
    assert_eq!(guarded.http.get(&url).send().await.unwrap().status().as_u16(), 401);
    assert_eq!(guarded.http.get(&url).bearer_auth("s3cret").send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_tenants_at_once_never_cross() {
    let s = Sim::start(Simulator::default()).await;
    // 64 tenants, every eight sharing a seed, each with its own domain.
    for i in 0..64u64 {
        let yaml = google_scenario(&format!("t{i}"), &format!("d{i}.example"), 100 + i % 8);
        assert_eq!(s.load(&yaml, &format!("t{i}")).await, 201);
    }
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for i in 0..64u64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("t{i}");
            let domain = format!("d{i}.example");
            let token = s.token(&id, &format!("ada@{domain}"), USERS).await;
            for _ in 0..5 {
                let (status, body) = s.get(&s.users_url(None), &token).await;
                assert_eq!(status, 200, "{id}: {body}");
                let emails: BTreeSet<String> = body["users"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u["primaryEmail"].as_str().unwrap().into())
                    .collect();
                assert_eq!(emails, BTreeSet::from([format!("ada@{domain}"), format!("nora@{domain}")]), "{id}");
            }
            let other = format!("t{}", (i + 1) % 64);
            assert_eq!(s.get(&s.users_url(Some(&other)), &token).await.0, 401, "{id}'s token under {other}");
            (id, token)
        }));
    }
    let mut tokens = BTreeSet::new();
    for task in tasks {
        let (_, token) = task.await.unwrap();
        assert!(tokens.insert(token), "every tenant got a token of its own");
    }
    // Every answered directory call is attributed to the tenant whose domain it read.
    let answered: Vec<_> = s
        .sim
        .journal(&Default::default())
        .into_iter()
        .filter(|e| e.path.starts_with("/admin/directory") && e.status == 200)
        .collect();
    assert_eq!(answered.len(), 64 * 5);
    for entry in answered {
        let tenant = entry.tenant.as_deref().expect("attributed");
        assert_eq!(entry.subject.as_deref(), Some(format!("ada@d{}.example", &tenant[1..]).as_str()));
    }
}
