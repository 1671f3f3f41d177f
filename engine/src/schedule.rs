//! After each sync: decide every imported meeting, then send the bot to meetings that
//! have started (or mark native recording started). Zoom facts are gathered first, over
//! HTTP, so the decision itself stays pure.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::bot::{BotClient, BotState};
use crate::links::ConferenceProvider;
use crate::recording::{self, MeetingFacts, Outcome, RecordingDecision, ZoomFacts};
use crate::settings::CompanySettings;
use crate::store::SyncState;
use crate::zoom::ZoomClient;

/// Gathers what Zoom says about the host and the meeting behind a Zoom link.
async fn zoom_facts(zoom: &ZoomClient, host: &str, meeting_id: Option<&str>) -> ZoomFacts {
    let mut facts = ZoomFacts::default();
    match zoom.user(host).await {
        Ok(Some(user)) => {
            match zoom.recording_settings(&user.id).await {
                Ok(s) => facts.host_settings = s,
                Err(e) => facts.error = Some(e.to_string()),
            }
            facts.host_user = Some(user);
        }
        Ok(None) => {}
        Err(e) => facts.error = Some(e.to_string()),
    }
    if let Some(id) = meeting_id {
        match zoom.meeting(id).await {
            Ok(m) => facts.meeting = m,
            Err(e) => facts.error = facts.error.take().or(Some(e.to_string())),
        }
    }
    facts
}

/// Decides every meeting not yet settled; returns the new decisions by meeting UID.
pub(crate) async fn decide_all(
    state: &SyncState,
    zoom: Option<&ZoomClient>,
    settings: &CompanySettings,
) -> BTreeMap<String, RecordingDecision> {
    let mut out = BTreeMap::new();
    for (uid, meeting) in &state.meetings {
        if state.decisions.get(uid).is_some_and(RecordingDecision::settled) {
            continue;
        }
        let link = recording::conference_link(meeting, settings.recording.unwrap_links);
        let facts = match (zoom, &link) {
            (Some(z), Some(l)) if l.provider == ConferenceProvider::Zoom => {
                Some(zoom_facts(z, &meeting.event.organizer, l.meeting_id.as_deref()).await)
            }
            _ => None,
        };
        let decision =
            recording::decide(MeetingFacts { meeting, access: &state.members, zoom: facts.as_ref() }, settings);
        out.insert(uid.clone(), decision);
    }
    out
}

/// Sends the bot to every `record_bot` meeting that has started and marks native
/// recordings started; returns the decisions that changed.
pub(crate) async fn attend(
    decisions: &BTreeMap<String, RecordingDecision>,
    bot: Option<&BotClient>,
    settings: &CompanySettings,
    now: DateTime<Utc>,
) -> Vec<RecordingDecision> {
    let mut changed = Vec::new();
    for d in decisions.values().filter(|d| !d.settled() && d.start <= now) {
        let mut d = d.clone();
        match d.outcome {
            Outcome::RecordNative => {
                d.trail.push(BotState { state: "native_recording_started".into(), sub_code: None, at: now });
            }
            Outcome::RecordBot => {
                let (Some(bot), Some(plan)) = (bot, d.bot.clone()) else { continue };
                match bot.join(&plan.link, &plan.name, plan.authenticated).await {
                    Ok(session) => recording::apply_join(&mut d, &session, settings),
                    Err(e) => {
                        d.trail.push(BotState {
                            state: "fatal".into(),
                            sub_code: Some("room_unreachable".into()),
                            at: now,
                        });
                        d.outcome = Outcome::NotRecorded;
                        d.reason = Some(recording::Reason::BotFailed);
                        d.detail = Some(e.to_string());
                    }
                }
            }
            Outcome::NotRecorded => continue,
        }
        changed.push(d);
    }
    changed
}
