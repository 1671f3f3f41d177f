//! The scenario file as written: serde types mirroring the YAML, with source spans on the
//! values that semantic checks need to point at.
//!
//! These types are deliberately close to the text (strings for times and durations,
//! short scope names) so that they can also be built in code (the harness's inline
//! Gherkin tables) and serialised back to YAML. [`super::validate`] turns them into the
//! checked [`super::Scenario`].

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// A value with its place in the source. Built in code, it has an unknown location.
pub type Sp<T> = Spanned<T>;

/// Wraps a value built in code (no source location).
pub fn sp<T>(value: T) -> Sp<T> {
    Spanned::new(value, serde_saphyr::Location::UNKNOWN, serde_saphyr::Location::UNKNOWN)
}

/// Top level of a scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Name; also the default tenant id when loaded.
    pub name: Sp<String>,
    /// What the scenario reproduces, in prose.
    #[serde(default)]
    pub description: String,
    /// Seed for every random choice (ids, tokens, keys).
    #[serde(default)]
    pub seed: u64,
    /// Virtual start time, RFC 3339.
    pub clock: Sp<String>,
    /// The Google Workspace tenant, if the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google: Option<GoogleSpec>,
    /// The Zoom account, if the scenario has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<super::zoom::ZoomSpec>,
    /// Meeting rooms a recording bot can join, by conference link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<super::rooms::RoomSpec>,
    /// The recording product's own configuration.
    #[serde(default)]
    pub company: CompanySpec,
    /// Changes applied as the virtual clock passes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineStepSpec>,
    /// Faults active from load time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultSpec>,
    /// A generated population (users, meetings, mail) expanded from the seed at load; see
    /// [`super::population`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<super::population::PopulationSpec>,
}

/// A Google Workspace tenant.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleSpec {
    /// Primary domain, e.g. `acme.example`.
    pub domain: Sp<String>,
    /// Customer id (`C0…`); generated from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Org unit paths (`/Sales/NA`); parents are created implicitly; `/` always exists.
    #[serde(default)]
    pub org_units: Vec<Sp<String>>,
    /// Groups, for group-scoped app access.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSpec>,
    /// Users of the directory.
    #[serde(default)]
    pub users: Vec<UserSpec>,
    /// What the recorder's service account may do in this tenant.
    #[serde(default)]
    pub app_access: AppAccessSpec,
    /// Choices for answers the real service documents poorly (see providers.md).
    #[serde(default)]
    pub quirks: GoogleQuirks,
    /// The recorder's web OAuth client (user-by-user connections); generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_client: Option<OAuthClientSpec>,
}

/// How the fake answers where Google's behaviour is not verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleQuirks {
    /// Impersonating a suspended user: `invalid_grant` ("Invalid email or User ID", the
    /// default) or `access_denied` ("Account restricted").
    #[serde(default)]
    pub suspended_user: SuspendedUserAnswer,
    /// Impersonating a user outside the trusted org units (domain-wide delegation):
    /// `unauthorized_client` (401, the default) or `admin_policy_enforced` (400).
    #[serde(default)]
    pub outside_trusted_org_unit: OutsideOuAnswer,
}

/// See [`GoogleQuirks::suspended_user`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspendedUserAnswer {
    /// 400 invalid_grant.
    #[default]
    InvalidGrant,
    /// 400 access_denied.
    AccessDenied,
}

/// See [`GoogleQuirks::outside_trusted_org_unit`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideOuAnswer {
    /// 401 unauthorized_client.
    #[default]
    UnauthorizedClient,
    /// 400 admin_policy_enforced.
    AdminPolicyEnforced,
}

/// A web OAuth client registered with Google.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClientSpec {
    /// Client id (`….apps.googleusercontent.com`).
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Allowed redirect URIs (any when empty).
    #[serde(default)]
    pub redirect_uris: Vec<String>,
}

/// A Google group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Group address.
    pub email: Sp<String>,
    /// Member addresses (users of the tenant).
    #[serde(default)]
    pub members: Vec<Sp<String>>,
}

/// A directory user and their calendars.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    /// Primary email.
    pub email: Sp<String>,
    /// Full name ("Ada Lovelace"); derived from the address when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Org unit path; `/` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_unit: Option<Sp<String>>,
    /// Super admin.
    #[serde(default)]
    pub admin: bool,
    /// Suspended accounts exist in the directory but cannot be impersonated.
    #[serde(default)]
    pub suspended: bool,
    /// Events on the user's primary calendar.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventSpec>,
    /// Secondary calendars the user owns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendars: Vec<CalendarSpec>,
    /// What the user answers on the OAuth consent screen (user-by-user connections).
    #[serde(default, skip_serializing_if = "ConsentAnswer::is_grant")]
    pub consent: ConsentAnswer,
    /// Partial consent: the only scopes the user ticks (all requested when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_scopes: Option<Vec<String>>,
    /// The user has a Gmail licence (mail service enabled).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub gmail: bool,
    /// Messages in the user's mailbox.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mail: Vec<MessageSpec>,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A user's answer on the OAuth consent screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAnswer {
    /// Allow.
    #[default]
    Grant,
    /// Cancel / deny.
    Deny,
}

