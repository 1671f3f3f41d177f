//! A Google Workspace tenant's live state: directory, calendars and the service account's
//! delegation grant, built from a scenario and changed by timeline actions.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::RngCore;

use super::keys::ServiceAccount;
use crate::scenario::{Action, AppAccess, Event, GoogleWorkspace, Group};

/// An org unit with its generated id.
#[derive(Debug, Clone)]
pub struct OrgUnit {
    /// Path, `/Sales/NA`.
    pub path: String,
    /// `id:03ph8a2z…`.
    pub id: String,
}

/// A directory user.
#[derive(Debug, Clone)]
pub struct DirectoryUser {
    /// Numeric id (21 digits).
    pub id: String,
    /// Primary email.
    pub email: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Org unit path.
    pub org_unit: String,
    /// Super admin.
    pub admin: bool,
    /// Suspended.
    pub suspended: bool,
}

/// A calendar and its events.
#[derive(Debug, Clone)]
pub struct CalendarRecord {
    /// Calendar id: the owner's email for a primary calendar, `…@group.calendar.google.com` otherwise.
    pub id: String,
    /// Owner's email.
    pub owner: String,
    /// Display name.
    pub summary: String,
    /// Primary calendar of its owner.
    pub primary: bool,
    /// Events on it.
    pub events: Vec<EventRecord>,
}

/// An event as stored, with the server-side fields Calendar adds.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// Event id (shared by the copies on invitees' calendars).
    pub id: String,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Last modification time.
    pub updated: DateTime<Utc>,
    /// Incremented on each change.
    pub sequence: u32,
    /// The tenant-wide change number of its last change (sync tokens replay from here).
    pub changed: u64,
    /// Cancelled (deleted): listed only with `showDeleted` or in incremental sync.
    pub cancelled: bool,
    /// The event itself.
    pub event: Event,
}

/// A stored mail message with the ids Gmail gives it.
#[derive(Debug, Clone)]
pub struct MessageRecord {
    /// Message id (16 hex digits).
    pub id: String,
    /// Thread id.
    pub thread_id: String,
    /// History id at which it was added.
    pub history_id: u64,
    /// The message.
    pub message: crate::scenario::Message,
}

/// A user's mailbox.
#[derive(Debug, Clone)]
pub struct Mailbox {
    /// Owner.
    pub owner: String,
    /// Gmail licence (mail service enabled).
    pub licensed: bool,
    /// Messages, oldest first.
    pub messages: Vec<MessageRecord>,
    /// Oldest history id still available (older `startHistoryId` → 404).
    pub first_history_id: u64,
    /// Current history id.
    pub history_id: u64,
}

/// The recorder's web OAuth client.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Allowed redirect URIs (any when empty).
    pub redirect_uris: Vec<String>,
}

/// Everything the fake Google knows about one tenant.
#[derive(Debug, Clone)]
pub struct GoogleState {
    /// Primary domain.
    pub domain: String,
    /// Customer id.
    pub customer_id: String,
    /// Org units, `/` first.
    pub org_units: Vec<OrgUnit>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Users, in scenario order.
    pub users: Vec<DirectoryUser>,
    /// Every calendar.
    pub calendars: Vec<CalendarRecord>,
    /// Delegation grant.
    pub access: AppAccess,
    /// The recorder's service account.
    pub service_account: ServiceAccount,
    /// Last change number handed out (events' `changed`, sync tokens' position).
    pub change_seq: u64,
    /// Bumped to invalidate every outstanding sync token (410 `fullSyncRequired`).
    pub sync_epoch: u32,
    /// The tenant's key for signing Calendar sync tokens.
    pub sync_secret: [u8; 32],
    /// Mailboxes, one per user.
    pub mailboxes: Vec<Mailbox>,
    /// The recorder's web OAuth client.
    pub oauth_client: OAuthClient,
    /// Users' consent answers and partial-consent scopes.
    pub consent: std::collections::HashMap<String, (crate::scenario::spec::ConsentAnswer, Option<Vec<String>>)>,
    /// Addresses of deleted users (their impersonation answers "The account has been deleted").
    pub deleted: BTreeSet<String>,
    /// Deleted users' records, with when they were deleted (`showDeleted=true`).
    pub deleted_users: Vec<(DirectoryUser, DateTime<Utc>)>,
    /// Answers for poorly documented cases.
    pub quirks: crate::scenario::spec::GoogleQuirks,
    /// The service account's OAuth client is disabled.
    pub client_disabled: bool,
}

