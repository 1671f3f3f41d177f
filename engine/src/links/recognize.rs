//! Reading URLs: finding them in free text, splitting them into parts, and recognizing
//! the join links of Zoom, Microsoft Teams, Google Meet and Webex.
//!
//! Everything is matched by hand (no regex, no URL crate) and never panics: a string that
//! is not a link of a known form is simply not recognized. Scheme and host compare
//! case-insensitively; paths compare as the providers write them, except that the fixed
//! path words (`j`, `meetup-join`, …) also match in another case.

use serde::{Deserialize, Serialize};

/// A video-conferencing service whose join links the engine recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConferenceProvider {
    /// Zoom (`zoom.us` and its subdomains).
    Zoom,
    /// Microsoft Teams, work (`teams.microsoft.com`) or consumer (`teams.live.com`).
    Teams,
    /// Google Meet (`meet.google.com`).
    Meet,
    /// Cisco Webex (`<site>.webex.com`).
    Webex,
}

/// What a join link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConferenceKind {
    /// One scheduled (or recurring) meeting.
    Meeting,
    /// A Zoom webinar (`/w/<id>`).
    Webinar,
    /// A person's standing room (`zoom.us/my/<name>`, `<site>.webex.com/meet/<user>`); its
    /// `meeting_id` is the room's name, not a meeting number.
    PersonalRoom,
}

/// A recognized conference join link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConferenceLink {
    /// Whose link it is.
    pub provider: ConferenceProvider,
    /// What it opens.
    pub kind: ConferenceKind,
    /// The join link, trimmed of surrounding punctuation; for a Teams launcher link, the
    /// `meetup-join` link it launches.
    pub url: String,
    /// The provider's id for the meeting or room: Zoom and Teams numeric ids, the Teams
    /// thread id (`19:meeting_…@thread.v2`), the Meet code, the Webex `MTID`, or a
    /// personal room's name.
    pub meeting_id: Option<String>,
    /// The passcode carried in the link (Zoom `pwd`, Teams `p`), if any.
    pub passcode: Option<String>,
}

/// Recognizes a conference join link, tolerating surrounding whitespace and punctuation
/// picked up from text (`(…)`, `<…>`, a trailing `.`).
pub fn recognize(url: &str) -> Option<ConferenceLink> {
    recognize_at_depth(trim_url(url), 0)
}

/// Launcher links nest; an adversarial string could nest them deeply.
const MAX_LAUNCHER_DEPTH: usize = 3;

fn recognize_at_depth(url: &str, depth: usize) -> Option<ConferenceLink> {
    let parts = split_url(url)?;
    if !parts.is_web() {
        return None;
    }
    let host = parts.host.as_str();
    if host == "zoom.us" || host.ends_with(".zoom.us") {
        zoom(url, &parts)
    } else if host == "teams.microsoft.com" {
        teams(url, &parts, depth)
    } else if host == "teams.live.com" {
        teams_live(url, &parts)
    } else if host == "meet.google.com" {
        meet(url, &parts)
    } else if host.ends_with(".webex.com") {
        webex(url, &parts)
    } else {
        None
    }
}

fn link(
    provider: ConferenceProvider,
    kind: ConferenceKind,
    url: &str,
    meeting_id: &str,
    passcode: Option<String>,
) -> ConferenceLink {
    ConferenceLink {
        provider,
        kind,
        url: url.to_string(),
        meeting_id: Some(meeting_id.to_string()),
        passcode: passcode.filter(|p| !p.is_empty()),
    }
}

/// `/j/<digits>`, `/w/<digits>` (webinar), `/my/<vanity>`.
fn zoom(url: &str, parts: &UrlParts<'_>) -> Option<ConferenceLink> {
    let segments = parts.segments();
    let [word, id] = segments.as_slice() else {
        return None;
    };
    let passcode = parts.param("pwd").map(percent_decode);
    let kind = if word.eq_ignore_ascii_case("j") && is_meeting_number(id) {
        ConferenceKind::Meeting
    } else if word.eq_ignore_ascii_case("w") && is_meeting_number(id) {
        ConferenceKind::Webinar
    } else if word.eq_ignore_ascii_case("my") && is_name(id) {
        ConferenceKind::PersonalRoom
    } else {
        return None;
    };
    Some(link(ConferenceProvider::Zoom, kind, url, id, passcode))
}

