//! Links rewritten by email security gateways: telling which gateway wrapped a link and
//! reading the original back out.
//!
//! Proofpoint URL Defense (v1, v2, v3), Microsoft Safe Links and Barracuda carry the
//! original link inside the wrapped one and are decoded offline, without following the
//! link. Mimecast replaces it with an id only Mimecast can resolve, so it is detected
//! but never unwrapped. Proofpoint is decoded exactly as Proofpoint's published
//! `urldecoder.py` does it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::recognize::{percent_decode, query_param, split_url, trim_url};

/// A security gateway that rewrote a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wrapper {
    /// Proofpoint URL Defense v1 (`urldefense.proofpoint.com/v1/url?u=…`).
    ProofpointV1,
    /// Proofpoint URL Defense v2 (`urldefense.proofpoint.com/v2/url?u=https-3A__…`).
    ProofpointV2,
    /// Proofpoint URL Defense v3 (`urldefense.com/v3/__…__;…!!…$`).
    ProofpointV3,
    /// Microsoft Defender for Office 365 Safe Links (`<region>.safelinks.protection.outlook.com`).
    SafeLinks,
    /// Mimecast URL Protect (`protect-<region>.mimecast.com/s/…`): not reversible.
    Mimecast,
    /// Barracuda Link Protection (`linkprotect.cudasvc.com/url?a=…`).
    Barracuda,
}

impl Wrapper {
    /// Every wrapper, in declaration order.
    pub const ALL: [Wrapper; 6] = [
        Wrapper::ProofpointV1,
        Wrapper::ProofpointV2,
        Wrapper::ProofpointV3,
        Wrapper::SafeLinks,
        Wrapper::Mimecast,
        Wrapper::Barracuda,
    ];

    /// The name people know the gateway by, e.g. "Microsoft Safe Links".
    pub fn name(self) -> &'static str {
        match self {
            Wrapper::ProofpointV1 => "Proofpoint URL Defense v1",
            Wrapper::ProofpointV2 => "Proofpoint URL Defense v2",
            Wrapper::ProofpointV3 => "Proofpoint URL Defense v3",
            Wrapper::SafeLinks => "Microsoft Safe Links",
            Wrapper::Mimecast => "Mimecast",
            Wrapper::Barracuda => "Barracuda",
        }
    }

    /// Whether the original link can be read out of the wrapped one (all but Mimecast).
    pub fn reversible(self) -> bool {
        !matches!(self, Wrapper::Mimecast)
    }
}

impl std::fmt::Display for Wrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a link could not be unwrapped. Only [`UnwrapError::NotWrapped`] means "use the
/// link as it is"; the others mean the original link cannot be known from this one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnwrapError {
    /// No known gateway wrapped this link.
    #[error("not a link wrapped by a known security gateway")]
    NotWrapped,
    /// The gateway keeps the original link on its servers (Mimecast).
    #[error("{0} links cannot be unwrapped: only the gateway knows where they lead")]
    NotReversible(Wrapper),
    /// The parameter that carries the original link is absent or empty.
    #[error("{wrapper} link has no `{param}` parameter")]
    MissingParameter {
        /// The gateway.
        wrapper: Wrapper,
        /// The parameter's name.
        param: &'static str,
    },
    /// The wrapped link is damaged (truncated, bad base64, too few encoded characters).
    #[error("{wrapper} link is malformed: {reason}")]
    Malformed {
        /// The gateway.
        wrapper: Wrapper,
        /// What is wrong.
        reason: &'static str,
    },
    /// Still wrapped after [`MAX_UNWRAP_DEPTH`] unwrappings.
    #[error("link is still wrapped after {0} unwrappings")]
    TooDeep(usize),
}

/// How many wrappers [`unwrap_all`] peels off before giving up.
pub const MAX_UNWRAP_DEPTH: usize = 5;

/// The gateway that wrapped `url` (the outermost one, if wrapped twice).
pub fn detect_wrapper(url: &str) -> Option<Wrapper> {
    let parts = split_url(trim_url(url))?;
    if !parts.is_web() {
        return None;
    }
    let host = parts.host.as_str();
    let path = parts.path;
    if host == "urldefense.proofpoint.com" || host == "urldefense.com" {
        return match path.get(..4) {
            Some("/v1/") => Some(Wrapper::ProofpointV1),
            Some("/v2/") => Some(Wrapper::ProofpointV2),
            Some("/v3/") => Some(Wrapper::ProofpointV3),
            _ => None,
        };
    }
    if host.ends_with(".safelinks.protection.outlook.com") || host.ends_with(".safelinks.protection.office365.us") {
        return Some(Wrapper::SafeLinks);
    }
    if is_mimecast_host(host) && path.starts_with("/s/") {
        return Some(Wrapper::Mimecast);
    }
    if host == "linkprotect.cudasvc.com" && path.eq_ignore_ascii_case("/url") {
        return Some(Wrapper::Barracuda);
    }
    None
}

