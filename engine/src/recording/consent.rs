//! Consent-enabled links (REC-13): the recorder's join links that show a consent page
//! and then forward to the conference, in the form
//! `https://join.recorder.example/<company-slug>/<s|d>/<id>?to=<percent-encoded conference URL>`
//! (`s` a member's static link, `d` a per-meeting dynamic link).

use crate::settings::ConsentLinkType;

/// Host of consent links.
pub const CONSENT_HOST: &str = "join.recorder.example";

/// A parsed consent link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentLink {
    /// The company the link belongs to.
    pub company: String,
    /// Static or dynamic.
    pub link_type: ConsentLinkType,
    /// The conference URL it forwards to.
    pub target: String,
}

/// Reads a consent link; `None` for anything else.
pub fn parse(url: &str) -> Option<ConsentLink> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.strip_prefix(CONSENT_HOST)?.strip_prefix('/')?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut parts = path.split('/');
    let company = parts.next().filter(|c| !c.is_empty())?.to_ascii_lowercase();
    let link_type = match parts.next()? {
        "s" => ConsentLinkType::Static,
        "d" => ConsentLinkType::Dynamic,
        _ => return None,
    };
    let target = query.split('&').find_map(|kv| kv.strip_prefix("to=")).map(percent_decode)?;
    Some(ConsentLink { company, link_type, target })
}

/// Builds a consent link (for scenarios and tests).
pub fn build(company: &str, link_type: ConsentLinkType, id: &str, target: &str) -> String {
    let kind = match link_type {
        ConsentLinkType::Static => "s",
        ConsentLinkType::Dynamic => "d",
    };
    let encoded: String = target
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("https://{CONSENT_HOST}/{company}/{kind}/{id}?to={encoded}")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_links() {
        let link = build("acme", ConsentLinkType::Dynamic, "m1", "https://zoom.us/j/81234567890?pwd=a_b");
        let parsed = parse(&link).unwrap();
        assert_eq!(parsed.company, "acme");
        assert_eq!(parsed.link_type, ConsentLinkType::Dynamic);
        assert_eq!(parsed.target, "https://zoom.us/j/81234567890?pwd=a_b");
        assert_eq!(parse("https://zoom.us/j/1"), None);
        assert_eq!(parse("https://join.recorder.example/acme/x/1?to=a"), None);
        assert_eq!(
            parse("https://join.recorder.example/acme/s/1?to=%zz%"),
            Some(ConsentLink { company: "acme".into(), link_type: ConsentLinkType::Static, target: "%zz%".into() })
        );
    }
}
