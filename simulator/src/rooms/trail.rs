//! The join logic: given a room and who the bot is, the state trail it goes through.
//! Pure, so every path is easy to test and repeatable.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::scenario::rooms::{LobbyBypass, PermissionAnswer, RoomSpec};
use crate::tenant::Tenant;

/// The meeting platform behind a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomProvider {
    /// Zoom.
    Zoom,
    /// Microsoft Teams.
    Teams,
    /// Google Meet.
    Meet,
    /// Webex.
    Webex,
    /// Not a meeting link.
    Unknown,
}

/// One state of the bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// State name.
    pub state: String,
    /// Sub-code of a `fatal` state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_code: Option<String>,
    /// Virtual time.
    pub at: DateTime<Utc>,
}

/// Everything the join depends on.
#[derive(Debug, Clone)]
pub struct JoinContext {
    /// The room (scenario entry or default).
    pub room: RoomSpec,
    /// Platform.
    pub provider: RoomProvider,
    /// Meeting number or code.
    pub meeting_id: Option<String>,
    /// Zoom: the host's "record to computer files", when the account knows the host.
    pub host_local_recording: Option<bool>,
    /// Zoom: waiting room from the meeting's or host's settings.
    pub zoom_waiting_room: bool,
    /// Zoom: the recorder's app is installed (auto-grants local recording).
    pub zoom_app_installed: bool,
    /// Zoom: participants may join before the host (meeting or host setting).
    pub zoom_join_before_host: bool,
}

/// What the join produced.
#[derive(Debug, Clone)]
pub struct BotJoin {
    /// Platform.
    pub provider: RoomProvider,
    /// Meeting number or code.
    pub meeting_id: Option<String>,
    /// States, in order.
    pub trail: Vec<Step>,
    /// `local`, `bot` or `none`.
    pub recording_mode: &'static str,
}

/// Platform and meeting id of a link.
pub fn classify(link: &str) -> (RoomProvider, Option<String>) {
    let rest = link.trim().trim_start_matches("https://").trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let seg = |i: usize| path.split('/').nth(i).filter(|s| !s.is_empty()).map(str::to_string);
    if host == "zoom.us" || host.ends_with(".zoom.us") {
        let id = match seg(0).as_deref() {
            Some("j") | Some("w") | Some("my") => seg(1),
            _ => None,
        };
        (RoomProvider::Zoom, id)
    } else if host == "teams.microsoft.com" || host == "teams.live.com" {
        let id = match seg(0).as_deref() {
            Some("meet") => seg(1),
            Some("l") => seg(2),
            _ => None,
        };
        (RoomProvider::Teams, id)
    } else if host == "meet.google.com" {
        (RoomProvider::Meet, seg(0))
    } else if host.ends_with(".webex.com") {
        let mtid = link.split("MTID=").nth(1).map(|s| s.split('&').next().unwrap_or_default().to_string());
        (RoomProvider::Webex, mtid.or_else(|| seg(1)))
    } else {
        (RoomProvider::Unknown, None)
    }
}

impl JoinContext {
    /// The room behind `link` in tenant `t`, with the Zoom facts that shape a Zoom join.
    pub fn for_tenant(t: &Tenant, link: &str) -> Self {
        let (provider, meeting_id) = classify(link);
        let room = t
            .scenario
            .rooms
            .iter()
            .find(|r| {
                r.link.value.trim() == link.trim()
                    || (provider == RoomProvider::Zoom
                        && meeting_id.is_some()
                        && classify(&r.link.value) == (provider, meeting_id.clone()))
            })
            .cloned()
            .unwrap_or_else(|| RoomSpec::for_link(link));
        let mut ctx = JoinContext {
            room,
            provider,
            meeting_id: meeting_id.clone(),
            host_local_recording: None,
            zoom_waiting_room: false,
            zoom_app_installed: false,
            zoom_join_before_host: true,
        };
        if let (RoomProvider::Zoom, Some(zoom)) = (provider, &t.scenario.zoom) {
            ctx.zoom_app_installed = zoom.recorder_app_installed;
            if let Some(m) = zoom.meetings.iter().find(|m| Some(m.id.value.trim()) == meeting_id.as_deref()) {
                let host = zoom.users.iter().find(|u| u.email.value.eq_ignore_ascii_case(m.host.value.trim()));
                ctx.host_local_recording = host.map(|h| h.local_recording);
                ctx.zoom_waiting_room = m.waiting_room.or(host.map(|h| h.waiting_room)).unwrap_or(false);
                ctx.zoom_join_before_host = m.join_before_host.or(host.map(|h| h.join_before_host)).unwrap_or(false);
            }
        }
        ctx
    }
}