/// `protect-us.mimecast.com` and its regional siblings, and the newer
/// `url.<region>.m.mimecastprotect.com`.
fn is_mimecast_host(host: &str) -> bool {
    let regional =
        host.strip_suffix(".mimecast.com").is_some_and(|label| label.starts_with("protect") && !label.contains('.'));
    regional || host == "mimecastprotect.com" || host.ends_with(".mimecastprotect.com")
}

/// Reads the original link out of a link wrapped once.
pub fn unwrap(url: &str) -> Result<String, UnwrapError> {
    let url = trim_url(url);
    let wrapper = detect_wrapper(url).ok_or(UnwrapError::NotWrapped)?;
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let param = |name: &'static str| {
        query_param(query, name).filter(|v| !v.is_empty()).ok_or(UnwrapError::MissingParameter { wrapper, param: name })
    };
    match wrapper {
        Wrapper::ProofpointV1 => {
            let u = proofpoint_v1_target(query).ok_or(UnwrapError::MissingParameter { wrapper, param: "u" })?;
            Ok(html_unescape(&percent_decode(u)))
        }
        Wrapper::ProofpointV2 => {
            let u: String = param("u")?
                .chars()
                .map(|c| match c {
                    '-' => '%',
                    '_' => '/',
                    other => other,
                })
                .collect();
            Ok(html_unescape(&percent_decode(&u)))
        }
        Wrapper::ProofpointV3 => proofpoint_v3(url).map_err(|reason| UnwrapError::Malformed { wrapper, reason }),
        Wrapper::SafeLinks => Ok(percent_decode(param("url")?)),
        Wrapper::Barracuda => Ok(percent_decode(param("a")?)),
        Wrapper::Mimecast => Err(UnwrapError::NotReversible(wrapper)),
    }
}

/// Unwraps `url` until no gateway is left (a link may be wrapped by two gateways, or
/// twice by one), at most [`MAX_UNWRAP_DEPTH`] times. A link that is not wrapped comes
/// back as it is.
pub fn unwrap_all(url: &str) -> Result<String, UnwrapError> {
    let mut current = trim_url(url).to_string();
    for _ in 0..MAX_UNWRAP_DEPTH {
        if detect_wrapper(&current).is_none() {
            return Ok(current);
        }
        current = unwrap(&current)?;
    }
    match detect_wrapper(&current) {
        None => Ok(current),
        Some(_) => Err(UnwrapError::TooDeep(MAX_UNWRAP_DEPTH)),
    }
}

/// v1's `u` runs up to `&k=` (Proofpoint's decoder matches `u=(.+?)&k=`), since old v1
/// links may carry the target unencoded, `&`s and all.
fn proofpoint_v1_target(query: &str) -> Option<&str> {
    let start = if query.starts_with("u=") { 2 } else { query.find("&u=")? + 3 };
    let value = query.get(start..)?;
    let end = value.find("&k=").or_else(|| value.find("&amp;k=")).or_else(|| value.find('&')).unwrap_or(value.len());
    value.get(..end).filter(|v| !v.is_empty())
}

/// The run-length alphabet of v3's `**X` tokens: `A` is a run of 2, `_` a run of 65.
const V3_RUNS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `…/v3/__<link with * tokens>__;<base64url of the replaced characters>!…`: like
/// Proofpoint's decoder, restore a collapsed `scheme:/host`, percent-decode, then replace
/// each `*` with the next decoded character and each `**X` with the next run of them.
fn proofpoint_v3(url: &str) -> Result<String, &'static str> {
    const START: &str = "/v3/__";
    let at = url.find(START).ok_or("no `__` after /v3/")?;
    let rest = &url[at + START.len()..];
    // The link is at least one character, then runs to the first `__;`.
    let first = rest.chars().next().ok_or("no link after /v3/__")?;
    let end = rest[first.len_utf8()..].find("__;").ok_or("no `__;` after the link")? + first.len_utf8();
    let body = &rest[..end];
    let after = &rest[end + 3..];
    let encoded = after.split(['!', '$']).next().unwrap_or_default();
    let bytes = base64url_decode(encoded).ok_or("the replaced characters are not base64url")?;
    let replaced = String::from_utf8(bytes).map_err(|_| "the replaced characters are not UTF-8")?;
    let replaced: Vec<char> = replaced.chars().collect();
    let body = restore_double_slash(body);
    substitute_v3_tokens(&percent_decode(&body), &replaced)
}

