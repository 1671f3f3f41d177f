//! The fake Zoom over real HTTP: S2S OAuth, users, settings, meetings and Zoom's errors.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use simulator::{FaultRule, RunningServer, Simulator};

const SCENARIO: &str = r#"
name: zoomy
seed: 9
clock: 2025-03-10T09:00:00Z
zoom:
  account_id: acct123
  client_id: cid
  client_secret: secret
  users:
    - email: nora@acme.example
      name: Nora North
      waiting_room: true
    - email: sam@acme.example
      license: basic
      local_recording: false
    - email: old@acme.example
      status: inactive
  meetings:
    - id: "81234567890"
      host: nora@acme.example
      password: pw1
    - id: "81234567891"
      host: sam@acme.example
      waiting_room: true
"#;

struct Zoom {
    sim: Simulator,
    server: RunningServer,
    http: reqwest::Client,
}

impl Zoom {
    async fn start(yaml: &str) -> Self {
        let sim = Simulator::default();
        sim.load(simulator::scenario::parse("t", yaml).unwrap()).unwrap();
        let server = sim.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
        Self { sim, server, http: reqwest::Client::new() }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/t/zoomy{path}", self.server.base_url())
    }

    async fn token_with(&self, account: &str, id: &str, secret: &str) -> (u16, Value) {
        let r = self
            .http
            .post(self.url(&format!("/oauth/token?grant_type=account_credentials&account_id={account}")))
            .header("Authorization", format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn token(&self) -> String {
        let (status, body) = self.token_with("acct123", "cid", "secret").await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    async fn get(&self, path: &str, token: &str) -> (u16, Value, reqwest::header::HeaderMap) {
        let r = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        (status, r.json().await.unwrap(), headers)
    }
}

#[tokio::test]
async fn issues_tokens_for_the_account_and_refuses_bad_credentials_in_zooms_shape() {
    let z = Zoom::start(SCENARIO).await;
    let (status, body) = z.token_with("acct123", "cid", "secret").await;
    assert_eq!(status, 200);
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("bearer"), Some(3600)));
    assert_eq!(body["api_url"], "https://api.zoom.us");
    assert_eq!(
        z.token_with("acct123", "cid", "wrong").await,
        (400, json!({ "reason": "Invalid client_id or client_secret", "error": "invalid_client" }))
    );
    assert_eq!(
        z.token_with("nope", "cid", "secret").await,
        (400, json!({ "reason": "Account does not exist", "error": "invalid_request" }))
    );
}

#[tokio::test]
async fn a_new_token_invalidates_the_old_one_and_tokens_expire_on_the_virtual_clock() {
    let z = Zoom::start(SCENARIO).await;
    let first = z.token().await;
    assert_eq!(z.get("/v2/users/me", &first).await.0, 200);
    let second = z.token().await;
    let (status, body, _) = z.get("/v2/users/me", &first).await;
    assert_eq!((status, body), (401, json!({ "code": 124, "message": "Invalid access token." })));
    assert_eq!(z.get("/v2/users/me", &second).await.0, 200);
    z.sim.advance("zoomy", chrono::Duration::hours(1)).unwrap();
    let (status, body, _) = z.get("/v2/users/me", &second).await;
    assert_eq!((status, body["message"].as_str()), (401, Some("Access token is expired.")));
}

#[tokio::test]
async fn users_have_licences_statuses_and_recording_settings() {
    let z = Zoom::start(SCENARIO).await;
    let t = z.token().await;
    let (status, page, _) = z.get("/v2/users?page_size=1", &t).await;
    assert_eq!(
        (status, page["total_records"].as_u64(), page["page_count"].as_u64()),
        (200, Some(2), Some(2)),
        "inactive users are listed only with status=inactive"
    );
    let next = page["next_page_token"].as_str().unwrap().to_string();
    let (_, second, _) = z.get(&format!("/v2/users?page_size=1&next_page_token={next}"), &t).await;
    assert_eq!(second["users"][0]["email"], "sam@acme.example");
    assert_eq!(second["users"][0]["type"], 1);
    assert_eq!(second["next_page_token"], "");
    let (_, inactive, _) = z.get("/v2/users?status=inactive", &t).await;
    assert_eq!(inactive["users"][0]["email"], "old@acme.example");

    let (_, nora, _) = z.get("/v2/users/nora@acme.example", &t).await;
    assert_eq!((nora["type"].as_u64(), nora["display_name"].as_str()), (Some(2), Some("Nora North")));
    let (_, settings, _) = z.get(&format!("/v2/users/{}/settings", nora["id"].as_str().unwrap()), &t).await;
    assert_eq!(settings["recording"]["local_recording"], true);
    assert_eq!(settings["in_meeting"]["waiting_room"], true);
    let (_, sam, _) = z.get("/v2/users/sam@acme.example/settings", &t).await;
    assert_eq!(sam["recording"]["local_recording"], false);
    let (status, body, _) = z.get("/v2/users/ghost@acme.example", &t).await;
    assert_eq!((status, body), (404, json!({ "code": 1001, "message": "User does not exist: ghost@acme.example." })));
}

#[tokio::test]
async fn meetings_inherit_their_hosts_settings_and_unknown_meetings_are_3001() {
    let z = Zoom::start(SCENARIO).await;
    let t = z.token().await;
    let (status, m, _) = z.get("/v2/meetings/81234567890", &t).await;
    assert_eq!(status, 200);
    assert_eq!(m["id"], 81234567890u64);
    assert_eq!(m["host_email"], "nora@acme.example");
    assert_eq!(m["join_url"], "https://zoom.us/j/81234567890?pwd=pw1");
    assert_eq!(m["settings"]["waiting_room"], true, "inherited from Nora");
    let (_, sams, _) = z.get("/v2/meetings/81234567891", &t).await;
    assert_eq!(sams["settings"]["waiting_room"], true, "the meeting's own setting");
    let (status, body, _) = z.get("/v2/meetings/999", &t).await;
    assert_eq!((status, body), (404, json!({ "code": 3001, "message": "Meeting does not exist: 999." })));
}

#[tokio::test]
async fn rate_limits_carry_zooms_headers_and_missing_scopes_are_4711() {
    let z = Zoom::start(SCENARIO).await;
    let t = z.token().await;
    z.sim
        .add_fault(
            "zoomy",
            FaultRule {
                api: "zoom".into(),
                user: None,
                status: 429,
                reason: None,
                retry_after: Some(2),
                count: Some(1),
                from: None,
                until: None,
                drop_connection: false,
                ..Default::default()
            },
        )
        .unwrap();
    let (status, body, headers) = z.get("/v2/users/me", &t).await;
    assert_eq!((status, body["code"].as_u64()), (429, Some(429)));
    assert_eq!(headers["x-ratelimit-type"], "QPS");
    assert_eq!(headers["retry-after"], "2");
    assert_eq!(z.get("/v2/users/me", &t).await.0, 200, "the fault was for one call");

    let narrow =
        Zoom::start(&SCENARIO.replace("  client_id: cid", "  scopes: [user:read:admin]\n  client_id: cid")).await;
    let t = narrow.token().await;
    let (status, body, _) = narrow.get("/v2/users", &t).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "code": 4711, "message": "Invalid access token, does not contain scopes:[user:read:list_users:admin]." })
        )
    );
}

#[tokio::test]
async fn a_user_level_app_reads_only_its_own_user_and_gets_code_200_for_others() {
    let z = Zoom::start(
        &SCENARIO.replace("  client_id: cid", "  scopes: [user:read, user:read:settings]\n  client_id: cid"),
    )
    .await;
    let t = z.token().await;
    assert_eq!(z.get("/v2/users/me", &t).await.0, 200);
    assert_eq!(z.get("/v2/users/nora@acme.example/settings", &t).await.0, 200, "nora is the account owner");
    let (status, body, _) = z.get("/v2/users/sam@acme.example", &t).await;
    assert_eq!((status, body), (400, json!({ "code": 200, "message": "No permission." })));
}
