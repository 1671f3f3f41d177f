//! Steps that run the engine and assert on what it shows: the Team members page (icons,
//! warnings, banners) and the meetings it imported.

use cucumber::gherkin::Step;
use cucumber::{then, when};
use engine::{IconKind, MemberRow, TeamMembersPage};

use super::table_rows;
use crate::params::{Color, IconParam, color_cell};
use crate::world::{StepResult, TenantWorld};

/// Runs one sync of the engine against the tenant.
#[when(expr = "the engine syncs")]
async fn engine_syncs(w: &mut TenantWorld) -> StepResult {
    let settings = w.settings.clone();
    let live = w.live().await?;
    live.engine.sync(&settings).await.map_err(|e| e.to_string())?;
    Ok(())
}

fn row<'a>(page: &'a TeamMembersPage, email: &str) -> Result<&'a MemberRow, String> {
    page.member(email).ok_or_else(|| {
        let all: Vec<_> = page.members.iter().map(|m| m.email.as_str()).collect();
        format!("{email} is not on the Team members page; rows: {all:?}")
    })
}

fn describe(row: &MemberRow) -> String {
    let warnings: Vec<String> = row.warnings.iter().map(|w| format!("{} ({})", w.code, w.message)).collect();
    format!(
        "{}: email {:?}, calendar {:?}, web conference {:?}; warnings: {}",
        row.email,
        row.email_icon,
        row.calendar_icon,
        row.web_conference_icon,
        if warnings.is_empty() { "none".into() } else { warnings.join("; ") }
    )
}

/// Asserts one icon of one member.
#[then(expr = "the {icon} icon of {string} is {color}")]
async fn icon_is(w: &mut TenantWorld, icon: IconParam, email: String, color: Color) -> StepResult {
    let page = w.page().await?;
    let r = row(&page, &email)?;
    if r.icon(icon.0) != color.0 {
        return Err(format!(
            "expected the {:?} icon {:?}, got {:?}\n  {}",
            icon.0,
            color.0,
            r.icon(icon.0),
            describe(r)
        ));
    }
    Ok(())
}

/// Asserts one icon of every member.
#[then(expr = "every team member's {icon} icon is {color}")]
async fn every_icon_is(w: &mut TenantWorld, icon: IconParam, color: Color) -> StepResult {
    let page = w.page().await?;
    if page.members.is_empty() {
        return Err(format!("expected every {:?} icon {:?}, but the page has no team members", icon.0, color.0));
    }
    let wrong: Vec<String> = page.members.iter().filter(|r| r.icon(icon.0) != color.0).map(describe).collect();
    if !wrong.is_empty() {
        return Err(format!("expected every {:?} icon {:?}, but:\n  {}", icon.0, color.0, wrong.join("\n  ")));
    }
    Ok(())
}

