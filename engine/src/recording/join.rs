//! Applying the bot's join to a decision: the state trail becomes the decision's
//! history, and a fatal state, a denied permission or a declined consent becomes the
//! reason the meeting was not recorded (REC-13, REC-15, REC-16, REC-17).

use super::{Outcome, Reason, RecordingDecision};
use crate::bot::BotSession;
use crate::settings::CompanySettings;

/// Records what happened when the bot joined.
pub fn apply_join(d: &mut RecordingDecision, session: &BotSession, settings: &CompanySettings) {
    d.trail = session.trail.clone();
    // REC-16: a display name that matches no team member cannot be attributed. People
    // the meeting knows by an outside address are guests, not unmatched members.
    for p in &session.participants {
        let matched = settings.team.iter().any(|m| m.display_name().eq_ignore_ascii_case(p.display_name.trim()));
        let guest = p.email.as_deref().is_some_and(|e| settings.member(e).is_none());
        if !matched && !guest {
            d.find("participant_unmatched", p.display_name.clone());
        }
    }
    if session.state == "fatal" {
        let sub = session.sub_code.clone().unwrap_or_default();
        let reason = match sub.as_str() {
            "blocked_by_captcha" => Reason::BotBlockedCaptcha,
            "login_required" | "request_to_join_denied" | "waiting_room_timeout_exceeded" => Reason::BotBlockedLobby,
            "host_denied_permission" | "recording_permission_timeout" => Reason::RecordingPermissionDenied,
            "local_recording_disabled" => Reason::LocalRecordingDisabled,
            "meeting_not_found" => Reason::MeetingNotFound,
            _ => Reason::BotFailed,
        };
        d.outcome = Outcome::NotRecorded;
        d.reason = Some(reason);
        d.detail = Some(sub);
        return;
    }
    // REC-13: anyone choosing "join but don't record" stops the recording.
    let enforce = d.owner.as_deref().and_then(|o| settings.member(o)).is_some_and(|m| m.consent.enforce);
    if !session.consent_declined.is_empty() && (enforce || settings.recording.consent_page) {
        d.outcome = Outcome::NotRecorded;
        d.reason = Some(Reason::ConsentDeclined);
        d.detail = Some(session.consent_declined.join(", "));
    }
}
