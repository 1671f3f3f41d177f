//! Meeting rooms over real HTTP: joining is per tenant, the trail follows the room, and
//! sessions can be read back.

use serde_json::{Value, json};
use simulator::Simulator;

const SCENARIO: &str = r#"
name: rooms
seed: 3
clock: 2025-03-10T09:00:00Z
zoom:
  recorder_app_installed: false
  users:
    - email: nora@acme.example
      local_recording: false
  meetings:
    - id: "81234567890"
      host: nora@acme.example
rooms:
  - link: https://teams.microsoft.com/meet/2345678901234?p=AbC
    captcha: true
    participants:
      - display_name: Nora N. (iPhone)
    consent_declined: [buyer@globex.example]
"#;

async fn join(base: &str, link: &str, authenticated: bool) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{base}/rooms/join"))
        .json(&json!({ "link": link, "bot_name": "Acme Notetaker", "authenticated": authenticated }))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn trail(session: &Value) -> Vec<String> {
    session["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| match s["sub_code"].as_str() {
            Some(c) => format!("{}({c})", s["state"].as_str().unwrap()),
            None => s["state"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn bots_join_rooms_per_tenant_and_meet_what_the_scenario_describes() {
    let sim = Simulator::default();
    sim.load(simulator::scenario::parse("t", SCENARIO).unwrap()).unwrap();
    let server = sim.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("{}/t/rooms", server.base_url());

    let (status, s) = join(&base, "https://teams.microsoft.com/meet/2345678901234?p=AbC", false).await;
    assert_eq!(status, 200);
    assert_eq!(trail(&s), ["joining", "fatal(blocked_by_captcha)"]);
    assert_eq!((s["provider"].as_str(), s["bot_name"].as_str()), (Some("teams"), Some("Acme Notetaker")));
    assert_eq!(s["participants"][0]["display_name"], "Nora N. (iPhone)");
    assert_eq!(s["consent_declined"], json!(["buyer@globex.example"]));

    let (_, s) = join(&base, "https://teams.microsoft.com/meet/2345678901234?p=AbC", true).await;
    assert_eq!(trail(&s), ["joining", "in_call_not_recording", "in_call_recording"]);

    // The Zoom host turned "record to computer files" off: the bot cannot record locally.
    let (_, s) = join(&base, "https://us02web.zoom.us/j/81234567890?pwd=x", false).await;
    assert_eq!(trail(&s), ["joining", "in_call_not_recording", "fatal(local_recording_disabled)"]);

    let id = s["session_id"].as_str().unwrap();
    let again: Value = reqwest::get(format!("{base}/rooms/sessions/{id}")).await.unwrap().json().await.unwrap();
    assert_eq!(again["trail"], s["trail"]);

    let unpinned = reqwest::Client::new()
        .post(format!("{}/rooms/join", server.base_url()))
        .json(&json!({ "link": "https://meet.google.com/abc-defg-hij" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unpinned.status().as_u16(), 400);
    let journal = sim.journal(&simulator::JournalFilter { path: Some("/rooms/join".into()), ..Default::default() });
    assert_eq!(journal.len(), 4);
    assert_eq!(journal[0].provider, "rooms");
}