/// Why an impersonation is refused at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImpersonationRefusal {
    /// No such user.
    UnknownUser,
    /// The user was deleted.
    Deleted,
    /// The user is suspended.
    Suspended,
    /// The user is outside every trusted org unit and group.
    OutsideTrustedScope,
    /// A requested scope is not granted.
    ScopeNotGranted(String),
}

impl GoogleState {
    /// Builds the live state from a checked scenario tenant.
    /// Events and messages are moved in, not copied: a 200,000-event tenant is held once.
    pub fn build(mut ws: GoogleWorkspace, seed: u64, tenant: &str, rng: &mut ChaCha8Rng, start: DateTime<Utc>) -> Self {
        let customer_id = ws.customer_id.clone().unwrap_or_else(|| format!("C0{}", alnum(rng, 7)));
        let org_units = ws
            .org_units
            .iter()
            .map(|p| OrgUnit { path: p.clone(), id: format!("id:03ph8a2z{}", alnum(rng, 6).to_lowercase()) })
            .collect();
        let users: Vec<DirectoryUser> = ws
            .users
            .iter()
            .map(|u| DirectoryUser {
                id: format!("1{}", digits(rng, 20)),
                email: u.email.clone(),
                given_name: u.given_name.clone(),
                family_name: u.family_name.clone(),
                org_unit: u.org_unit.clone(),
                admin: u.admin,
                suspended: u.suspended,
            })
            .collect();
        let mut calendars = Vec::new();
        for u in &mut ws.users {
            for cal in &mut u.calendars {
                let id =
                    if cal.primary { u.email.clone() } else { format!("c_{}@group.calendar.google.com", hex(rng, 16)) };
                let events = std::mem::take(&mut cal.events)
                    .into_iter()
                    .map(|mut event| {
                        // The gateway rewrote the link before it reached the calendar.
                        if let (Some(link), Some(wrapper)) = (&event.conference, event.wrapped_by) {
                            event.conference = Some(crate::links::wrap(link, wrapper, rng));
                        }
                        EventRecord {
                            id: event_id(rng),
                            created: start,
                            updated: start,
                            sequence: 0,
                            changed: 0,
                            cancelled: false,
                            event,
                        }
                    })
                    .collect();
                calendars.push(CalendarRecord {
                    id,
                    owner: u.email.clone(),
                    summary: cal.summary.clone(),
                    primary: cal.primary,
                    events,
                });
            }
        }
        // An invitation lands on every invited user's primary calendar with the same id,
        // as in Google Calendar; engines that import several members must dedupe it.
        // Indexed, so a 10,000-user tenant with 200,000 events builds in linear time: copies
        // are planned as (target calendar, source calendar, source event) and each record is
        // cloned once, straight into its target.
        let primary_of: std::collections::HashMap<&str, usize> =
            calendars.iter().enumerate().filter(|(_, c)| c.primary).map(|(i, c)| (c.owner.as_str(), i)).collect();
        let mut planned: std::collections::HashSet<(usize, usize, usize)> = std::collections::HashSet::new();
        let mut copies: Vec<(usize, usize, usize)> = Vec::new();
        for (source, cal) in calendars.iter().enumerate().filter(|(_, c)| c.primary) {
            for (index, rec) in cal.events.iter().enumerate() {
                for a in &rec.event.attendees {
                    if a.email != cal.owner
                        && let Some(&target) = primary_of.get(a.email.as_str())
                        && planned.insert((target, source, index))
                    {
                        copies.push((target, source, index));
                    }
                }
            }
        }
        for (target, source, index) in copies {
            let rec = calendars[source].events[index].clone();
            calendars[target].events.push(rec);
        }
        GoogleState {
            domain: ws.domain.clone(),
            customer_id,
            org_units,
            groups: ws.groups.clone(),
            users,
            calendars,
            access: ws.app_access.clone(),
            change_seq: 0,
            sync_epoch: 0,
            sync_secret: {
                let mut secret = [0u8; 32];
                crate::tenant::identity_rng(seed, tenant, "calendar sync tokens").fill_bytes(&mut secret);
                secret
            },
            oauth_client: match &ws.oauth_client {
                Some(c) => OAuthClient {
                    client_id: c.client_id.clone(),
                    client_secret: c.client_secret.clone(),
                    redirect_uris: c.redirect_uris.clone(),
                },
                None => {
                    let rng = &mut crate::tenant::identity_rng(seed, tenant, "google oauth client");
                    OAuthClient {
                        client_id: format!("{}-{}.apps.googleusercontent.com", digits(rng, 12), alnum(rng, 32)),
                        client_secret: format!("GOCSPX-{}", alnum(rng, 28)),
                        redirect_uris: vec![],
                    }
                }
            },
            deleted: BTreeSet::new(),
            deleted_users: Vec::new(),
            quirks: ws.quirks.clone(),
            client_disabled: ws.client_disabled,
            consent: ws.users.iter().map(|u| (u.email.clone(), (u.consent, u.consent_scopes.clone()))).collect(),
            mailboxes: ws
                .users
                .iter_mut()
                .map(|u| {
                    let first = 1000 + (rng.next_u32() % 9000) as u64;
                    let mut history_id = first;
                    let messages = std::mem::take(&mut u.mail)
                        .into_iter()
                        .map(|message| {
                            history_id += 1;
                            let id = hex(rng, 16);
                            MessageRecord { thread_id: id.clone(), id, history_id, message }
                        })
                        .collect();
                    Mailbox { owner: u.email.clone(), licensed: u.gmail, messages, first_history_id: first, history_id }
                })
                .collect(),
            service_account: ServiceAccount::generate(seed, tenant, ws.app_access.client_id.as_deref()),
        }
    }

