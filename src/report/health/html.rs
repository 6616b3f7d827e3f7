//! The report as one self-contained HTML page: inline CSS and SVG, no
//! script, nothing fetched. The page is also well-formed XML, so the tests
//! parse it and a browser's DOM dump can be checked cell by cell.
//!
//! Everything from the report is text the repository wrote (team names,
//! paths, messages, and an external page's location, which is any URL the
//! config names): it is escaped and never becomes a link or a resource. The
//! only links are the page's own `#fragments`.

use std::fmt::Write as _;

use super::HealthReport;
use super::data::{Cell, IterationInfo, PageAge, PageRef, Role, Share, TeamHealth, Update};
use super::marks::{Aspect, percent};
use crate::report::escape::visible;

const STYLE: &str = include_str!("style.css");

pub(super) fn html(report: &HealthReport) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta name=\"color-scheme\" content=\"light dark\"/>\n\
         <meta name=\"generator\" content=\"handbook-lint {}\"/>\n\
         <title>Team health: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&report.repository),
    );
    header(&mut out, report);
    // The grid first: it is the picture people come for, and on paper it
    // shares the first page with the header.
    grid(&mut out, report);
    team_cards(&mut out, report);
    trend(&mut out, report);
    findings(&mut out, report);
    notes(&mut out, report);
    let _ = write!(
        out,
        "<footer>Made by handbook-lint {} from the repository's git history at {}. \
         The same data: <code>handbook-lint report --format json</code>.</footer>\n\
         </body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&report.now),
    );
    out
}

/// Text from the report, safe in element content and in quoted
/// attributes: markup characters as entities, and control and
/// bidirectional characters shown escaped (XML does not allow most of
/// them, and a reader should see them).
fn esc(text: &str) -> String {
    crate::report::xml(&visible(text))
}

fn short_commit(commit: &str) -> &str {
    commit.get(..8).unwrap_or(commit)
}

fn header(out: &mut String, report: &HealthReport) {
    let _ = write!(
        out,
        "<header>\n<h1>Team health: {}</h1>\n<dl class=\"meta\">\n\
         <div><dt>As of</dt><dd><time>{}</time></dd></div>\n",
        esc(&report.repository),
        esc(&report.now)
    );
    if let Some(head) = &report.head {
        let _ = writeln!(
            out,
            "<div><dt>HEAD</dt><dd><code title=\"{}\">{}</code></dd></div>",
            esc(head),
            esc(short_commit(head))
        );
    }
    let calendar = &report.calendar;
    let _ = writeln!(
        out,
        "<div><dt>Iterations</dt><dd>{} days from {}, {} days' grace</dd></div>\n</dl>",
        calendar.length_days,
        esc(&calendar.start),
        calendar.grace_days
    );
    out.push_str(
        "<nav aria-label=\"Sections\"><a href=\"#grid\">Iterations</a><a href=\"#teams\">Teams</a>\
         <a href=\"#trend\">Trend</a><a href=\"#findings\">Findings</a>",
    );
    if !report.notes.is_empty() {
        out.push_str("<a href=\"#notes\">Notes</a>");
    }
    out.push_str("</nav>\n<div class=\"totals\">\n");
    let latest = report.trend.last();
    let stats = [
        (report.teams.len().to_string(), "teams"),
        (
            report.iterations.len().to_string(),
            "iterations in the grid",
        ),
        (report.findings.errors.to_string(), "errors"),
        (report.findings.warnings.to_string(), "warnings"),
        (
            share_text(latest.map(|point| point.required)),
            "required pages fresh now",
        ),
        (
            share_text(latest.map(|point| point.pages)),
            "of all pages fresh now",
        ),
    ];
    for (value, label) in stats {
        let _ = writeln!(
            out,
            "<div class=\"stat\"><b>{value}</b><span>{label}</span></div>"
        );
    }
    out.push_str("</div>\n</header>\n");
}

fn share_text(share: Option<Share>) -> String {
    share
        .and_then(|share| percent(share.fresh, share.total))
        .map_or_else(|| "–".to_string(), |pct| format!("{pct}%"))
}

fn team_anchor(index: usize) -> String {
    format!("team-{}", index + 1)
}

