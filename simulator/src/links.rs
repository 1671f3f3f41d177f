//! Gateway-wrapped links: how an email security gateway rewrites a meeting link before
//! it reaches a calendar, reproduced byte for byte in each gateway's real format.
//!
//! A scenario uses this to put wrapped conference links into event descriptions so the
//! engine's unwrapping is exercised against what Proofpoint, Microsoft Safe Links,
//! Mimecast and Barracuda really produce. Signatures and opaque ids are random but come
//! from the caller's RNG, so a seeded scenario always yields the same links.
//!
//! Every reversible format decodes with the public decoders (Proofpoint's own
//! `urldecoder.py` for URL Defense; plain query-string decoding for the others).
//! Proofpoint v1 and v2 carry the link as it appears in an HTML body, so `&` is written
//! as `&amp;` before encoding, exactly what the decoders' HTML-unescape step undoes.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand_chacha03::ChaCha8Rng;
use rand_chacha03::rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// A security gateway that rewrites links, with its format version where it has several.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum LinkWrapper {
    /// Proofpoint URL Defense v1 (`urldefense.proofpoint.com/v1/url?u=…`).
    ProofpointV1,
    /// Proofpoint URL Defense v2 (`urldefense.proofpoint.com/v2/url?u=https-3A__…`).
    ProofpointV2,
    /// Proofpoint URL Defense v3 (`urldefense.com/v3/__…__;…!!…$`).
    ProofpointV3,
    /// Microsoft Defender for Office 365 Safe Links (`*.safelinks.protection.outlook.com`).
    SafeLinks,
    /// Mimecast URL Protect (`protect-us.mimecast.com/s/…`); the target is not in the link.
    Mimecast,
    /// Barracuda Link Protection (`linkprotect.cudasvc.com/url?a=…`).
    Barracuda,
}

impl LinkWrapper {
    /// Every wrapper, in declaration order.
    pub const ALL: [LinkWrapper; 6] = [
        LinkWrapper::ProofpointV1,
        LinkWrapper::ProofpointV2,
        LinkWrapper::ProofpointV3,
        LinkWrapper::SafeLinks,
        LinkWrapper::Mimecast,
        LinkWrapper::Barracuda,
    ];

    /// The name people know the gateway by, e.g. "Proofpoint URL Defense v2".
    pub fn name(&self) -> &'static str {
        match self {
            LinkWrapper::ProofpointV1 => "Proofpoint URL Defense v1",
            LinkWrapper::ProofpointV2 => "Proofpoint URL Defense v2",
            LinkWrapper::ProofpointV3 => "Proofpoint URL Defense v3",
            LinkWrapper::SafeLinks => "Microsoft Safe Links",
            LinkWrapper::Mimecast => "Mimecast",
            LinkWrapper::Barracuda => "Barracuda",
        }
    }

    /// Whether the original link can be read back out of the wrapped one (all but
    /// Mimecast, whose opaque id is only meaningful to Mimecast's servers).
    pub fn reversible(&self) -> bool {
        !matches!(self, LinkWrapper::Mimecast)
    }
}

/// Wraps `url` the way `wrapper` rewrites links, drawing signatures and opaque ids from
/// `rng`.
pub fn wrap(url: &str, wrapper: LinkWrapper, rng: &mut ChaCha8Rng) -> String {
    match wrapper {
        LinkWrapper::ProofpointV1 => proofpoint_v1(url, rng),
        LinkWrapper::ProofpointV2 => proofpoint_v2(url, rng),
        LinkWrapper::ProofpointV3 => proofpoint_v3(url, rng),
        LinkWrapper::SafeLinks => safe_links(url, rng),
        LinkWrapper::Mimecast => mimecast(url, rng),
        LinkWrapper::Barracuda => barracuda(url, rng),
    }
}

