//! The request journal: a bounded ring buffer of every request the simulator answered.
//!
//! Developers reproducing a bug read it through `GET /_sim/journal`; feature steps assert
//! on it ("the journal saw POST /token answered 401"). It must never grow without bound
//! under load, so it holds at most `capacity` entries and each entry's text fields are
//! cut to [`MAX_FIELD_BYTES`]: memory is bounded by `capacity × (2 × MAX_FIELD_BYTES +
//! a fixed ~160 bytes)`.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest path or query kept per entry; longer ones are cut and marked with `…`.
pub const MAX_FIELD_BYTES: usize = 1024;

/// Default number of entries kept.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// One answered request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JournalEntry {
    /// Monotonic sequence number across the simulator's life (survives eviction).
    pub seq: u64,
    /// The tenant the request was attributed to, when known.
    pub tenant: Option<String>,
    /// The tenant's virtual time when the request was answered.
    pub at: Option<DateTime<Utc>>,
    /// Which fake service answered: `google`, `admin`, or `unknown`.
    pub provider: String,
    /// HTTP method.
    pub method: String,
    /// Path as the client sent it, without the `/t/{tenant}` pin prefix.
    pub path: String,
    /// Raw query string (may be empty).
    pub query: String,
    /// HTTP status returned.
    pub status: u16,
    /// The impersonated or authenticated user, when the request carried one.
    pub subject: Option<String>,
}

/// Filters for reading the journal; all set fields must match.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct JournalFilter {
    /// Only this tenant.
    pub tenant: Option<String>,
    /// Only paths starting with this prefix.
    pub path: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
    /// Only this method.
    pub method: Option<String>,
    /// Only entries with a sequence number greater than this.
    pub since: Option<u64>,
    /// At most this many (the newest); defaults to all kept.
    pub limit: Option<usize>,
}

impl JournalFilter {
    fn matches(&self, e: &JournalEntry) -> bool {
        self.tenant.as_ref().is_none_or(|t| e.tenant.as_ref() == Some(t))
            && self.path.as_ref().is_none_or(|p| e.path.starts_with(p.as_str()))
            && self.status.is_none_or(|s| e.status == s)
            && self.method.as_ref().is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            && self.since.is_none_or(|s| e.seq > s)
    }
}

/// The ring buffer itself.
#[derive(Debug)]
pub struct Journal {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    next_seq: u64,
    evicted: u64,
}

impl Journal {
    /// A journal keeping at most `capacity` entries (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self { entries: VecDeque::with_capacity(capacity.min(4096)), capacity, next_seq: 1, evicted: 0 }
    }

    /// Appends an entry, evicting the oldest when full, and returns its sequence number.
    pub fn record(&mut self, mut entry: JournalEntry) -> u64 {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        truncate(&mut entry.path);
        truncate(&mut entry.query);
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
            self.evicted += 1;
        }
        self.entries.push_back(entry);
        self.next_seq - 1
    }

    /// Entries matching `filter`, oldest first.
    pub fn query(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let mut hits: Vec<JournalEntry> = self.entries.iter().filter(|e| filter.matches(e)).cloned().collect();
        if let Some(limit) = filter.limit
            && hits.len() > limit
        {
            hits.drain(..hits.len() - limit);
        }
        hits
    }

    /// Number of entries held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Maximum number of entries held.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries were dropped to respect the capacity.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Bytes of heap the held entries use (strings and the buffer), for the memory bound.
    pub fn approximate_bytes(&self) -> usize {
        let fixed = std::mem::size_of::<JournalEntry>() * self.entries.capacity();
        let strings: usize = self
            .entries
            .iter()
            .map(|e| {
                e.path.capacity()
                    + e.query.capacity()
                    + e.method.capacity()
                    + e.provider.capacity()
                    + e.tenant.as_ref().map_or(0, String::capacity)
                    + e.subject.as_ref().map_or(0, String::capacity)
            })
            .sum();
        fixed + strings
    }

    /// Drops every entry (sequence numbers keep counting).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

fn truncate(s: &mut String) {
    if s.len() > MAX_FIELD_BYTES {
        let mut cut = MAX_FIELD_BYTES;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s.shrink_to_fit();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: u16) -> JournalEntry {
        JournalEntry {
            seq: 0,
            tenant: Some("acme".into()),
            at: None,
            provider: "google".into(),
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            status,
            subject: None,
        }
    }

    #[test]
    fn keeps_only_the_newest_entries() {
        let mut j = Journal::with_capacity(3);
        for i in 0..5 {
            j.record(entry(&format!("/p{i}"), 200));
        }
        let all = j.query(&JournalFilter::default());
        assert_eq!(all.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["/p2", "/p3", "/p4"]);
        assert_eq!(j.evicted(), 2);
        assert_eq!(all[0].seq, 3);
    }

    #[test]
    fn filters_and_truncates() {
        let mut j = Journal::with_capacity(10);
        j.record(entry("/token", 401));
        j.record(entry("/calendar/v3/x", 200));
        j.record(entry(&"x".repeat(5000), 200));
        let f = JournalFilter { status: Some(401), ..Default::default() };
        assert_eq!(j.query(&f).len(), 1);
        let f = JournalFilter { path: Some("/calendar".into()), ..Default::default() };
        assert_eq!(j.query(&f).len(), 1);
        assert!(j.query(&JournalFilter::default())[2].path.len() <= MAX_FIELD_BYTES + 3);
        let f = JournalFilter { limit: Some(1), ..Default::default() };
        assert_eq!(j.query(&f)[0].seq, 3);
    }
}
