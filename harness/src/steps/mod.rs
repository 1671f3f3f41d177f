//! The step vocabulary, one file per domain concept. Every step has a `///` line that
//! the `steps` catalog prints next to its expression; keep it a sentence a QA writer can
//! act on.

pub mod company;
pub mod faults;
pub mod journal;
pub mod mail;
pub mod page;
pub mod provider;
pub mod recording;
pub mod tenant;
pub mod time;

/// The source of every step file, for the catalog.
pub const SOURCES: &[(&str, &str)] = &[
    ("tenant", include_str!("tenant.rs")),
    ("company", include_str!("company.rs")),
    ("time", include_str!("time.rs")),
    ("faults", include_str!("faults.rs")),
    ("page", include_str!("page.rs")),
    ("journal", include_str!("journal.rs")),
    ("recording", include_str!("recording.rs")),
    ("mail", include_str!("mail.rs")),
    ("provider", include_str!("provider.rs")),
];

use cucumber::gherkin::Step;

/// The data table of a step as rows of trimmed cells keyed by the header row.
pub fn table_rows(step: &Step) -> Result<Vec<std::collections::HashMap<String, String>>, String> {
    let table = step.table.as_ref().ok_or("this step needs a data table")?;
    let mut rows = table.rows.iter();
    let header: Vec<String> =
        rows.next().ok_or("the table has no header row")?.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
    Ok(rows.map(|r| header.iter().cloned().zip(r.iter().map(|c| c.trim().to_string())).collect()).collect())
}