/// [`wrap`] with a fresh ChaCha8 RNG seeded from `seed`, for callers (such as other
/// crates' tests) that do not hold an RNG of their own.
pub fn wrap_seeded(url: &str, wrapper: LinkWrapper, seed: u64) -> String {
    wrap(url, wrapper, &mut ChaCha8Rng::seed_from_u64(seed))
}

/// `u=` percent-encoded, then opaque key, recipient, message and signature fields. Real
/// v1 values are standard base64 with a trailing newline, percent-encoded.
fn proofpoint_v1(url: &str, rng: &mut ChaCha8Rng) -> String {
    let u = percent_encode(&html_escape_amp(url), is_unreserved, Case::Upper);
    let k = b64_field(rng, 16);
    let r = b64_field(rng, 32);
    let m = b64_field(rng, 32);
    let s = hex(&random_bytes(rng, 32));
    format!("https://urldefense.proofpoint.com/v1/url?u={u}&k={k}&r={r}&m={m}&s={s}")
}

/// `u=` percent-encoded with `/` kept, then `%`→`-` and `/`→`_` (so a literal `-` is
/// `-2D` and a literal `_` is `-5F`).
fn proofpoint_v2(url: &str, rng: &mut ChaCha8Rng) -> String {
    let encoded =
        percent_encode(&html_escape_amp(url), |b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/', Case::Upper);
    let u: String = encoded
        .chars()
        .map(|c| match c {
            '%' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    let c = b64url(&random_bytes(rng, 32));
    let r = b64url(&random_bytes(rng, 32));
    let m = b64url(&random_bytes(rng, 32));
    let s = b64url(&random_bytes(rng, 32));
    format!("https://urldefense.proofpoint.com/v2/url?u={u}&d=DwMFaQ&c={c}&r={r}&m={m}&s={s}&e=")
}

/// The alphabet whose index (plus 2) gives the length of a `**X` run in v3.
const V3_RUN_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// The longest run one `**X` token can stand for.
const V3_MAX_RUN: usize = V3_RUN_ALPHABET.len() + 1;

/// Characters v3 leaves in place. Everything else, including `*` itself, `%`, `#`, `+`
/// and `;` (so `__;` can never appear inside the link), is moved to the trailing base64.
fn v3_keeps(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?=&@!$,".contains(c)
}

/// The link with each unsafe character replaced by `*` and each run of 2–65 of them by
/// `**X`; the replaced characters follow as unpadded base64url of their UTF-8.
fn proofpoint_v3(url: &str, rng: &mut ChaCha8Rng) -> String {
    let mut body = String::with_capacity(url.len());
    let mut moved = String::new();
    let mut run = 0usize;
    for c in url.chars() {
        if v3_keeps(c) {
            push_v3_run(&mut body, run);
            run = 0;
            body.push(c);
        } else {
            moved.push(c);
            run += 1;
        }
    }
    push_v3_run(&mut body, run);
    let bytes = b64url(moved.as_bytes());
    let first = b64url(&random_bytes(rng, 8));
    let second = b64url(&random_bytes(rng, 48));
    format!("https://urldefense.com/v3/__{body}__;{bytes}!!{first}!{second}$")
}

/// Writes the tokens for `len` replaced characters: full `**_` runs first, so a lone `*`
/// can only come last and is always followed by a kept character or the closing `__;`
/// (a `*` right before `**X` would read as the token `***`).
fn push_v3_run(body: &mut String, mut len: usize) {
    while len > 0 {
        let n = len.min(V3_MAX_RUN);
        if n == 1 {
            body.push('*');
        } else {
            body.push_str("**");
            body.push(char::from(V3_RUN_ALPHABET[n - 2]));
        }
        len -= n;
    }
}

/// `url=` percent-encoded, then Microsoft's `data` (version, recipient, message and
/// tenant ids, a timestamp and the constant mail-flow blob) and its signature `sdata`.
fn safe_links(url: &str, rng: &mut ChaCha8Rng) -> String {
    let encoded = percent_encode(url, is_unreserved, Case::Upper);
    let message = hex(&random_bytes(rng, 16));
    let tenant = hex(&random_bytes(rng, 16));
    let ticks = 638_000_000_000_000_000 + rng.next_u64() % 10_000_000_000_000_000;
    let data = format!(
        "05|02||{message}|{tenant}|0|0|{ticks}|Unknown|\
         TWFpbGZsb3d8eyJWIjoiMC4wLjAwMDAiLCJQIjoiV2luMzIiLCJBTiI6Ik1haWwiLCJXVCI6Mn0=|0|||"
    );
    let data = percent_encode(&data, is_unreserved, Case::Upper);
    let sdata = percent_encode(&STANDARD.encode(random_bytes(rng, 32)), is_unreserved, Case::Upper);
    format!("https://nam02.safelinks.protection.outlook.com/?url={encoded}&data={data}&sdata={sdata}&reserved=0")
}

/// An opaque id that only Mimecast can resolve, plus the target's host.
fn mimecast(url: &str, rng: &mut ChaCha8Rng) -> String {
    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let opaque: String = (0..22)
        .map(|_| {
            let i = (rng.next_u32() as usize) % ALPHANUMERIC.len();
            char::from(ALPHANUMERIC[i])
        })
        .collect();
    let domain = percent_encode(&host_of(url), is_unreserved, Case::Upper);
    format!("https://protect-us.mimecast.com/s/{opaque}?domain={domain}")
}

/// `a=` percent-encoded with lowercase hex (as Barracuda writes it), then the signature.
fn barracuda(url: &str, rng: &mut ChaCha8Rng) -> String {
    let a = percent_encode(url, is_unreserved, Case::Lower);
    let sig = b64url(&random_bytes(rng, 72));
    format!("https://linkprotect.cudasvc.com/url?a={a}&c=E,1,{sig},&typo=1")
}

/// The lowercased host of `url` (no user info, no port), or "" when it has none.
fn host_of(url: &str) -> String {
    let Some((_, rest)) = url.split_once("://") else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if host_port.starts_with('[') {
        host_port.split_inclusive(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    host.to_ascii_lowercase()
}

/// Writes `&` as `&amp;`, as it stands in an HTML body's `href`.
fn html_escape_amp(s: &str) -> String {
    s.replace('&', "&amp;")
}

/// RFC 3986 unreserved characters: never percent-encoded.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Hex digit case in percent-encoding.
#[derive(Clone, Copy)]
enum Case {
    Upper,
    Lower,
}

/// Percent-encodes every UTF-8 byte of `s` that `keep` rejects.
fn percent_encode(s: &str, keep: impl Fn(u8) -> bool, case: Case) -> String {
    let digits: &[u8; 16] = match case {
        Case::Upper => b"0123456789ABCDEF",
        Case::Lower => b"0123456789abcdef",
    };
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(digits[usize::from(b >> 4)]));
            out.push(char::from(digits[usize::from(b & 0x0f)]));
        }
    }
    out
}

fn random_bytes(rng: &mut ChaCha8Rng, n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    rng.fill_bytes(&mut bytes);
    bytes
}

fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Standard base64 of `n` random bytes plus a newline, percent-encoded (`…%3D%0A`).
fn b64_field(rng: &mut ChaCha8Rng, n: usize) -> String {
    let raw = format!("{}\n", STANDARD.encode(random_bytes(rng, n)));
    percent_encode(&raw, is_unreserved, Case::Upper)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wraps `url` with seed 7 and checks the result starts with `prefix` and, where
    /// given, contains `fragment`.
    fn check(url: &str, wrapper: LinkWrapper, prefix: &str, fragment: &str) {
        let wrapped = wrap_seeded(url, wrapper, 7);
        assert!(wrapped.starts_with(prefix), "{wrapper:?}: {wrapped} does not start with {prefix}");
        assert!(wrapped.contains(fragment), "{wrapper:?}: {wrapped} lacks {fragment}");
    }

    #[test]
    fn wraps_in_each_gateways_format() {
        let zoom = "https://zoom.us/j/123";
        let cases: &[(&str, LinkWrapper, &str, &str)] = &[
            (
                zoom,
                LinkWrapper::ProofpointV1,
                "https://urldefense.proofpoint.com/v1/url?u=https%3A%2F%2Fzoom.us%2Fj%2F123&k=",
                "%0A&r=",
            ),
            (
                zoom,
                LinkWrapper::ProofpointV2,
                "https://urldefense.proofpoint.com/v2/url?u=https-3A__zoom.us_j_123&d=DwMFaQ&c=",
                "&e=",
            ),
            (
                "https://a.zoom.us/my/jo_e-x",
                LinkWrapper::ProofpointV2,
                "https://urldefense.proofpoint.com/v2/url?u=https-3A__a.zoom.us_my_jo-5Fe-2Dx&d=DwMFaQ&c=",
                "&s=",
            ),
            (
                "https://x.com/?q=a&b=1",
                LinkWrapper::ProofpointV2,
                "https://urldefense.proofpoint.com/v2/url?u=https-3A__x.com_-3Fq-3Da-26amp-3Bb-3D1&d=",
                "&m=",
            ),
            (zoom, LinkWrapper::ProofpointV3, "https://urldefense.com/v3/__https://zoom.us/j/123__;!!", "$"),
            (
                "https://google.com:443/search?q=a+test&gs=ps",
                LinkWrapper::ProofpointV3,
                "https://urldefense.com/v3/__https://google.com:443/search?q=a*test&gs=ps__;Kw!!",
                "$",
            ),
            (
                "https://x.com/a%#b",
                LinkWrapper::ProofpointV3,
                "https://urldefense.com/v3/__https://x.com/a**Ab__;JSM!!",
                "$",
            ),
            (
                zoom,
                LinkWrapper::SafeLinks,
                "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F123&data=05%7C02%7C%7C",
                "&reserved=0",
            ),
            (
                "https://User@Zoom.US:443/j/1",
                LinkWrapper::Mimecast,
                "https://protect-us.mimecast.com/s/",
                "?domain=zoom.us",
            ),
            (
                zoom,
                LinkWrapper::Barracuda,
                "https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fzoom.us%2fj%2f123&c=E,1,",
                ",&typo=1",
            ),
        ];
        for &(url, wrapper, prefix, fragment) in cases {
            check(url, wrapper, prefix, fragment);
        }
    }

    #[test]
    fn long_v3_runs_split_into_full_runs_then_a_lone_star() {
        let cases: &[(usize, &str)] =
            &[(1, "*"), (2, "**A"), (65, "**_"), (66, "**_*"), (67, "**_**A"), (130, "**_**_")];
        for &(len, expected) in cases {
            let mut body = String::new();
            push_v3_run(&mut body, len);
            assert_eq!(body, expected, "run of {len}");
        }
    }

    #[test]
    fn same_seed_same_link_and_different_seed_different_link() {
        for wrapper in LinkWrapper::ALL {
            let url = "https://meet.google.com/abc-defg-hij";
            assert_eq!(wrap_seeded(url, wrapper, 1), wrap_seeded(url, wrapper, 1));
            assert_ne!(wrap_seeded(url, wrapper, 1), wrap_seeded(url, wrapper, 2));
        }
    }

    #[test]
    fn serde_names_are_snake_case() {
        let names: Vec<String> =
            LinkWrapper::ALL.iter().map(|w| serde_json::to_string(w).unwrap_or_default()).collect();
        assert_eq!(
            names,
            [
                "\"proofpoint_v1\"",
                "\"proofpoint_v2\"",
                "\"proofpoint_v3\"",
                "\"safe_links\"",
                "\"mimecast\"",
                "\"barracuda\""
            ]
        );
    }
}