impl ConsentAnswer {
    fn is_grant(&self) -> bool {
        *self == ConsentAnswer::Grant
    }
}

/// A mail message in a user's mailbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageSpec {
    /// Sender address.
    pub from: Sp<String>,
    /// Recipients.
    #[serde(default)]
    pub to: Vec<Sp<String>>,
    /// Copied recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Sp<String>>,
    /// Subject line.
    #[serde(default)]
    pub subject: String,
    /// When it arrived (offset from the scenario clock, usually negative, or RFC 3339).
    pub at: Sp<String>,
    /// Plain-text body.
    #[serde(default)]
    pub body: String,
    /// Gmail labels; `INBOX` (received) or `SENT` by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

/// A secondary calendar.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSpec {
    /// Display name.
    pub summary: String,
    /// Its events.
    #[serde(default)]
    pub events: Vec<EventSpec>,
}

/// A calendar event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// Title (`summary` in the API).
    pub title: String,
    /// RFC 3339 time or offset from the scenario clock (`+2h`).
    pub start: Sp<String>,
    /// Length, e.g. `45m`; 30m when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Sp<String>>,
    /// Organizer; the calendar's owner when absent. Must be a user when in the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Sp<String>>,
    /// Invitees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<AttendeeSpec>,
    /// `default`, `public`, `private` or `confidential`.
    #[serde(default)]
    pub visibility: Visibility,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Location text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Web-conference link. A Meet link becomes `hangoutLink` + `conferenceData`; any
    /// other link goes into `location` (and the description) as calendar invites carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference: Option<String>,
    /// Recurrence rule, e.g. `RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4` (RFC 5545: FREQ, INTERVAL,
    /// COUNT, UNTIL with its time, BYDAY, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Sp<String>>,
    /// A security gateway that rewrote the conference link in transit (Proofpoint, Safe
    /// Links, Mimecast, Barracuda): the calendar carries the wrapped link, generated in
    /// the gateway's real format from the scenario seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped_by: Option<crate::links::LinkWrapper>,
}

/// An invitee.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendeeSpec {
    /// Address (anyone; need not be a user).
    pub email: Sp<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Response status.
    #[serde(default)]
    pub response: ResponseStatus,
    /// Optional attendee.
    #[serde(default)]
    pub optional: bool,
}

/// Calendar visibility, as the Calendar API names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The calendar's default.
    #[default]
    Default,
    /// Public.
    Public,
    /// Private ("marked private").
    Private,
    /// Confidential.
    Confidential,
}

/// An attendee's answer, as the Calendar API names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResponseStatus {
    /// No answer yet.
    #[default]
    NeedsAction,
    /// Accepted.
    Accepted,
    /// Tentative.
    Tentative,
    /// Declined.
    Declined,
}

/// Domain-wide delegation granted to the recorder's service account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppAccessSpec {
    /// The service account's OAuth client id; generated from the seed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Granted scopes: full URLs or short names (`calendar.readonly`).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<Sp<String>>,
    /// When set, only users in these org units (or below) may be impersonated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_org_units: Option<Vec<Sp<String>>>,
    /// The service account's OAuth client was disabled by an admin (401 disabled_client).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disabled: bool,
    /// When set, users in these groups may be impersonated too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_groups: Vec<Sp<String>>,
}

impl Default for AppAccessSpec {
    fn default() -> Self {
        Self {
            client_id: None,
            scopes: default_scopes(),
            trusted_org_units: None,
            trusted_groups: vec![],
            disabled: false,
        }
    }
}

fn default_scopes() -> Vec<Sp<String>> {
    ["admin.directory.user.readonly", "calendar.readonly", "gmail.readonly"]
        .into_iter()
        .map(|s| sp(s.to_string()))
        .collect()
}

/// The recording product's configuration for this company: the one settings model the
/// engine also uses (see the `company-settings` crate for why it is shared and carries
/// no source spans).
pub type CompanySpec = company_settings::CompanySettings;

/// Where the company values that semantic checks point at are in the source: a spanned
/// shadow of `company:`, read from the same text as the [`ScenarioSpec`]. Everything
/// else is ignored here (the real parse already refused unknown fields). A spec built in
/// code has no shadow, and its diagnostics have no location, as with [`sp`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CompanyLocations {
    /// The `company:` section.
    #[serde(default)]
    pub company: CompanyShadow,
}

/// See [`CompanyLocations`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CompanyShadow {
    /// `company.google`.
    #[serde(default)]
    pub google: ConnectionShadow,
    /// `company.team`, in file order.
    #[serde(default)]
    pub team: Vec<TeamMemberShadow>,
}