/// Zoom meeting and webinar numbers: 9 digits or more (they outgrew 10 and 11).
fn is_meeting_number(s: &str) -> bool {
    (9..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// A vanity or user name: letters, digits, `.`, `_`, `-`.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Classic `/l/meetup-join/19%3ameeting_…%40thread.v2/0?context=…`, short
/// `/meet/<digits>?p=…`, and the launcher `/dl/launcher/launcher.html?url=…`.
fn teams(url: &str, parts: &UrlParts<'_>, depth: usize) -> Option<ConferenceLink> {
    let segments = parts.segments();
    match segments.as_slice() {
        [l, join, thread, ..] if l.eq_ignore_ascii_case("l") && join.eq_ignore_ascii_case("meetup-join") => {
            let thread = percent_decode(thread);
            let is_thread = thread.starts_with("19:") && thread.contains("@thread");
            is_thread.then(|| link(ConferenceProvider::Teams, ConferenceKind::Meeting, url, &thread, None))
        }
        [meet, id] if meet.eq_ignore_ascii_case("meet") && is_digits(id) => {
            let passcode = parts.param("p").map(percent_decode);
            Some(link(ConferenceProvider::Teams, ConferenceKind::Meeting, url, id, passcode))
        }
        [dl, launcher, html]
            if dl.eq_ignore_ascii_case("dl")
                && launcher.eq_ignore_ascii_case("launcher")
                && html.eq_ignore_ascii_case("launcher.html") =>
        {
            launched(parts.param("url")?, depth)
        }
        _ => None,
    }
}

/// The Teams link a launcher opens: its `url` parameter is either a whole link or a
/// web-app path such as `/_#/l/meetup-join/…`.
fn launched(param: &str, depth: usize) -> Option<ConferenceLink> {
    if depth >= MAX_LAUNCHER_DEPTH {
        return None;
    }
    let inner = percent_decode(param);
    let inner = if inner.starts_with('/') {
        let path = inner.strip_prefix("/_#").or_else(|| inner.strip_prefix("/_")).unwrap_or(&inner);
        format!("https://teams.microsoft.com{path}")
    } else {
        inner
    };
    recognize_at_depth(&inner, depth + 1).filter(|l| l.provider == ConferenceProvider::Teams)
}

/// Consumer Teams: `teams.live.com/meet/<id>`.
fn teams_live(url: &str, parts: &UrlParts<'_>) -> Option<ConferenceLink> {
    let segments = parts.segments();
    let [meet, id] = segments.as_slice() else {
        return None;
    };
    if !meet.eq_ignore_ascii_case("meet") || id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let passcode = parts.param("p").map(percent_decode);
    Some(link(ConferenceProvider::Teams, ConferenceKind::Meeting, url, id, passcode))
}

/// `meet.google.com/abc-defg-hij`; the code is reported in lowercase.
fn meet(url: &str, parts: &UrlParts<'_>) -> Option<ConferenceLink> {
    let segments = parts.segments();
    let [code] = segments.as_slice() else {
        return None;
    };
    let groups: Vec<&str> = code.split('-').collect();
    let shaped = matches!(groups.as_slice(), [a, b, c] if a.len() == 3 && b.len() == 4 && c.len() == 3);
    if !shaped || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_alphabetic())) {
        return None;
    }
    let code = code.to_ascii_lowercase();
    Some(link(ConferenceProvider::Meet, ConferenceKind::Meeting, url, &code, None))
}

/// Personal room `<site>.webex.com/meet/<user>`, scheduled
/// `<site>.webex.com/<site>/j.php?MTID=m<32 hex>`.
fn webex(url: &str, parts: &UrlParts<'_>) -> Option<ConferenceLink> {
    let segments = parts.segments();
    let [first, second] = segments.as_slice() else {
        return None;
    };
    if first.eq_ignore_ascii_case("meet") && is_name(second) {
        return Some(link(ConferenceProvider::Webex, ConferenceKind::PersonalRoom, url, second, None));
    }
    if !second.eq_ignore_ascii_case("j.php") {
        return None;
    }
    let mtid = parts.param("MTID")?;
    let hex = mtid.strip_prefix('m')?;
    let valid = hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| link(ConferenceProvider::Webex, ConferenceKind::Meeting, url, mtid, None))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Every `http://` or `https://` URL in `text`, in order, each trimmed of the punctuation