/// Proofpoint sometimes writes `https:/host`; its decoder puts the second `/` back.
fn restore_double_slash(body: &str) -> String {
    if let Some((scheme, rest)) = body.split_once(":/") {
        let is_scheme =
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'));
        if is_scheme && rest.len() >= 2 && !rest.starts_with('/') {
            return format!("{scheme}://{rest}");
        }
    }
    body.to_string()
}

fn substitute_v3_tokens(body: &str, replaced: &[char]) -> Result<String, &'static str> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    let mut next = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        if chars[i] != '*' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (count, width) = match (chars.get(i + 1), chars.get(i + 2)) {
            (Some('*'), Some(&x)) => {
                let run = V3_RUNS.find(x).ok_or("a `**` run has an unknown length")?;
                (run + 2, 3)
            }
            _ => (1, 1),
        };
        let taken = replaced.get(next..next + count).ok_or("more `*` than replaced characters")?;
        out.extend(taken);
        next += count;
        i += width;
    }
    Ok(out)
}

/// Decodes the base64url of v3's replaced characters, as Proofpoint's decoder
/// (`urlsafe_b64decode`) does: padding optional, non-zero trailing bits tolerated. A link
/// that went through a tool writing standard base64 (`+`, `/`) is read too; one string
/// mixing both alphabets is not.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::alphabet;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

    const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
    URL_SAFE.decode(s).or_else(|_| STANDARD.decode(s)).ok()
}

/// Undoes the HTML escaping of a link copied out of an `href`: `&amp;`, `&lt;`, `&gt;`,
/// `&quot;`, `&apos;`, `&nbsp;` and numeric references, each only with its `;`, in one
/// pass (so `&amp;lt;` becomes `&lt;`). Anything else stays as it is.
fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match entity(tail) {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an entity at the start of `s` stands for, and the entity's length.
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..semi)?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse::<u32>().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((c, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(html_unescape(input), expected, "html_unescape({input:?})");
    }

    #[test]
    fn html_unescape_handles_named_numeric_and_stray_ampersands() {
        check("a&amp;b", "a&b");
        check("&amp;amp;", "&amp;");
        check("&lt;&gt;&quot;&apos;&#39;&#x41;&#X42;", "<>\"''AB");
        check("&copy=1&notify", "&copy=1&notify");
        check("&#0;&#xFFFFFFFFF;&#55296;", "&#0;&#xFFFFFFFFF;&#55296;");
        check("&", "&");
        check("&é;&amp", "&é;&amp");
    }

    #[test]
    fn base64url_decodes_with_or_without_padding() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("", Some(b"")),
            ("Kw", Some(b"+")),
            ("JSM", Some(b"%#")),
            ("JSM=", Some(b"%#")),
            ("_-8", Some(&[0xff, 0xef])),
            ("A", None),
            ("a!b", None),
            // Standard base64 from a tool that re-encoded the link.
            ("+/8", Some(&[0xfb, 0xff])),
            ("Kw=", Some(b"+")),
            ("Kw==", Some(b"+")),
            // Trailing bits that are not zero are tolerated, as Python's decoder does.
            ("Kx", Some(b"+")),
        ];
        for &(input, expected) in cases {
            assert_eq!(base64url_decode(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn base64url_rejects_misplaced_padding_and_mixed_alphabets() {
        // The old hand-written decoder trimmed any run of `=` and let `=` stand alone.
        for input in ["Kw===", "=", "Kw==Kw==", "K=w", "-/8"] {
            assert_eq!(base64url_decode(input), None, "{input:?}");
        }
    }

    #[test]
    fn v3_replaced_characters_that_are_not_utf8_are_malformed() {
        // `_w` is the single byte 0xFF: valid base64url, not UTF-8.
        let url = "https://urldefense.com/v3/__https://x.example/*__;_w!!a!b$";
        assert_eq!(
            unwrap(url),
            Err(UnwrapError::Malformed {
                wrapper: Wrapper::ProofpointV3,
                reason: "the replaced characters are not UTF-8"
            })
        );
    }

    #[test]
    fn v3_tokens_take_single_characters_and_runs() {
        let long = "é".repeat(66);
        let long_expected = format!("x{long}");
        let cases: Vec<(&str, &str, Result<&str, &str>)> = vec![
            ("a*b", "+", Ok("a+b")),
            ("a**Ab", "%#", Ok("a%#b")),
            ("x**_*", &long, Ok(&long_expected)),
            ("a**", "12", Ok("a12")),
            ("a*b*", "+", Err("more `*` than replaced characters")),
            ("a**!", "123", Err("a `**` run has an unknown length")),
        ];
        for (body, replaced, expected) in cases {
            let replaced: Vec<char> = replaced.chars().collect();
            let actual = substitute_v3_tokens(body, &replaced);
            assert_eq!(actual.as_deref().map_err(|e| *e), expected, "{body:?}");
        }
    }
}
