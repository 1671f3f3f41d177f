//! Conference links in calendar events: finding URLs in descriptions and locations,
//! recognizing Zoom, Teams, Meet and Webex join links, and seeing through the link
//! wrappers of email security gateways (Proofpoint, Safe Links, Mimecast, Barracuda).
//!
//! The facade is [`classify`]: one URL in, one [`LinkFinding`] out. Nothing here makes a
//! network call or panics, whatever the input.
//!
//! - `recognize`: URL reading and the per-provider join-link forms.
//! - `wrappers`: gateway detection and offline unwrapping.

mod recognize;
mod wrappers;

use serde::{Deserialize, Serialize};

pub(crate) use recognize::percent_decode;
pub use recognize::{ConferenceKind, ConferenceLink, ConferenceProvider, find_links, recognize};
pub use wrappers::{MAX_UNWRAP_DEPTH, UnwrapError, Wrapper, detect_wrapper, unwrap, unwrap_all};

/// What one URL turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkFinding {
    /// A conference join link, as written or (when unwrapping is on) once unwrapped.
    Recognized(ConferenceLink),
    /// A link wrapped by a security gateway that the engine does not look through: either
    /// unwrapping is off, or the gateway is not reversible, or the link is damaged.
    Wrapped {
        /// The outermost gateway.
        wrapper: Wrapper,
        /// The conference link inside, when it can be decoded offline; reported even
        /// with unwrapping off, so a notice can say what turning it on would find.
        inner: Option<ConferenceLink>,
    },
    /// Not a conference link: the URL as given (trimmed), or what unwrapping revealed.
    Unrecognized(String),
}

/// Classifies one URL. With `unwrap_links` off a wrapped link is always
/// [`LinkFinding::Wrapped`], never recognized; with it on, a reversible wrapper (even a
/// double one) is removed and the link inside is recognized.
pub fn classify(url: &str, unwrap_links: bool) -> LinkFinding {
    let url = recognize::trim_url(url);
    let Some(wrapper) = detect_wrapper(url) else {
        return match recognize(url) {
            Some(link) => LinkFinding::Recognized(link),
            None => LinkFinding::Unrecognized(url.to_string()),
        };
    };
    let unwrapped = unwrap_all(url).ok();
    let inner = unwrapped.as_deref().and_then(recognize);
    match (unwrap_links, unwrapped, inner) {
        (true, Some(_), Some(link)) => LinkFinding::Recognized(link),
        (true, Some(target), None) => LinkFinding::Unrecognized(target),
        (_, _, inner) => LinkFinding::Wrapped { wrapper, inner },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classifies `url` both ways and compares short summaries.
    fn check(url: &str, expected_off: &str, expected_on: &str) {
        assert_eq!(summary(&classify(url, false)), expected_off, "{url} with unwrapping off");
        assert_eq!(summary(&classify(url, true)), expected_on, "{url} with unwrapping on");
    }

    fn summary(finding: &LinkFinding) -> String {
        match finding {
            LinkFinding::Recognized(link) => format!("{:?}", link.provider),
            LinkFinding::Wrapped { wrapper, inner } => {
                format!("{wrapper:?}({:?})", inner.as_ref().map(|l| l.provider))
            }
            LinkFinding::Unrecognized(url) => format!("? {url}"),
        }
    }

    #[test]
    fn wrapped_links_are_recognized_only_when_unwrapping_is_on() {
        check("https://zoom.us/j/123456789", "Zoom", "Zoom");
        check("https://example.com/x.", "? https://example.com/x", "? https://example.com/x");
        check(
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.us_j_123456789&d=DwMFaQ&e=",
            "ProofpointV2(Some(Zoom))",
            "Zoom",
        );
        check(
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__example.com_&d=DwMFaQ&e=",
            "ProofpointV2(None)",
            "? https://example.com/",
        );
        check("https://protect-us.mimecast.com/s/abcDEF?domain=zoom.us", "Mimecast(None)", "Mimecast(None)");
        check("https://urldefense.com/v3/__https://zoom.us/j/1*__;!!a!b$", "ProofpointV3(None)", "ProofpointV3(None)");
    }
}