    /// The user with this primary email (case-insensitive).
    pub fn user(&self, email: &str) -> Option<&DirectoryUser> {
        self.users.iter().find(|u| u.email.eq_ignore_ascii_case(email))
    }

    /// Whether the service account may act as `email` with `scopes`; `Ok` means a token
    /// may be issued.
    pub fn may_impersonate(&self, email: &str, scopes: &[String]) -> Result<(), ImpersonationRefusal> {
        if self.deleted.contains(&email.to_ascii_lowercase()) {
            return Err(ImpersonationRefusal::Deleted);
        }
        let user = self.user(email).ok_or(ImpersonationRefusal::UnknownUser)?;
        if user.suspended {
            return Err(ImpersonationRefusal::Suspended);
        }
        self.check_scopes(scopes)?;
        if !self.is_trusted(user) {
            return Err(ImpersonationRefusal::OutsideTrustedScope);
        }
        Ok(())
    }

    /// Every requested scope must be granted.
    pub fn check_scopes(&self, scopes: &[String]) -> Result<(), ImpersonationRefusal> {
        match scopes.iter().find(|s| !self.access.scopes.contains(*s)) {
            Some(missing) => Err(ImpersonationRefusal::ScopeNotGranted(missing.clone())),
            None => Ok(()),
        }
    }

    /// A user is trusted when the grant covers the whole domain, their org unit is (under)
    /// a trusted one, or they belong to a trusted group.
    pub fn is_trusted(&self, user: &DirectoryUser) -> bool {
        let in_ou = match &self.access.trusted_org_units {
            None => true,
            Some(list) => {
                list.iter().any(|ou| ou == "/" || user.org_unit == *ou || user.org_unit.starts_with(&format!("{ou}/")))
            }
        };
        in_ou
            || self
                .access
                .trusted_groups
                .iter()
                .any(|g| self.groups.iter().any(|gr| &gr.email == g && gr.members.contains(&user.email)))
    }