fn team_cards(out: &mut String, report: &HealthReport) {
    out.push_str("<section id=\"teams\">\n<h2>Teams</h2>\n");
    if report.teams.is_empty() {
        out.push_str("<p class=\"muted\">The configuration names no team.</p>\n</section>\n");
        return;
    }
    out.push_str("<div class=\"cards\">\n");
    for (index, team) in report.teams.iter().enumerate() {
        team_card(out, index, team);
    }
    out.push_str("</div>\n</section>\n");
}

fn team_card(out: &mut String, index: usize, team: &TeamHealth) {
    let _ = write!(
        out,
        "<article class=\"card\" id=\"{}\">\n<h3>{}</h3>\n<div class=\"dir\"><code>{}</code>",
        team_anchor(index),
        esc(&team.name),
        esc(&team.dir)
    );
    if let Some(since) = &team.since {
        let _ = write!(out, " · rules since {}", esc(since));
    }
    out.push_str("</div>\n<dl>\n");
    let _ = writeln!(out, "<dt>PM</dt><dd>{}</dd>", role(&team.pm));
    let _ = writeln!(out, "<dt>EM</dt><dd>{}</dd>", role(&team.em));
    let _ = writeln!(out, "<dt>Goals</dt><dd>{}</dd>", goals(team));
    let _ = writeln!(
        out,
        "<dt>Process pages</dt><dd>{}</dd>",
        process(&team.process)
    );
    let _ = writeln!(out, "<dt>Retros</dt><dd>{}</dd>", retros(team));
    let items = &team.action_items;
    let overdue = if items.overdue > 0 {
        format!("<span class=\"badge bad\">{} overdue</span>", items.overdue)
    } else {
        "none overdue".to_string()
    };
    let _ = writeln!(
        out,
        "<dt>Action items</dt><dd>{} open, {overdue}; carried after {} of {} retros</dd>",
        items.open, items.carried, items.due
    );
    let _ = writeln!(out, "<dt>Ownership</dt><dd>{}</dd>", ownership(team));
    let codes = team
        .findings
        .iter()
        .map(|(code, count)| format!("<code>{}</code> ×{count}", esc(code)))
        .collect::<Vec<_>>();
    let _ = writeln!(
        out,
        "<dt>Findings now</dt><dd>{}</dd>",
        if codes.is_empty() {
            "<span class=\"ok\">✓ none</span>".to_string()
        } else {
            codes.join(", ")
        }
    );
    out.push_str("</dl>\n</article>\n");
}