/// Asserts the whole page from a table: `member`, `email`, `calendar`, `web conference` (colours; missing columns are not checked).
#[then(expr = "the Team members page shows:")]
async fn page_shows(w: &mut TenantWorld, step: &Step) -> StepResult {
    let page = w.page().await?;
    let rows = table_rows(step)?;
    if rows.is_empty() {
        return Err("the table lists no members: nothing would be checked".into());
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for expected in rows {
        let email = expected.get("member").ok_or("the table needs a `member` column")?;
        let r = row(&page, email)?;
        for (column, kind) in
            [("email", IconKind::Email), ("calendar", IconKind::Calendar), ("web conference", IconKind::WebConference)]
        {
            if let Some(cell) = expected.get(column).filter(|c| !c.is_empty()) {
                let want = color_cell(cell)?;
                checked += 1;
                if r.icon(kind) != want {
                    problems.push(format!(
                        "{email} {column}: expected {want:?}, got {:?} — {}",
                        r.icon(kind),
                        describe(r)
                    ));
                }
            }
        }
    }
    if checked == 0 {
        return Err("the table has no `email`, `calendar` or `web conference` cell to check".into());
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
}

/// Asserts a member carries a warning with this code.
#[then(expr = "{string} has the warning {string}")]
async fn has_warning(w: &mut TenantWorld, email: String, code: String) -> StepResult {
    let page = w.page().await?;
    let r = row(&page, &email)?;
    if !r.warnings.iter().any(|x| x.code == code) {
        return Err(format!("expected warning {code}\n  {}", describe(r)));
    }
    Ok(())
}

/// Asserts a member's warning with this code mentions a text.
#[then(expr = "{string} has the warning {string} saying {string}")]
async fn warning_says(w: &mut TenantWorld, email: String, code: String, text: String) -> StepResult {
    let page = w.page().await?;
    let r = row(&page, &email)?;
    match r.warnings.iter().find(|x| x.code == code) {
        Some(x) if x.message.contains(&text) => Ok(()),
        Some(x) => Err(format!("warning {code} of {email} says {:?}, which does not contain {text:?}", x.message)),
        None => Err(format!("expected warning {code}\n  {}", describe(r))),
    }
}

/// Asserts a member has no warnings at all.
#[then(expr = "{string} has no warnings")]
async fn no_warnings(w: &mut TenantWorld, email: String) -> StepResult {
    let page = w.page().await?;
    let r = row(&page, &email)?;
    if !r.warnings.is_empty() {
        return Err(format!("expected no warnings\n  {}", describe(r)));
    }
    Ok(())
}

fn banners(page: &TeamMembersPage) -> String {
    let all: Vec<String> = page.banners.iter().map(|b| format!("{} {:?}: {}", b.code, b.count, b.message)).collect();
    if all.is_empty() { "no banners".into() } else { all.join("; ") }
}

/// Asserts a company banner is shown.
#[then(expr = "the page shows the banner {string}")]
async fn banner_shown(w: &mut TenantWorld, code: String) -> StepResult {
    let page = w.page().await?;
    page.banner(&code).map(|_| ()).ok_or_else(|| format!("expected banner {code}; the page has {}", banners(&page)))
}

/// Asserts a company banner is shown with a count (`[#]`).
#[then(expr = "the page shows the banner {string} with count {int}")]
async fn banner_count(w: &mut TenantWorld, code: String, count: usize) -> StepResult {
    let page = w.page().await?;
    match page.banner(&code) {
        Some(b) if b.count == Some(count) => Ok(()),
        _ => Err(format!("expected banner {code} with count {count}; the page has {}", banners(&page))),
    }
}

/// Asserts a company banner's text contains a phrase.
#[then(expr = "the banner {string} says {string}")]
async fn banner_says(w: &mut TenantWorld, code: String, text: String) -> StepResult {
    let page = w.page().await?;
    match page.banner(&code) {
        Some(b) if b.message.contains(&text) => Ok(()),
        _ => Err(format!("expected banner {code} saying {text:?}; the page has {}", banners(&page))),
    }
}

/// Asserts a company banner is not shown.
#[then(expr = "the page does not show the banner {string}")]
async fn banner_absent(w: &mut TenantWorld, code: String) -> StepResult {
    let page = w.page().await?;
    match page.banner(&code) {
        None => Ok(()),
        Some(_) => Err(format!("expected no banner {code}; the page has {}", banners(&page))),
    }
}

/// Asserts how many meetings the engine has imported (deduplicated across members' calendars).
#[then(expr = "the engine has imported {int} meeting(s)")]
async fn meetings_count(w: &mut TenantWorld, count: usize) -> StepResult {
    let live = w.live().await?;
    let meetings = live.engine.meetings().await.map_err(|e| e.to_string())?;
    if meetings.len() != count {
        let titles: Vec<_> = meetings.iter().map(|m| m.event.title.as_str()).collect();
        return Err(format!("expected {count} imported meetings, got {}: {titles:?}", meetings.len()));
    }
    Ok(())
}

/// Asserts a meeting with this title was imported.
#[then(expr = "the engine has imported the meeting {string}")]
async fn meeting_imported(w: &mut TenantWorld, title: String) -> StepResult {
    let live = w.live().await?;
    let meetings = live.engine.meetings().await.map_err(|e| e.to_string())?;
    if !meetings.iter().any(|m| m.event.title == title) {
        let titles: Vec<_> = meetings.iter().map(|m| m.event.title.as_str()).collect();
        return Err(format!("no imported meeting titled {title:?}; imported: {titles:?}"));
    }
    Ok(())
}