    /// Calendars owned by `email`, primary first.
    pub fn calendars_of<'a>(&'a self, email: &'a str) -> impl Iterator<Item = &'a CalendarRecord> + 'a {
        self.calendars.iter().filter(move |c| c.owner.eq_ignore_ascii_case(email))
    }

    /// Applies a directory or grant change; `Ok` carries a one-line description.
    pub fn apply(&mut self, action: &Action, at: DateTime<Utc>, rng: &mut ChaCha8Rng) -> Result<String, String> {
        match action {
            Action::MoveUser { email, org_unit } => {
                if !self.org_units.iter().any(|o| &o.path == org_unit) {
                    return Err(format!("org unit `{org_unit}` does not exist"));
                }
                let user = self.users.iter_mut().find(|u| &u.email == email).ok_or(format!("no user {email}"))?;
                let from = std::mem::replace(&mut user.org_unit, org_unit.clone());
                Ok(format!("moved {email} from {from} to {org_unit}"))
            }
            Action::SuspendUser(email) | Action::UnsuspendUser(email) => {
                let suspend = matches!(action, Action::SuspendUser(_));
                let user = self.users.iter_mut().find(|u| &u.email == email).ok_or(format!("no user {email}"))?;
                user.suspended = suspend;
                Ok(format!("{} {email}", if suspend { "suspended" } else { "reactivated" }))
            }
            Action::RevokeScope(scope) => {
                self.access.scopes.remove(scope);
                Ok(format!("revoked scope {scope}"))
            }
            Action::GrantScope(scope) => {
                self.access.scopes.insert(scope.clone());
                Ok(format!("granted scope {scope}"))
            }
            Action::TrustOrgUnits(list) => {
                if let Some(missing) = list.iter().find(|p| !self.org_units.iter().any(|o| &o.path == *p)) {
                    return Err(format!("org unit `{missing}` does not exist"));
                }
                self.access.trusted_org_units = Some(list.clone());
                Ok(format!("app access now trusted for {}", list.join(", ")))
            }
            Action::UpdateEvent { owner, title, start, conference } => {
                let ids = self.event_ids(owner, title)?;
                self.change_seq += 1;
                let seq = self.change_seq;
                // Every copy (organizer's and invitees') changes together, as in Calendar.
                for rec in self.calendars.iter_mut().flat_map(|c| c.events.iter_mut()).filter(|e| ids.contains(&e.id)) {
                    rec.changed = seq;
                    if let Some(new_start) = start {
                        let length = rec.event.end - rec.event.start;
                        rec.event.start = *new_start;
                        rec.event.end = *new_start + length;
                    }
                    if let Some(link) = conference {
                        rec.event.conference = Some(link.clone());
                    }
                    rec.sequence += 1;
                    rec.updated = at;
                }
                Ok(format!("updated {title:?} of {owner}"))
            }
            Action::CancelEvent { owner, title } => {
                let ids = self.event_ids(owner, title)?;
                self.change_seq += 1;
                let seq = self.change_seq;
                for rec in self.calendars.iter_mut().flat_map(|c| c.events.iter_mut()).filter(|e| ids.contains(&e.id)) {
                    rec.cancelled = true;
                    rec.changed = seq;
                    rec.sequence += 1;
                    rec.updated = at;
                }
                Ok(format!("cancelled {title:?} of {owner}"))
            }
            Action::AddEvent { owner, event } => {
                if self.user(owner).is_none() {
                    return Err(format!("no user {owner}"));
                }
                self.change_seq += 1;
                let mut event = (**event).clone();
                if let (Some(link), Some(wrapper)) = (&event.conference, event.wrapped_by) {
                    event.conference = Some(crate::links::wrap(link, wrapper, rng));
                }
                let rec = EventRecord {
                    id: event_id(rng),
                    created: at,
                    updated: at,
                    sequence: 0,
                    changed: self.change_seq,
                    cancelled: false,
                    event,
                };
                let mut holders: Vec<String> = vec![owner.clone()];
                for a in &rec.event.attendees {
                    if self.user(&a.email).is_some() && !holders.contains(&a.email) {
                        holders.push(a.email.clone());
                    }
                }
                for cal in self.calendars.iter_mut().filter(|c| c.primary && holders.contains(&c.owner)) {
                    cal.events.push(rec.clone());
                }
                Ok(format!("{owner} received {:?}", rec.event.title))
            }
            Action::Respond { attendee, owner, title, response } => {
                let ids = self.event_ids(owner, title)?;
                self.change_seq += 1;
                let seq = self.change_seq;
                let mut found = false;
                for rec in self.calendars.iter_mut().flat_map(|c| c.events.iter_mut()).filter(|e| ids.contains(&e.id)) {
                    if let Some(a) = rec.event.attendees.iter_mut().find(|a| &a.email == attendee) {
                        a.response = *response;
                        rec.changed = seq;
                        rec.updated = at;
                        found = true;
                    }
                }
                if found {
                    Ok(format!("{attendee} answered {response:?} to {title:?}"))
                } else {
                    Err(format!("{attendee} is not invited to {title:?}"))
                }
            }
            Action::DeleteUser(email) => {
                let Some(index) = self.users.iter().position(|u| &u.email == email) else {
                    return Err(format!("no user {email}"));
                };
                self.deleted_users.push((self.users.remove(index), at));
                self.deleted.insert(email.clone());
                self.calendars.retain(|c| &c.owner != email);
                self.mailboxes.retain(|m| &m.owner != email);
                Ok(format!("deleted {email}"))
            }
            Action::ExpireTokens(email) => Ok(format!("{email}'s access tokens expired")),
            Action::DeliverMail { owner, message } => {
                let mailbox =
                    self.mailboxes.iter_mut().find(|m| &m.owner == owner).ok_or(format!("no mailbox {owner}"))?;
                mailbox.history_id += 1;
                let id = hex(rng, 16);
                let subject = message.subject.clone();
                mailbox.messages.push(MessageRecord {
                    thread_id: id.clone(),
                    id,
                    history_id: mailbox.history_id,
                    message: (**message).clone(),
                });
                Ok(format!("{owner} received mail {subject:?}"))
            }
            Action::InvalidateSyncTokens => {
                self.sync_epoch += 1;
                Ok("invalidated every Calendar sync token".into())
            }
            Action::AddFault(_) | Action::RevokeUserGrants(_) => Err("not a Google Workspace data action".into()),
        }
    }

    /// Ids of the (not cancelled) events titled `title` on `owner`'s calendars.
    fn event_ids(&self, owner: &str, title: &str) -> Result<BTreeSet<String>, String> {
        let ids: BTreeSet<String> = self
            .calendars_of(owner)
            .flat_map(|c| c.events.iter())
            .filter(|e| e.event.title == title && !e.cancelled)
            .map(|e| e.id.clone())
            .collect();
        if ids.is_empty() { Err(format!("{owner} has no event titled {title:?}")) } else { Ok(ids) }
    }

    /// Scopes as a sorted list (for display).
    pub fn granted_scopes(&self) -> &BTreeSet<String> {
        &self.access.scopes
    }
}

fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + (rng.next_u32() % 10) as u8)).collect()
}

fn alnum(rng: &mut ChaCha8Rng, n: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n).map(|_| A[(rng.next_u32() as usize) % A.len()] as char).collect()
}

fn hex(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n).map(|_| format!("{:x}", rng.next_u32() % 16)).collect()
}

/// Calendar event ids use base32hex characters (a–v, 0–9).
fn event_id(rng: &mut ChaCha8Rng) -> String {
    const A: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    (0..26).map(|_| A[(rng.next_u32() as usize) % A.len()] as char).collect()
}
