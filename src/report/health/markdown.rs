//! The report as Markdown tables, for a GitHub job summary
//! (`$GITHUB_STEP_SUMMARY`) or a GitLab merge-request note: both render
//! GitHub-flavoured tables and a `<br>`, neither runs a script.
//!
//! Text from the report is the repository's: in a table a `|` would split
//! a cell, a newline end the table, and `<b>`, `[text](url)` or a backtick
//! would become markup in someone's merge request, so [`text`] escapes them.

use std::fmt::Write as _;

use super::HealthReport;
use super::data::{Mark, PageRef, Role, TeamHealth};
use super::marks::{Aspect, percent};
use crate::report::escape::visible;

pub(super) fn markdown(report: &HealthReport) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let _ = writeln!(out, "## Team health: {}\n", text(&report.repository));
    let mut meta = format!("As of {}", text(&report.now));
    if let Some(head) = &report.head {
        let _ = write!(meta, " · HEAD {}", text(head.get(..8).unwrap_or(head)));
    }
    let _ = writeln!(
        out,
        "{meta} · iterations of {} days from {}, {} days' grace · \
         {} errors, {} warnings\n",
        report.calendar.length_days,
        text(&report.calendar.start),
        report.calendar.grace_days,
        report.findings.errors,
        report.findings.warnings,
    );
    grid(&mut out, report);
    teams(&mut out, report);
    trend(&mut out, report);
    findings(&mut out, report);
    if !report.notes.is_empty() {
        out.push_str("### Notes\n\n");
        for note in &report.notes {
            let _ = writeln!(out, "- {}", text(note));
        }
        out.push('\n');
    }
    out.push_str("<sub>Made by handbook-lint from the repository's git history; the same data: `handbook-lint report --format json`.</sub>\n");
    out
}