fn role(role: &Role) -> String {
    if role.vacant {
        "<span class=\"muted\">none, by design</span>".to_string()
    } else if role.people.is_empty() {
        "<span class=\"badge bad\">✗ nobody named</span>".to_string()
    } else {
        role.people
            .iter()
            .map(|person| esc(person))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a page is, in words: its path (and section), or why there is none.
fn page_place(page: &PageRef) -> String {
    let path = page.path.as_deref().map(esc).unwrap_or_default();
    match page.state {
        "missing" => format!("<span class=\"badge warn\">○ missing</span> <code>{path}</code>"),
        "off" => "<span class=\"muted\">not kept</span>".to_string(),
        "external" => format!("<span class=\"muted\">kept elsewhere:</span> <code>{path}</code>"),
        _ => match &page.anchor {
            Some(anchor) => format!("<code>{path}#{}</code>", esc(anchor)),
            None => format!("<code>{path}</code>"),
        },
    }
}

fn update_text(update: &Update) -> String {
    let mut text = esc(&update.date);
    match &update.commit {
        Some(commit) => {
            let _ = write!(
                text,
                " <code title=\"{}\">{}</code>",
                esc(commit),
                esc(short_commit(commit))
            );
        }
        None => {
            let _ = write!(
                text,
                " <span class=\"muted\">({})</span>",
                esc(update.source)
            );
        }
    }
    text
}

fn goals(team: &TeamHealth) -> String {
    let goals = &team.goals;
    let mut text = page_place(&goals.page);
    if goals.page.state != "found" {
        return text;
    }
    match &goals.last_update {
        Some(update) => {
            let _ = write!(text, "<br/>last updated {}", update_text(update));
        }
        None => text.push_str("<br/>no update known"),
    }
    let _ = match goals.iterations_without_update {
        0 => write!(text, " <span class=\"badge ok\">✓ current</span>"),
        1 => write!(
            text,
            " <span class=\"badge bad\">✗ 1 iteration without an update</span>"
        ),
        n => write!(
            text,
            " <span class=\"badge bad\">✗ {n} iterations without an update</span>"
        ),
    };
    text
}

fn process(pages: &[PageAge]) -> String {
    if pages.is_empty() {
        return "<span class=\"muted\">none with a maximum age</span>".to_string();
    }
    let mut text = String::from("<ul>");
    for page in pages {
        let _ = write!(
            text,
            "<li>{}: {}",
            esc(&page.page.kind),
            page_place(&page.page)
        );
        if page.page.state == "found" {
            let age = page.age_days.map_or_else(
                || "age unknown".to_string(),
                |days| format!("{days} days old"),
            );
            let limit = page
                .max_age_days
                .map(|days| format!(" (limit {days})"))
                .unwrap_or_default();
            let badge = if page.stale {
                "<span class=\"badge bad\">✗ stale</span>"
            } else {
                "<span class=\"badge ok\">✓ fresh</span>"
            };
            let _ = write!(text, "<br/>{age}{limit} {badge}");
        }
        text.push_str("</li>");
    }
    text.push_str("</ul>");
    text
}

fn retros(team: &TeamHealth) -> String {
    let retros = &team.retros;
    match retros.kept {
        "off" => return "<span class=\"muted\">not kept</span>".to_string(),
        "external" => return "<span class=\"muted\">kept elsewhere</span>".to_string(),
        _ => {}
    }
    let class = if retros.held >= retros.required {
        "ok"
    } else {
        "bad"
    };
    let mut text = format!(
        "<span class=\"{class}\">{} of {}</span> held",
        retros.held, retros.required
    );
    if let Some(last) = &retros.last {
        let _ = write!(text, "; last {}", esc(last));
    }
    text
}

fn ownership(team: &TeamHealth) -> String {
    if team.ownership.is_empty() {
        return "<span class=\"ok\">✓ no findings</span>".to_string();
    }
    let mut text = String::from("<ul>");
    for finding in &team.ownership {
        let severity = if finding.severity == "error" {
            "bad"
        } else {
            "warn"
        };
        let _ = write!(
            text,
            "<li><code class=\"{severity}\">{}</code> {}",
            esc(&finding.code),
            esc(&finding.message)
        );
        if let Some(path) = &finding.path {
            let line = finding
                .line
                .map(|line| format!(":{line}"))
                .unwrap_or_default();
            let _ = write!(
                text,
                " <span class=\"muted\"><code>{}{line}</code></span>",
                esc(path)
            );
        }
        text.push_str("</li>");
    }
    text.push_str("</ul>");
    text
}

fn grid(out: &mut String, report: &HealthReport) {
    out.push_str("<section id=\"grid\">\n<h2>Iterations</h2>\n");
    if report.iterations.is_empty() {
        out.push_str("<p class=\"muted\">No iteration has completed yet.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p class=\"muted\">Each cell: goals page updated (HB102) · retro held (HB301) · \
         action items carried (HB304), as <code>check</code> saw each completed iteration.</p>\n\
         <ul class=\"legend\">\n",
    );
    for mark in super::data::Mark::ALL {
        let _ = writeln!(
            out,
            "<li><span class=\"m {}\" aria-hidden=\"true\">{}</span>{}</li>",
            mark.key(),
            mark.symbol(),
            mark.legend()
        );
    }
    out.push_str(
        "</ul>\n<div class=\"scroll\">\n<table class=\"grid\">\n<thead><tr><th class=\"team\" scope=\"col\">Team</th>",
    );
    for iteration in &report.iterations {
        let _ = write!(
            out,
            "<th scope=\"col\" title=\"iteration {n}: {start} to {end}, counted from {completed}\">\
             #{n}<span class=\"dates\">{}</span></th>",
            esc(iteration.start.get(5..).unwrap_or(&iteration.start)),
            n = iteration.number,
            start = esc(&iteration.start),
            end = esc(&iteration.end),
            completed = esc(&iteration.completed),
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (index, team) in report.teams.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th class=\"team\" scope=\"row\"><a href=\"#{}\">{}</a></th>",
            team_anchor(index),
            esc(&team.name)
        );
        for iteration in &report.iterations {
            match team
                .cells
                .iter()
                .find(|cell| cell.iteration == iteration.number)
            {
                Some(cell) => grid_cell(out, index, team, iteration, cell),
                None => out.push_str("<td class=\"muted\" title=\"no data\">·</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn grid_cell(
    out: &mut String,
    index: usize,
    team: &TeamHealth,
    iteration: &IterationInfo,
    cell: &Cell,
) {
    let mut lines = vec![format!(
        "{}, iteration {} ({} to {})",
        team.name, iteration.number, iteration.start, iteration.end
    )];
    for aspect in Aspect::ALL {
        let mut line = aspect.describe(aspect.mark(cell)).to_string();
        match aspect {
            Aspect::Goals => {
                if let Some(commit) = &cell.goals_commit {
                    let _ = write!(line, " ({})", short_commit(commit));
                }
            }
            Aspect::Retro => {
                if !cell.retros.is_empty() {
                    let _ = write!(line, " ({})", cell.retros.join(", "));
                }
            }
            Aspect::Carry => {}
        }
        lines.push(line);
    }
    for retro in &cell.carry_retros {
        let verdict = if retro.carried {
            "carried"
        } else {
            "not carried"
        };
        lines.push(format!(
            "  {} of {}: {} items, {verdict}",
            retro.path, retro.date, retro.items
        ));
    }
    // One line per mark in the tooltip: `&#10;` is a line break inside an
    // attribute, and each line is escaped on its own.
    let title = lines
        .iter()
        .map(|line| esc(line))
        .collect::<Vec<_>>()
        .join("&#10;");
    let _ = write!(
        out,
        "<td data-team=\"{}\" data-iteration=\"{}\" data-goals=\"{}\" data-retro=\"{}\" \
         data-carry=\"{}\" title=\"{}\"><a href=\"#{}\">",
        esc(&team.name),
        cell.iteration,
        cell.goals.key(),
        cell.retro.key(),
        cell.carry.key(),
        title,
        team_anchor(index),
    );
    for aspect in Aspect::ALL {
        let mark = aspect.mark(cell);
        let _ = write!(
            out,
            "<span class=\"m {}\" role=\"img\" aria-label=\"{}\">{}</span>",
            mark.key(),
            aspect.describe(mark),
            mark.symbol()
        );
    }
    out.push_str("</a></td>");
}

fn trend(out: &mut String, report: &HealthReport) {
    out.push_str("<section id=\"trend\">\n<h2>Trend</h2>\n");
    if report.trend.is_empty() {
        out.push_str("<p class=\"muted\">No month to show.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p class=\"muted\">Per month, the share of pages updated in substance within their \
         limit, measured on the month's last day. Retros are records, not counted.</p>\n\
         <div class=\"trend\">\n",
    );
    trend_chart(out, report);
    out.push_str(
        "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">Month</th>\
         <th scope=\"col\">All pages</th><th scope=\"col\">%</th>\
         <th scope=\"col\">Required</th><th scope=\"col\">%</th></tr></thead>\n<tbody>\n",
    );
    for point in &report.trend {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{} of {}</td><td>{}</td><td>{} of {}</td><td>{}</td></tr>",
            esc(&point.month),
            point.pages.fresh,
            point.pages.total,
            share_text(Some(point.pages)),
            point.required.fresh,
            point.required.total,
            share_text(Some(point.required)),
        );
    }
    out.push_str("</tbody>\n</table></div>\n</div>\n</section>\n");
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2026-03` as `Mar`, with the year under January and the first month.
fn month_label(month: &str, first: bool) -> (String, Option<String>) {
    let number = month.get(5..7).and_then(|m| m.parse::<usize>().ok());
    match number.and_then(|m| MONTHS.get(m.wrapping_sub(1))) {
        Some(name) => {
            let year =
                (first || number == Some(1)).then(|| month.get(..4).unwrap_or("").to_string());
            ((*name).to_string(), year)
        }
        None => (month.to_string(), None),
    }
}

/// Grouped bars, one pair per month: all pages solid, required pages
/// outlined and dashed, each with its percentage written above it.
fn trend_chart(out: &mut String, report: &HealthReport) {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 280.0;
    const LEFT: f64 = 40.0;
    const RIGHT: f64 = 8.0;
    const TOP: f64 = 44.0;
    const BOTTOM: f64 = 44.0;
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_height;
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"trend-title\">\n\
         <title id=\"trend-title\">Share of pages fresh per month, all pages and required pages</title>\n\
         <rect class=\"swatch-pages\" x=\"{LEFT}\" y=\"10\" width=\"12\" height=\"12\"/>\
         <text x=\"{}\" y=\"20\">All pages</text>\
         <rect class=\"swatch-required\" x=\"{}\" y=\"10\" width=\"12\" height=\"12\"/>\
         <text x=\"{}\" y=\"20\">Required pages (goals, process)</text>\n",
        LEFT + 17.0,
        LEFT + 100.0,
        LEFT + 117.0,
    );
    for step in 0..=4 {
        let y = base - plot_height * f64::from(step) / 4.0;
        let _ = writeln!(
            out,
            "<line class=\"gridline\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}%</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            step * 25
        );
    }
    let group = plot_width / report.trend.len() as f64;
    let bar = (group * 0.36).min(26.0);
    for (i, point) in report.trend.iter().enumerate() {
        let middle = LEFT + group * (i as f64 + 0.5);
        for (share, class, x, name) in [
            (point.pages, "bar-pages", middle - bar - 1.0, "all pages"),
            (
                point.required,
                "bar-required",
                middle + 1.0,
                "required pages",
            ),
        ] {
            let pct = percent(share.fresh, share.total);
            let height = plot_height * f64::from(pct.unwrap_or(0)) / 100.0;
            let _ = writeln!(
                out,
                "<g><title>{}: {name} {} of {} fresh ({})</title>\
                 <rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"9\">{}</text></g>",
                esc(&point.month),
                share.fresh,
                share.total,
                share_text(Some(share)),
                base - height,
                x + bar / 2.0,
                base - height - 4.0,
                pct.map_or_else(|| "–".to_string(), |pct| pct.to_string()),
            );
        }
        let (name, year) = month_label(&point.month, i == 0);
        let _ = write!(
            out,
            "<text class=\"axis\" x=\"{middle:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            base + 16.0,
            esc(&name)
        );
        if let Some(year) = year {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{middle:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                base + 30.0,
                esc(&year)
            );
        }
        out.push('\n');
    }
    out.push_str("</svg>\n");
}

fn findings(out: &mut String, report: &HealthReport) {
    let totals = &report.findings;
    let _ = write!(
        out,
        "<section id=\"findings\">\n<h2>Findings now</h2>\n<p><span class=\"{}\">{} errors</span>, \
         <span class=\"{}\">{} warnings</span> from <code>check</code> at {}.</p>\n",
        if totals.errors > 0 { "bad" } else { "ok" },
        totals.errors,
        if totals.warnings > 0 { "warn" } else { "ok" },
        totals.warnings,
        esc(&report.now)
    );
    if !totals.by_code.is_empty() {
        out.push_str(
            "<div class=\"scroll\" style=\"display: inline-block\"><table class=\"codes\">\n\
             <thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n",
        );
        for (code, count) in &totals.by_code {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{count}</td></tr>",
                esc(code)
            );
        }
        out.push_str("</tbody>\n</table></div>\n");
    }
    out.push_str("</section>\n");
}

fn notes(out: &mut String, report: &HealthReport) {
    if report.notes.is_empty() {
        return;
    }
    out.push_str("<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
    for note in &report.notes {
        let _ = writeln!(out, "<li>{}</li>", esc(note));
    }
    out.push_str("</ul>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::super::data::{Mark, PageAge};
    use super::super::sample::sample;
    use super::*;

    fn parse(page: &str) -> roxmltree::Document<'_> {
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        match roxmltree::Document::parse_with_options(page, options) {
            Ok(document) => document,
            Err(error) => panic!("the page is not well-formed: {error}"),
        }
    }

    /// Attributes whose value a browser fetches or navigates to.
    const URL_ATTRIBUTES: [&str; 12] = [
        "src",
        "srcset",
        "href",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "cite",
        "codebase",
        "manifest",
        "ping",
    ];
    /// Elements that load or run something, whatever their attributes.
    const LOADING_ELEMENTS: [&str; 11] = [
        "script", "link", "img", "iframe", "frame", "object", "embed", "base", "audio", "video",
        "image",
    ];

    /// CSS that fetches: `url(`, `@import`, `image-set(`, with comments and
    /// escapes taken out first so `u\72l(` or `ur/**/l(` cannot hide one.
    fn css_fetches(css: &str) -> bool {
        let mut plain = String::with_capacity(css.len());
        let mut rest = css;
        while let Some(start) = rest.find("/*") {
            plain.push_str(&rest[..start]);
            rest = rest[start + 2..]
                .find("*/")
                .map_or("", |end| &rest[start + 2 + end + 2..]);
        }
        plain.push_str(rest);
        let plain = plain.to_ascii_lowercase();
        plain.contains('\\')
            || ["url(", "@import", "image-set(", "image(", "src("]
                .iter()
                .any(|fetch| plain.contains(fetch))
    }

    /// Every way `page` could reach outside itself, one line each.
    fn external_references(page: &str) -> Vec<String> {
        let document = parse(page);
        let mut found = Vec::new();
        for node in document.descendants().filter(roxmltree::Node::is_element) {
            let name = node.tag_name().name().to_ascii_lowercase();
            if LOADING_ELEMENTS.contains(&name.as_str()) {
                found.push(format!("<{name}>"));
            }
            if name == "meta" && node.attribute("http-equiv").is_some() {
                found.push("<meta http-equiv>".to_string());
            }
            if name == "style" && node.text().is_some_and(css_fetches) {
                found.push("a fetch in <style>".to_string());
            }
            for attribute in node.attributes() {
                let key = attribute.name().to_ascii_lowercase();
                let value = attribute.value();
                let internal = key == "href" && value.starts_with('#') && !value.contains(':');
                if URL_ATTRIBUTES.contains(&key.as_str()) && !internal {
                    found.push(format!("{key}=\"{value}\" on <{name}>"));
                }
                if key == "style" && css_fetches(value) {
                    found.push(format!("a fetch in style=\"{value}\""));
                }
                if key.starts_with("on") {
                    found.push(format!("script in {key}"));
                }
            }
        }
        found
    }

    /// The sample with a team whose pages are kept at hostile URLs, and
    /// markup in every text the repository controls.
    fn hostile() -> HealthReport {
        let mut report = sample();
        let evil = "https://evil.example/x.png";
        let mut team = report.teams[1].clone();
        team.name = "<img src=\"https://evil.example/n.png\"> & 'quotes'".to_string();
        team.dir = "hb/<script>alert(1)</script>".to_string();
        team.goals.page.state = "external";
        team.goals.page.path = Some(evil.to_string());
        team.process.push(PageAge {
            page: PageRef {
                kind: "roadmap\u{1b}[31m".to_string(),
                state: "external",
                path: Some(format!("url({evil}) <link href=\"{evil}\">")),
                anchor: Some("\"><a href=\"https://evil.example\">".to_string()),
            },
            last_update: None,
            age_days: None,
            max_age_days: None,
            stale: false,
        });
        team.ownership[0].message = "<style>@import 'https://evil.example/c.css'</style>".into();
        report
            .notes
            .push(format!("see <a href=\"{evil}\">here</a>"));
        report.teams.push(team);
        report
    }

    #[test]
    fn sample_page() {
        // The version would change the snapshot at every release.
        let version = regex::escape(env!("CARGO_PKG_VERSION"));
        insta::with_settings!({ filters => vec![(version.as_str(), "[VERSION]")] }, {
            insta::assert_snapshot!(html(&sample()));
        });
    }

    /// The test below would pass on a page it cannot read: make sure it
    /// sees each kind of reference.
    #[test]
    fn the_reference_check_sees_every_kind() {
        let page = "<html><head><link rel=\"stylesheet\" href=\"s.css\"/>\
            <style>/* x */ @IMPORT 'a.css'; b { background: u\\72l(x) }</style></head>\
            <body><a href=\"https://a.example\">a</a><a href=\"#ok\">ok</a>\
            <div style=\"background: URL(x)\" onclick=\"x()\"/><svg><image href=\"x.png\"/></svg>\
            <script>1</script><img src=\"x.png\"/></body></html>";
        assert_eq!(
            external_references(page),
            [
                "<link>",
                "href=\"s.css\" on <link>",
                "a fetch in <style>",
                "href=\"https://a.example\" on <a>",
                "a fetch in style=\"background: URL(x)\"",
                "script in onclick",
                "<image>",
                "href=\"x.png\" on <image>",
                "<script>",
                "<img>",
                "src=\"x.png\" on <img>",
            ]
        );
    }

    #[test]
    fn the_page_references_nothing_outside_itself() {
        for report in [sample(), hostile()] {
            let page = html(&report);
            assert_eq!(external_references(&page), Vec::<String>::new());
            assert!(!page.contains("://evil.example/x.png\""), "{page}");
        }
        let page = html(&hostile());
        // The external location is there, as text.
        assert!(page.contains("<code>https://evil.example/x.png</code>"));
        assert!(page.contains("roadmap\\u{1b}[31m"));
    }

    /// Every cell of the sample, in the DOM, with the marks of its data.
    #[test]
    fn every_cell_carries_its_marks() {
        let report = sample();
        let page = html(&report);
        let document = parse(&page);
        let cells = document
            .descendants()
            .filter(|node| node.has_attribute("data-team"))
            .map(|node| {
                let attribute = |name| node.attribute(name).unwrap_or("(none)").to_string();
                (
                    attribute("data-team"),
                    attribute("data-iteration"),
                    [
                        attribute("data-goals"),
                        attribute("data-retro"),
                        attribute("data-carry"),
                    ],
                )
            })
            .collect::<Vec<_>>();
        let expected = report
            .teams
            .iter()
            .flat_map(|team| {
                team.cells.iter().map(|cell| {
                    (
                        team.name.clone(),
                        cell.iteration.to_string(),
                        [cell.goals, cell.retro, cell.carry].map(|mark| mark.key().to_string()),
                    )
                })
            })
            .collect::<Vec<_>>();
        assert_eq!(cells.len(), 36);
        assert_eq!(cells, expected);
        // Every kind of mark is in the sample, so every kind was checked.
        for mark in Mark::ALL {
            assert!(
                cells
                    .iter()
                    .any(|(_, _, marks)| marks.contains(&mark.key().to_string()))
            );
        }
    }

    /// A repository with nothing to show yet still gets a whole page that
    /// says so, and a month with no page to count shows a dash, not 0 %.
    #[test]
    fn an_empty_report_is_a_whole_page() {
        let mut report = sample();
        report.head = None;
        report.iterations.clear();
        report.teams.clear();
        report.notes.clear();
        report.findings.by_code.clear();
        report.trend.truncate(1);
        report.trend[0].pages = Share { fresh: 0, total: 0 };
        let page = html(&report);
        assert_eq!(external_references(&page), Vec::<String>::new());
        assert!(page.contains("No iteration has completed yet."));
        assert!(page.contains("The configuration names no team."));
        assert!(page.contains("<td>0 of 0</td><td>–</td>"), "{page}");
        assert!(!page.contains("data-team") && !page.contains("HEAD"));
    }

    /// Not a check: writes the sample's page and JSON for trying
    /// `.ci/report-check.py` before a real report exists:
    /// `cargo test --lib health::html -- --ignored`.
    #[test]
    #[ignore = "writes target/health-sample/ for .ci/report-check.py"]
    fn write_sample_for_the_browser_check() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/health-sample");
        std::fs::create_dir_all(&dir).unwrap();
        let report = sample();
        std::fs::write(dir.join("report.html"), html(&report)).unwrap();
        std::fs::write(
            dir.join("report.json"),
            super::super::render(&report, super::super::ReportFormat::Json),
        )
        .unwrap();
    }
}