/// that text puts around links (a closing `)` is kept when the URL opened one). HTML
/// entities such as `&amp;` are left as they are.
pub fn find_links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(after_scheme) = scheme_end(bytes, i) else {
            i += 1;
            continue;
        };
        // `i` is at an ASCII `h`, so it is a char boundary; the end found below is at a
        // char boundary too because it comes from `char_indices`.
        let rest = &text[i..];
        let len = rest.char_indices().find(|&(_, c)| ends_url(c)).map_or(rest.len(), |(at, _)| at);
        let candidate = trim_trailing(&rest[..len]);
        if candidate.len() > after_scheme - i {
            found.push(candidate.to_string());
        }
        i += len.max(1);
    }
    found
}

/// If `bytes[i..]` starts with `http://` or `https://` (any case), the index after `//`.
fn scheme_end(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = bytes.get(i..)?;
    for scheme in [&b"https://"[..], &b"http://"[..]] {
        if rest.len() >= scheme.len() && rest[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return Some(i + scheme.len());
        }
    }
    None
}

/// Characters that cannot be part of a URL written in text.
fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '<' | '>' | '"' | '\'' | '`' | '{' | '}' | '|' | '\\' | '^' | '[' | ']')
        || matches!(c, '“' | '”' | '‘' | '’' | '«' | '»' | '「' | '」' | '。' | '、' | '，')
}

/// Trims whitespace, leading brackets or quotes, and trailing punctuation.
pub(super) fn trim_url(url: &str) -> &str {
    let url = url.trim().trim_start_matches(['<', '(', '[', '"', '\'']);
    trim_trailing(url.trim())
}

/// Strips trailing sentence punctuation, and a `)` only when it closes nothing in the URL.
fn trim_trailing(mut s: &str) -> &str {
    let opens = s.matches('(').count();
    let mut closes = s.matches(')').count();
    loop {
        let Some(last) = s.chars().last() else {
            return s;
        };
        let strip = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '*' | '>' | ']' | '}' | '"' | '\'' => true,
            ')' => closes > opens,
            _ => false,
        };
        if !strip {
            return s;
        }
        if last == ')' {
            closes -= 1;
        }
        s = &s[..s.len() - last.len_utf8()];
    }
}

/// A URL split into the parts the recognizers look at.
pub(super) struct UrlParts<'a> {
    /// The scheme as written.
    pub scheme: &'a str,
    /// The host, lowercased, without user info, port or a trailing dot.
    pub host: String,
    /// From the first `/` after the host up to `?` or `#` ("" when absent).
    pub path: &'a str,
    /// After `?` up to `#`.
    pub query: Option<&'a str>,
}

impl UrlParts<'_> {
    /// Whether the scheme is `http` or `https`.
    pub fn is_web(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("https") || self.scheme.eq_ignore_ascii_case("http")
    }

    /// The non-empty path segments, still percent-encoded.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// The raw (still encoded) value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        query_param(self.query?, name)
    }
}

/// Splits `scheme://authority/path?query#fragment`; `None` without `://` or a valid
/// scheme.
pub(super) fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let before_fragment = rest.split('#').next().unwrap_or_default();
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    Some(UrlParts { scheme, host, path, query })
}

/// The raw value of `name` in an `&`-separated query; a query copied out of HTML
/// (`&amp;name=`) works too.
pub(super) fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let pair = pair.strip_prefix("amp;").unwrap_or(pair);
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}

