//! The step catalog `tenantsim steps` prints: every step expression with the sentence
//! that documents it, read from the step sources compiled into the binary, so it can
//! never drift from what the runner accepts.

use crate::steps::SOURCES;

/// One documented step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    /// `Given`, `When` or `Then`.
    pub keyword: &'static str,
    /// The cucumber expression.
    pub expression: String,
    /// Its documentation.
    pub doc: String,
    /// The concept file it lives in.
    pub concept: &'static str,
}

/// Every step, in source order per concept.
pub fn entries() -> Vec<CatalogEntry> {
    let mut out = Vec::new();
    for (concept, source) in SOURCES {
        let mut doc: Vec<String> = Vec::new();
        for line in source.lines().map(str::trim) {
            if let Some(text) = line.strip_prefix("///") {
                doc.push(text.trim().to_string());
                continue;
            }
            let keyword = [("#[given(expr = \"", "Given"), ("#[when(expr = \"", "When"), ("#[then(expr = \"", "Then")]
                .into_iter()
                .find(|(prefix, _)| line.starts_with(prefix));
            match keyword {
                Some((prefix, keyword)) => {
                    let expression =
                        line[prefix.len()..].trim_end_matches(")]").trim_end_matches('"').replace("\\\"", "\"");
                    out.push(CatalogEntry { keyword, expression, doc: doc.join(" "), concept });
                }
                None if line.starts_with("#[") => {}
                None => doc.clear(),
            }
        }
    }
    out
}

/// The catalog as text.
pub fn render() -> String {
    let mut text = String::from(
        "Step catalog (cucumber expressions). Parameters: {string} \"quoted text\", {int} 42, {word} one-word,\n\
         {color} green|yellow|red|off, {icon} email|calendar|web conference, {toggle} on|off,\n\
         {duration} 45m|1h30m|2d, {import} calendar|email|non-recorded meetings, {api} Calendar|Directory|token|Gmail,\n\
         {seat} recorder|viewer|none. Optional text in (parentheses).\n",
    );
    let mut concept = "";
    let all = entries();
    for (i, e) in all.iter().enumerate() {
        // A step registered under several keywords is listed once (`Given/When …`).
        if i > 0 && all[i - 1].expression == e.expression {
            continue;
        }
        let keywords: Vec<&str> =
            all[i..].iter().take_while(|x| x.expression == e.expression).map(|x| x.keyword).collect();
        if e.concept != concept {
            concept = e.concept;
            text.push_str(&format!("\n## {concept}\n"));
        }
        text.push_str(&format!("{} {}\n    {}\n", keywords.join("/"), e.expression, e.doc));
    }
    text
}

#[cfg(test)]
mod tests {
    use cucumber::codegen::{WorldInventory, inventory};

    use crate::world::TenantWorld;

    #[test]
    fn the_catalog_lists_every_registered_step_with_a_doc_line() {
        let registered = inventory::iter::<<TenantWorld as WorldInventory>::Given>.into_iter().count()
            + inventory::iter::<<TenantWorld as WorldInventory>::When>.into_iter().count()
            + inventory::iter::<<TenantWorld as WorldInventory>::Then>.into_iter().count();
        let entries = super::entries();
        assert_eq!(
            entries.len(),
            registered,
            "every #[given/when/then(expr = …)] must be in a file listed in steps::SOURCES"
        );
        for e in &entries {
            assert!(!e.doc.is_empty(), "step `{}` has no /// doc line", e.expression);
        }
    }
}
