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
    let target = query.split('&').find_map(|kv| kv.strip_prefix("to=")).map(crate::links::percent_decode)?;
    Some(ConsentLink { company, link_type, target })
}

/// Builds a consent link (for scenarios and tests).
pub fn build(company: &str, link_type: ConsentLinkType, id: &str, target: &str) -> String {
    let kind = match link_type {
        ConsentLinkType::Static => "s",
        ConsentLinkType::Dynamic => "d",
    };
    let encoded = percent_encoding::utf8_percent_encode(target, UNRESERVED_ONLY);
    format!("https://{CONSENT_HOST}/{company}/{kind}/{id}?to={encoded}")
}

/// Everything but RFC 3986's unreserved characters is encoded in the `to=` parameter.
const UNRESERVED_ONLY: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

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