/// Decodes `%XX` escapes (any hex case); a `%` not followed by two hex digits stays as
/// it is, `+` stays a `+` (these are URL parts, not form fields), and bytes that are not
/// UTF-8 become U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recognizes `url` and compares `(provider, kind, meeting_id, passcode)`.
    fn check(url: &str, expected: Option<(ConferenceProvider, ConferenceKind, &str, Option<&str>)>) {
        let actual = recognize(url);
        let summary = actual
            .as_ref()
            .map(|l| (l.provider, l.kind, l.meeting_id.as_deref().unwrap_or_default(), l.passcode.as_deref()));
        assert_eq!(summary, expected, "recognize({url:?}) gave {actual:?}");
    }

    #[test]
    fn recognizes_each_provider_form() {
        use ConferenceKind::*;
        use ConferenceProvider::*;
        check("https://zoom.us/j/123456789", Some((Zoom, Meeting, "123456789", None)));
        check("HTTPS://US02WEB.Zoom.US/j/81234567890?pwd=abc.1).", Some((Zoom, Meeting, "81234567890", Some("abc.1"))));
        check("https://zoom.us/w/94567890123?tk=x", Some((Zoom, Webinar, "94567890123", None)));
        check("https://zoom.us/my/jane.doe", Some((Zoom, PersonalRoom, "jane.doe", None)));
        check("https://zoom.us/j/12345678", None);
        check("https://zoom.us/j/1234567890a", None);
        check("https://zoom.us.evil.example/j/123456789", None);
        check(
            "https://teams.microsoft.com/meet/23456789012?p=Ab12",
            Some((Teams, Meeting, "23456789012", Some("Ab12"))),
        );
        check("https://teams.live.com/meet/9387461029384", Some((Teams, Meeting, "9387461029384", None)));
        check(
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_ABC%40thread.v2/0",
            Some((Teams, Meeting, "19:meeting_ABC@thread.v2", None)),
        );
        check("https://teams.microsoft.com/l/meetup-join/abc/0", None);
        check("https://meet.google.com/abc-defg-hij?authuser=0", Some((Meet, Meeting, "abc-defg-hij", None)));
        check("<https://meet.google.com/ABC-DEFG-HIJ>", Some((Meet, Meeting, "abc-defg-hij", None)));
        check("https://meet.google.com/abc-defg-hi", None);
        check("https://meet.google.com/ab1-defg-hij", None);
        check("https://acme.webex.com/meet/jane.doe", Some((Webex, PersonalRoom, "jane.doe", None)));
        check(
            "https://acme.webex.com/acme/j.php?MTID=m0123456789abcdef0123456789ABCDEF",
            Some((Webex, Meeting, "m0123456789abcdef0123456789ABCDEF", None)),
        );
        check("https://acme.webex.com/acme/j.php?MTID=m0123", None);
        check("ftp://zoom.us/j/123456789", None);
        check("", None);
    }

    #[test]
    fn trims_text_punctuation_but_keeps_balanced_parentheses() {
        let cases: &[(&str, &str)] = &[
            ("https://zoom.us/j/123456789).", "https://zoom.us/j/123456789"),
            ("https://en.wikipedia.org/wiki/Zoom_(software)", "https://en.wikipedia.org/wiki/Zoom_(software)"),
            ("https://x.example/a?b=c;!?", "https://x.example/a?b=c"),
            ("https://x.example/é。", "https://x.example/é。"),
        ];
        for &(input, expected) in cases {
            assert_eq!(trim_trailing(input), expected, "{input}");
        }
    }

    #[test]
    fn percent_decodes_leniently() {
        let cases: &[(&str, &str)] =
            &[("a%3Ab%3ac", "a:b:c"), ("100%", "100%"), ("%zz%4", "%zz%4"), ("%C3%A9", "é"), ("%FF", "\u{FFFD}")];
        for &(input, expected) in cases {
            assert_eq!(percent_decode(input), expected, "{input}");
        }
    }

    #[test]
    fn percent_decoding_keeps_plus_decodes_once_and_replaces_broken_utf8() {
        let cases: &[(&str, &str)] = &[
            // `+` is a plus in a URL part; only form bodies read it as a space.
            ("a+b%2Bc%20d", "a+b+c d"),
            // One pass: an encoded `%` stays a `%` followed by what came after it.
            ("%2541", "%41"),
            ("%e2%82%ac", "€"),
            ("%00", "\0"),
            // A multi-byte character cut short, or a lead byte followed by ASCII.
            ("%E2%82", "\u{FFFD}"),
            ("%C3%28x", "\u{FFFD}(x"),
            ("caf%C3%A9%FF!", "café\u{FFFD}!"),
        ];
        for &(input, expected) in cases {
            assert_eq!(percent_decode(input), expected, "{input}");
        }
    }

    #[test]
    fn passcodes_are_percent_decoded_but_plus_is_kept() {
        let link = recognize("https://zoom.us/j/123456789?pwd=a+b%2Bc%C3%A9");
        assert_eq!(link.and_then(|l| l.passcode).as_deref(), Some("a+b+cé"));
    }
}