/// Text from the report, inert in a table cell or a list item: HTML's
/// `<`, `>` and `&` as entities, Markdown's punctuation backslash-escaped
/// (`|` too, which GitHub and GitLab honour inside tables), and control
/// characters, newlines included, shown escaped so a row stays one line.
fn text(raw: &str) -> String {
    let raw = visible(raw);
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A backslash escape does not work inside a code span, and a
            // backtick could open one; the entity is never markup.
            '`' => out.push_str("&#96;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn role(role: &Role) -> String {
    if role.vacant {
        "none, by design".to_string()
    } else if role.people.is_empty() {
        "✗ nobody".to_string()
    } else {
        role.people
            .iter()
            .map(|person| text(person))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn page_state(page: &PageRef) -> Option<&'static str> {
    match page.state {
        "missing" => Some("○ missing"),
        "off" => Some("not kept"),
        "external" => Some("kept elsewhere"),
        _ => None,
    }
}

fn goals(team: &TeamHealth) -> String {
    if let Some(state) = page_state(&team.goals.page) {
        return state.to_string();
    }
    let last = team.goals.last_update.as_ref().map_or_else(
        || "no update known".to_string(),
        |update| text(&update.date),
    );
    match team.goals.iterations_without_update {
        0 => format!("✓ {last}"),
        1 => format!("✗ {last}, 1 iteration without"),
        n => format!("✗ {last}, {n} iterations without"),
    }
}

fn process(team: &TeamHealth) -> String {
    let pages = team
        .process
        .iter()
        .map(|page| {
            let state = page_state(&page.page).map_or_else(
                || {
                    let age = page
                        .age_days
                        .map_or_else(|| "?".to_string(), |days| days.to_string());
                    let limit = page
                        .max_age_days
                        .map_or_else(|| "–".to_string(), |days| days.to_string());
                    let mark = if page.stale { "✗" } else { "✓" };
                    format!("{mark} {age}/{limit} d")
                },
                str::to_string,
            );
            format!("{}: {state}", text(&page.page.kind))
        })
        .collect::<Vec<_>>();
    if pages.is_empty() {
        "–".to_string()
    } else {
        pages.join("<br>")
    }
}

fn teams(out: &mut String, report: &HealthReport) {
    if report.teams.is_empty() {
        out.push_str("The configuration names no team.\n\n");
        return;
    }
    out.push_str(
        "### Teams\n\n| Team | PM | EM | Goals (last update) | Process pages (age/limit) | \
         Retros held | Action items | Ownership |\n|---|---|---|---|---|---|---|---|\n",
    );
    for team in &report.teams {
        let retros = match team.retros.kept {
            "off" => "not kept".to_string(),
            "external" => "kept elsewhere".to_string(),
            _ => format!("{} of {}", team.retros.held, team.retros.required),
        };
        let items = &team.action_items;
        let ownership = if team.ownership.is_empty() {
            "✓ none".to_string()
        } else {
            team.ownership
                .iter()
                .map(|finding| format!("{}: {}", text(&finding.code), text(&finding.message)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(
            out,
            "| **{}** | {} | {} | {} | {} | {retros} | {} open, {} overdue; carried {} of {} | {ownership} |",
            text(&team.name),
            role(&team.pm),
            role(&team.em),
            goals(team),
            process(team),
            items.open,
            items.overdue,
            items.carried,
            items.due,
        );
    }
    out.push('\n');
}

fn grid(out: &mut String, report: &HealthReport) {
    out.push_str("### Iterations\n\n");
    if report.iterations.is_empty() {
        out.push_str("No iteration has completed yet.\n\n");
        return;
    }
    out.push_str("| Team |");
    for iteration in &report.iterations {
        let _ = write!(
            out,
            " #{}<br>{} |",
            iteration.number,
            text(iteration.start.get(5..).unwrap_or(&iteration.start))
        );
    }
    out.push_str("\n|---|");
    out.push_str(&":-:|".repeat(report.iterations.len()));
    out.push('\n');
    for team in &report.teams {
        let _ = write!(out, "| {} |", text(&team.name));
        for iteration in &report.iterations {
            let marks = team
                .cells
                .iter()
                .find(|cell| cell.iteration == iteration.number)
                .map_or_else(
                    || "·".to_string(),
                    |cell| {
                        Aspect::ALL
                            .iter()
                            .map(|aspect| aspect.mark(cell).symbol())
                            .collect()
                    },
                );
            let _ = write!(out, " {marks} |");
        }
        out.push('\n');
    }
    out.push_str("\nEach cell: goals page updated (HB102), retro held (HB301), action items carried (HB304). ");
    let legend = Mark::ALL
        .iter()
        .map(|mark| format!("{} {}", mark.symbol(), mark.legend()))
        .collect::<Vec<_>>()
        .join(" · ");
    let _ = writeln!(out, "{legend}.\n");
}

fn share(fresh: usize, total: usize) -> String {
    percent(fresh, total).map_or_else(
        || "–".to_string(),
        |pct| format!("{pct}% ({fresh} of {total})"),
    )
}

fn trend(out: &mut String, report: &HealthReport) {
    if report.trend.is_empty() {
        return;
    }
    out.push_str(
        "### Trend\n\nPages updated in substance within their limit, on each month's last day.\n\n\
         | Month | All pages | Required pages |\n|---|--:|--:|\n",
    );
    for point in &report.trend {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            text(&point.month),
            share(point.pages.fresh, point.pages.total),
            share(point.required.fresh, point.required.total)
        );
    }
    out.push('\n');
}

fn findings(out: &mut String, report: &HealthReport) {
    let totals = &report.findings;
    if totals.by_code.is_empty() {
        out.push_str("### Findings now\n\nNone.\n\n");
        return;
    }
    out.push_str("### Findings now\n\n| Code | Findings |\n|---|--:|\n");
    for (code, count) in &totals.by_code {
        let _ = writeln!(out, "| {} | {count} |", text(code));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::super::sample::sample;
    use super::*;

    #[test]
    fn sample_tables() {
        insta::assert_snapshot!(markdown(&sample()));
    }

    /// A table row's cells: `|` splits unless a backslash escapes it (a
    /// backslash escapes the character after it, itself included).
    fn columns(row: &str) -> usize {
        let mut count = 0;
        let mut chars = row.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '|' => count += 1,
                _ => {}
            }
        }
        count - 1
    }

    #[test]
    fn the_column_count_sees_escapes() {
        assert_eq!(columns("| a | b |"), 2);
        assert_eq!(columns("| a \\| b | c |"), 2);
        assert_eq!(columns("| a \\\\| b | c |"), 3);
    }

    /// Every table keeps its shape and no text becomes markup, whatever
    /// the names: pipes, HTML, backticks, brackets, newlines.
    #[test]
    fn hostile_names_stay_in_their_cells() {
        let mut report = sample();
        report.teams[2].name = "infra\\|`x`\n| --- |".to_string();
        report.teams[0].pm.people = vec!["[me](https://evil.example) <img src=x>".to_string()];
        report.teams[0].ownership[0].message = "a | b\r\nc".to_string();
        report
            .notes
            .push("![x](https://evil.example/x.png)".to_string());
        let text = markdown(&report);
        let mut tables = 0;
        for table in text.split("\n\n").filter(|block| block.starts_with('|')) {
            tables += 1;
            let widths = table.lines().map(columns).collect::<Vec<_>>();
            assert!(
                widths.iter().all(|&width| width == widths[0]),
                "{widths:?} in\n{table}"
            );
        }
        // Teams, grid, trend, findings.
        assert_eq!(tables, 4);
        assert!(
            text.contains("| ads \\| &lt;b&gt;bold&lt;/b&gt; |"),
            "{text}"
        );
        // The newline shown as `\n`, its backslash escaped like the others.
        assert!(
            text.contains("infra\\\\\\|&#96;x&#96;\\\\n\\| --- \\|"),
            "{text}"
        );
        assert!(
            text.contains("\\[me\\]\\(https://evil.example\\) &lt;img src=x&gt;"),
            "{text}"
        );
        assert!(
            text.contains("- \\!\\[x\\]\\(https://evil.example/x.png\\)"),
            "{text}"
        );
        assert!(!text.contains("<b>") && !text.contains("<img"));
    }
}