/// The trail of a bot named `bot_name` joining at `now`.
pub fn join(ctx: &JoinContext, _bot_name: &str, authenticated: bool, now: DateTime<Utc>) -> BotJoin {
    let mut trail = vec![];
    let step = |trail: &mut Vec<Step>, state: &str| trail.push(Step { state: state.into(), sub_code: None, at: now });
    let fatal = |mut trail: Vec<Step>, code: &str| {
        trail.push(Step { state: "fatal".into(), sub_code: Some(code.into()), at: now });
        trail
    };
    let done = |trail: Vec<Step>, mode: &'static str| BotJoin {
        provider: ctx.provider,
        meeting_id: ctx.meeting_id.clone(),
        trail,
        recording_mode: mode,
    };
    let room = &ctx.room;
    step(&mut trail, "joining");
    if !room.exists || ctx.provider == RoomProvider::Unknown {
        return done(fatal(trail, "meeting_not_found"), "none");
    }
    // Waiting in a waiting room or lobby until someone admits the bot.
    let wait = |mut trail: Vec<Step>| -> Result<Vec<Step>, Vec<Step>> {
        trail.push(Step { state: "waiting_room".into(), sub_code: None, at: now });
        if !room.host_present {
            return Err(fatal(trail, "waiting_room_timeout_exceeded"));
        }
        if !room.admit {
            return Err(fatal(trail, "request_to_join_denied"));
        }
        Ok(trail)
    };
    match ctx.provider {
        RoomProvider::Zoom => {
            // Before the host arrives, a meeting without join-before-host keeps everyone
            // waiting; a host who never comes times the bot out.
            if !room.host_present && !ctx.zoom_join_before_host {
                step(&mut trail, "waiting_room");
                return done(fatal(trail, "waiting_room_timeout_exceeded"), "none");
            }
            if room.waiting_room || ctx.zoom_waiting_room {
                trail = match wait(trail) {
                    Ok(t) => t,
                    Err(t) => return done(t, "none"),
                };
            }
            step(&mut trail, "in_call_not_recording");
            if ctx.host_local_recording == Some(false) {
                return done(fatal(trail, "local_recording_disabled"), "none");
            }
            let answer = if ctx.zoom_app_installed { PermissionAnswer::Grant } else { room.recording_permission };
            match answer {
                PermissionAnswer::Grant => {
                    step(&mut trail, "recording_permission_allowed");
                    step(&mut trail, "in_call_recording");
                    done(trail, "local")
                }
                PermissionAnswer::Deny => {
                    step(&mut trail, "recording_permission_denied");
                    done(fatal(trail, "host_denied_permission"), "none")
                }
                PermissionAnswer::NoAnswer => done(fatal(trail, "recording_permission_timeout"), "none"),
            }
        }
        RoomProvider::Teams | RoomProvider::Webex | RoomProvider::Meet => {
            if !authenticated {
                if !room.anonymous_join {
                    return done(fatal(trail, "login_required"), "none");
                }
                if room.captcha && ctx.provider != RoomProvider::Meet {
                    return done(fatal(trail, "blocked_by_captcha"), "none");
                }
            }
            let lobby = match ctx.provider {
                // Meet asks the host to let every outside joiner in.
                RoomProvider::Meet => !authenticated || room.waiting_room,
                RoomProvider::Teams => match room.lobby_bypass {
                    LobbyBypass::Everyone => false,
                    LobbyBypass::Organization => !authenticated,
                    LobbyBypass::Invited | LobbyBypass::Organizer => true,
                },
                _ => room.waiting_room,
            };
            if lobby {
                trail = match wait(trail) {
                    Ok(t) => t,
                    Err(t) => return done(t, "none"),
                };
            }
            step(&mut trail, "in_call_not_recording");
            step(&mut trail, "in_call_recording");
            done(trail, "bot")
        }
        RoomProvider::Unknown => done(fatal(trail, "meeting_not_found"), "none"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(j: &BotJoin) -> String {
        j.trail
            .iter()
            .map(|s| match &s.sub_code {
                Some(c) => format!("{}({c})", s.state),
                None => s.state.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn check(link: &str, edit: impl Fn(&mut JoinContext), authenticated: bool, expected: &str) {
        let (provider, meeting_id) = classify(link);
        let mut ctx = JoinContext {
            room: RoomSpec::for_link(link),
            provider,
            meeting_id,
            host_local_recording: None,
            zoom_waiting_room: false,
            zoom_app_installed: false,
            zoom_join_before_host: true,
        };
        edit(&mut ctx);
        assert_eq!(labels(&join(&ctx, "Recorder", authenticated, Utc::now())), expected, "{link}");
    }

    #[test]
    fn trails() {
        let zoom = "https://zoom.us/j/81234567890?pwd=x";
        let teams = "https://teams.microsoft.com/meet/2345678901234?p=AbC";
        check(zoom, |_| {}, false, "joining, in_call_not_recording, recording_permission_allowed, in_call_recording");
        check(
            zoom,
            |c| c.room.recording_permission = PermissionAnswer::Deny,
            false,
            "joining, in_call_not_recording, recording_permission_denied, fatal(host_denied_permission)",
        );
        check(
            zoom,
            |c| {
                c.room.recording_permission = PermissionAnswer::Deny;
                c.zoom_app_installed = true
            },
            false,
            "joining, in_call_not_recording, recording_permission_allowed, in_call_recording",
        );
        check(
            zoom,
            |c| c.room.recording_permission = PermissionAnswer::NoAnswer,
            false,
            "joining, in_call_not_recording, fatal(recording_permission_timeout)",
        );
        check(
            zoom,
            |c| c.host_local_recording = Some(false),
            false,
            "joining, in_call_not_recording, fatal(local_recording_disabled)",
        );
        check(
            zoom,
            |c| {
                c.room.waiting_room = true;
                c.room.admit = false
            },
            false,
            "joining, waiting_room, fatal(request_to_join_denied)",
        );
        check(
            zoom,
            |c| {
                c.zoom_waiting_room = true;
                c.room.host_present = false
            },
            false,
            "joining, waiting_room, fatal(waiting_room_timeout_exceeded)",
        );
        check(zoom, |c| c.room.exists = false, false, "joining, fatal(meeting_not_found)");
        check(
            zoom,
            |c| {
                c.room.host_present = false;
                c.zoom_join_before_host = false
            },
            false,
            "joining, waiting_room, fatal(waiting_room_timeout_exceeded)",
        );
        check(
            zoom,
            |c| c.room.host_present = false,
            false,
            "joining, in_call_not_recording, recording_permission_allowed, in_call_recording",
        );
        check(teams, |c| c.room.captcha = true, false, "joining, fatal(blocked_by_captcha)");
        check(teams, |c| c.room.captcha = true, true, "joining, in_call_not_recording, in_call_recording");
        check(teams, |c| c.room.anonymous_join = false, false, "joining, fatal(login_required)");
        check(
            teams,
            |c| {
                c.room.lobby_bypass = LobbyBypass::Organization;
                c.room.admit = false
            },
            false,
            "joining, waiting_room, fatal(request_to_join_denied)",
        );
        check(
            teams,
            |c| {
                c.room.lobby_bypass = LobbyBypass::Organizer;
                c.room.admit = true
            },
            true,
            "joining, waiting_room, in_call_not_recording, in_call_recording",
        );
        check(
            "https://meet.google.com/abc-defg-hij",
            |_| {},
            false,
            "joining, waiting_room, in_call_not_recording, in_call_recording",
        );
        check(
            "https://meet.google.com/abc-defg-hij",
            |c| c.room.anonymous_join = false,
            false,
            "joining, fatal(login_required)",
        );
        check(
            "https://acme.webex.com/meet/nora",
            |c| c.room.captcha = true,
            false,
            "joining, fatal(blocked_by_captcha)",
        );
        check("https://example.com/x", |_| {}, false, "joining, fatal(meeting_not_found)");
    }
}