/// See [`CompanyLocations`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConnectionShadow {
    /// `admin:` as written.
    #[serde(default)]
    pub admin: Option<Sp<String>>,
}

/// See [`CompanyLocations`].
#[derive(Debug, Clone, Deserialize)]
pub struct TeamMemberShadow {
    /// `email:` as written.
    pub email: Sp<String>,
}

fn yes() -> bool {
    true
}

/// A timed change. Exactly one action field must be set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineStepSpec {
    /// When: offset from the scenario clock (`+10m`) or RFC 3339. Immediate when absent
    /// (only meaningful through the admin API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Sp<String>>,
    /// Move a user to another org unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_user: Option<MoveUserSpec>,
    /// Suspend a user (by email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend_user: Option<Sp<String>>,
    /// Reactivate a suspended user (by email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsuspend_user: Option<Sp<String>>,
    /// Remove a scope from the service account's grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_scope: Option<Sp<String>>,
    /// Add a scope to the service account's grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_scope: Option<Sp<String>>,
    /// Replace the trusted org units (empty list: nobody; `["/"]`: everyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_org_units: Option<Vec<Sp<String>>>,
    /// Add a fault rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultSpec>,
    /// Change a calendar event (time, link): the organizer edits the invite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_event: Option<UpdateEventSpec>,
    /// Cancel a calendar event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_event: Option<EventRefSpec>,
    /// A new invitation arrives: an event on `owner`'s primary calendar (and invitees').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_event: Option<AddEventSpec>,
    /// An attendee answers an invitation (accepted, declined, tentative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<RespondSpec>,
    /// A message arrives in a user's mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_mail: Option<DeliverMailSpec>,
    /// Every access token of this user expires now (the next call answers 401).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_tokens: Option<Sp<String>>,
    /// A user is deleted from the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_user: Option<Sp<String>>,
    /// The user removes the recorder's access: their refresh tokens stop working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_user_grants: Option<Sp<String>>,
    /// Invalidate every Calendar sync token (`true`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invalidate_sync_tokens: bool,
}

/// Arguments of `add_event`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddEventSpec {
    /// Whose primary calendar (the organizer unless the event names another).
    pub owner: Sp<String>,
    /// The event, as under `events:`.
    pub event: EventSpec,
}

/// Arguments of `deliver_mail`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverMailSpec {
    /// Whose mailbox.
    pub owner: Sp<String>,
    /// The message, as under `mail:` (its `at` is when it was sent).
    pub message: MessageSpec,
}

/// Arguments of `respond`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RespondSpec {
    /// The attendee.
    pub attendee: Sp<String>,
    /// The calendar owner (organizer).
    pub owner: Sp<String>,
    /// The event's title.
    pub title: Sp<String>,
    /// The answer.
    pub response: ResponseStatus,
}

/// An event by its owner and title.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRefSpec {
    /// The calendar owner (organizer).
    pub owner: Sp<String>,
    /// The event's title.
    pub title: Sp<String>,
}

/// Arguments of `update_event`: the event with this title on the owner's calendars (and
/// every invitee's copy) gets a new start and/or conference link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateEventSpec {
    /// The calendar owner (organizer).
    pub owner: Sp<String>,
    /// The event's title.
    pub title: Sp<String>,
    /// New start (offset from the scenario clock or RFC 3339); length is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Sp<String>>,
    /// New conference link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference: Option<String>,
}

/// Arguments of `move_user`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveUserSpec {
    /// Who.
    pub email: Sp<String>,
    /// Destination org unit path.
    pub org_unit: Sp<String>,
}

/// A fault rule as written in a scenario (times as offsets or RFC 3339).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The fault API: `token`, `directory`, `calendar`, `gmail`, `zoom`, `zoom_token` or
    /// `rooms` (each provider module lists its own; see `providers.rs`).
    pub api: Sp<String>,
    /// Only for calls acting as this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Status to answer (400–599); 0 with `latency_ms` or `quota`.
    #[serde(default = "zero_status")]
    pub status: Sp<u16>,
    /// Provider reason, e.g. `rateLimitExceeded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `Retry-After` seconds (virtual), at most [`crate::faults::MAX_RETRY_AFTER_SECS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<Sp<u64>>,
    /// Number of failing calls; unlimited within the window when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Window start (offset or RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Sp<String>>,
    /// Window end, exclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Sp<String>>,
    /// Drop the connection mid-body instead of answering with `status`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_connection: bool,
    /// Only calls to paths starting with this (one endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Let this many matching calls through first ("the Nth call fails").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
    /// Delay matching answers (real milliseconds), at most [`crate::faults::MAX_LATENCY_MS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Sp<u64>>,
    /// A token-bucket quota (`capacity`, `per_minute`, `per: user|project`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<crate::faults::Quota>,
    /// Send this body (any YAML/JSON value) verbatim with `status`, instead of the
    /// provider's error shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

fn zero_status() -> Sp<u16> {
    sp(0)
}
