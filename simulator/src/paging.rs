//! Opaque page tokens for list endpoints (Google, Zoom): an offset into a stable ordering,
//! bound to the query it came from so a token from one listing is refused by another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes the offset of the next page for a query fingerprint.
pub fn encode(offset: usize, fingerprint: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}:{fingerprint}"))
}

/// Decodes a page token for the same query fingerprint; `None` if it is not ours.
pub fn decode(token: &str, fingerprint: &str) -> Option<usize> {
    let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (offset, fp) = text.split_once(':')?;
    (fp == fingerprint).then(|| offset.parse().ok()).flatten()
}

/// One page of `items` starting at `offset`, and the token for the next page.
pub fn page<T: Clone>(items: &[T], offset: usize, size: usize, fingerprint: &str) -> (Vec<T>, Option<String>) {
    let end = (offset + size).min(items.len());
    let slice = items.get(offset..end).map(<[T]>::to_vec).unwrap_or_default();
    let next = (end < items.len()).then(|| encode(end, fingerprint));
    (slice, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_only_for_their_query() {
        let t = encode(100, "users|my_customer");
        assert_eq!(decode(&t, "users|my_customer"), Some(100));
        assert_eq!(decode(&t, "users|other"), None);
        assert_eq!(decode("garbage!", "users|my_customer"), None);
        let (items, next) = page(&[1, 2, 3], 2, 2, "q");
        assert_eq!((items, next), (vec![3], None));
    }
}
