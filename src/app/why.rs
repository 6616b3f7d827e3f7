//! `why PATH[#anchor]`: the audit trail of one verdict. Every commit that
//! touched the page, newest first, and why it did or did not count; then
//! the commit that counted, with the words it removed and added; then the
//! verdict that leads to.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::rc::Rc;

use anyhow::bail;
use serde::Serialize;

use crate::base::finding::Finding;
use crate::base::time::day_of;
use crate::discover::MAX_PAGE_BYTES;
use crate::engine::{self, Options};
use crate::git::repo::{Oid, Repo};
use crate::history::{Answer, Resolved, Touch, Touched};
use crate::parse::substance::{Substance, after_front_matter, word_diff};
use crate::report::{self, PageRow};

/// Words of a word diff shown per side.
const DIFF_WORDS: usize = 12;

#[derive(Debug, Serialize)]
pub(crate) struct WhyReport<'a> {
    pub path: String,
    pub section: Option<String>,
    /// The page's row in `pages --format json`: kind, team, the freshness
    /// in force and where it comes from.
    pub page: Option<PageRow<'a>>,
    /// Newest first, down to the commit that counted.
    pub trail: Vec<TrailEntry>,
    /// When the trail ends without a commit that counted: why.
    pub history: Option<String>,
    /// The findings on the page: the verdict.
    pub findings: Vec<VerdictFinding>,
    /// For a whole page: the sections of it a team's slot names, each with
    /// a freshness of its own (`why PATH#anchor` explains those).
    pub sections: Vec<SectionRef>,
}

/// A section of the page that a team's slot names.
#[derive(Debug, Serialize)]
pub(crate) struct SectionRef {
    pub anchor: String,
    pub kind: String,
    pub team: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TrailEntry {
    pub commit: String,
    pub date: String,
    pub time: i64,
    pub summary: Option<String>,
    /// The page's path in this commit.
    pub path: String,
    /// `formatting`, `front-matter`, `link-targets`, `elsewhere` (a
    /// section whose page changed around it), `moved`, `ignore-revs`,
    /// `sweep`, `changed` or `created`.
    pub reason: &'static str,
    /// Whether this commit is the page's last substantive change.
    pub counted: bool,
    pub moved_from: Option<String>,
    pub similarity: Option<u8>,
    /// A link or image now points elsewhere.
    pub link_targets_changed: bool,
    pub removed: Vec<String>,
    pub added: Vec<String>,
    pub more_removed: usize,
    pub more_added: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct VerdictFinding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
}

/// The versions of the page the trail compares, each read and parsed once:
/// a commit's older version is the next commit's newer one.
struct Versions<'r> {
    repo: &'r Repo,
    parsed: HashMap<Oid, Rc<Version>>,
}

/// One version of the page, as the trail compares it.
#[derive(Default)]
struct Version {
    substance: Substance,
    /// The hash of its text after the front matter; none when it could
    /// not be read. Equal in two versions whose blobs differ, the edit was
    /// to the front matter alone (an owner, a tag, a spell-checker's list):
    /// a maintainer reading "formatting only" there looks for formatting
    /// that is not in the diff.
    body: Option<u64>,
}

impl Versions<'_> {
    /// One version; empty when it cannot be read.
    fn get(&mut self, blob: Option<Oid>) -> Rc<Version> {
        let Some(blob) = blob else {
            return Rc::default();
        };
        let repo = self.repo;
        let parsed = self.parsed.entry(blob).or_insert_with(|| {
            let text = repo.blob_text(blob, MAX_PAGE_BYTES as usize);
            Rc::new(text.map_or_else(Version::default, |text| Version {
                substance: Substance::of(&text),
                body: Some(xxhash_rust::xxh3::xxh3_64(
                    after_front_matter(&text).as_bytes(),
                )),
            }))
        });
        Rc::clone(parsed)
    }
}

/// The words that decide: the page's, or the section's.
fn words_of(substance: &Substance, anchor: Option<&str>) -> Vec<String> {
    match anchor {
        Some(anchor) => substance
            .section(anchor)
            .map(<[String]>::to_vec)
            .unwrap_or_default(),
        None => substance.words.clone(),
    }
}

fn entry(versions: &mut Versions, touched: &Touched, anchor: Option<&str>) -> TrailEntry {
    let (ours_version, theirs_version) = (
        versions.get(Some(touched.ours)),
        versions.get(touched.theirs),
    );
    let (ours, theirs) = (&ours_version.substance, &theirs_version.substance);
    let repo = versions.repo;
    let (reason, counted, moved_from, similarity) = match &touched.touch {
        // A section whose words stayed while the page's changed.
        Touch::Same if anchor.is_some() && ours.words != theirs.words => {
            ("elsewhere", false, None, None)
        }
        Touch::Same if ours_version.body.is_some() && ours_version.body == theirs_version.body => {
            ("front-matter", false, None, None)
        }
        Touch::Same if ours.links != theirs.links => ("link-targets", false, None, None),
        Touch::Same => ("formatting", false, None, None),
        Touch::Moved {
            from,
            similarity,
            changed,
        } => ("moved", *changed, Some(from.clone()), Some(*similarity)),
        Touch::IgnoreRevs => ("ignore-revs", false, None, None),
        Touch::Sweep => ("sweep", false, None, None),
        Touch::Changed => ("changed", true, None, None),
        Touch::Created => ("created", true, None, None),
    };
    let link_targets_changed = touched.theirs.is_some() && ours.links != theirs.links;
    let (ours, theirs) = (words_of(ours, anchor), words_of(theirs, anchor));
    // The words are shown for what counted, and for what was passed over
    // though its words changed (an ignored commit).
    let diff = word_diff(&theirs, &ours, DIFF_WORDS);
    let commit = Oid::from_hex(touched.change.commit.as_bytes()).ok();
    TrailEntry {
        commit: touched.change.commit.clone(),
        date: day_of(touched.change.time).to_string(),
        time: touched.change.time,
        summary: commit.and_then(|id| repo.commit_summary(id)),
        path: touched.path.clone(),
        reason,
        counted,
        moved_from,
        similarity,
        link_targets_changed,
        removed: diff.removed,
        added: diff.added,
        more_removed: diff.more_removed,
        more_added: diff.more_added,
    }
}

/// Why the history walk gave no commit that counted, if it did not.
fn history_gap(resolved: &Resolved) -> Option<String> {
    match &resolved.answer {
        Answer::Changed(changes) if !changes.is_empty() => None,
        Answer::Changed(_) => Some("no commit changed it".to_string()),
        Answer::NotCommitted => Some("it is not committed yet".to_string()),
        Answer::Shallow { boundary } => Some(format!(
            "the clone is shallow: history stops at commit {boundary} before a change was found"
        )),
        Answer::Unreadable { reason } => Some(format!("history cannot be read: {reason}")),
    }
}

/// The findings on the page or, for a section, those pointing into it.
fn verdict(
    findings: &[Finding],
    path: &str,
    section: Option<&Range<usize>>,
) -> Vec<VerdictFinding> {
    findings
        .iter()
        .filter(|f| f.location.as_ref().is_some_and(|l| l.path == path))
        .filter(
            |f| match (section, f.location.as_ref().and_then(|l| l.span.as_ref())) {
                (Some(section), Some(span)) => section.contains(&span.start),
                _ => true,
            },
        )
        .map(|f| VerdictFinding {
            code: f.rule.code,
            name: f.rule.name,
            severity: f.severity.as_str(),
            message: f.message.clone(),
        })
        .collect()
}

/// Runs the check and the page's own walk, and renders the trail.
pub(crate) fn explain(
    options: &Options,
    path: &str,
    anchor: Option<&str>,
    json: bool,
) -> anyhow::Result<String> {
    let outcome = engine::run(options)?;
    let Some(model) = &outcome.model else {
        bail!("the config cannot be read: run `handbook-lint check` to see why");
    };
    let Some(page) = model.pages.iter().find(|p| p.path == path) else {
        bail!("`{path}` is not a page of the handbook; `handbook-lint pages` lists them");
    };
    if let Some(anchor) = anchor
        && page.doc.section(anchor).is_none()
    {
        let hint = crate::parse::anchors::nearest(&page.doc.headings, anchor)
            .map(|nearest| format!("; did you mean `{path}#{nearest}`?"))
            .unwrap_or_default();
        // The anchors are the page's: shown, not obeyed, by a terminal.
        bail!(
            "{}",
            report::visible(&format!(
                "`{path}` has no heading with the anchor `{anchor}`; its anchors: {}{hint}",
                crate::parse::anchors::listed(&page.doc.headings)
            ))
        );
    }
    let section = anchor
        .and_then(|anchor| page.doc.section(anchor))
        .map(|heading| heading.section.clone());
    let Some(resolved) = engine::trail(options, path, anchor)? else {
        bail!("the config cannot be read: run `handbook-lint check` to see why");
    };
    let repo = Repo::discover(&options.repo)?;
    let mut versions = Versions {
        repo: &repo,
        parsed: HashMap::new(),
    };
    let rows = report::pages_report(model, &outcome).pages;
    let sections: Vec<SectionRef> = if anchor.is_none() {
        rows.iter()
            .filter(|r| r.path == path)
            .filter_map(|r| {
                Some(SectionRef {
                    anchor: r.section?.to_string(),
                    kind: r.kind.to_string(),
                    team: r.team.map(str::to_string),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    // A section no team configures has no row of its own: the page's says
    // the rest.
    let exact = rows
        .iter()
        .position(|r| r.path == path && r.section == anchor);
    let whole = rows
        .iter()
        .position(|r| r.path == path && r.section.is_none());
    let row = exact
        .or(whole)
        .and_then(|index| rows.into_iter().nth(index));
    let report = WhyReport {
        path: path.to_string(),
        section: anchor.map(str::to_string),
        trail: resolved
            .trail
            .iter()
            .map(|t| entry(&mut versions, t, anchor))
            .collect(),
        history: history_gap(&resolved),
        page: row,
        sections,
        findings: verdict(&outcome.findings, path, section.as_ref()),
    };
    if json {
        return Ok(report::json_text(&report)?);
    }
    Ok(text(&report))
}

fn reason_text(entry: &TrailEntry, section: bool) -> String {
    let words = if section {
        "the section's words"
    } else {
        "the words"
    };
    match entry.reason {
        "formatting" => format!("formatting only: {words} are the same"),
        "front-matter" => format!("front matter only: {words} are the same"),
        "link-targets" => format!("link targets only: {words} are the same"),
        "elsewhere" => "the page changed elsewhere: the section's words are the same".to_string(),
        "moved" => {
            let from = entry.moved_from.as_deref().unwrap_or("?");
            let similar = entry.similarity.unwrap_or(0);
            let links = if entry.link_targets_changed {
                ", its links fixed"
            } else {
                ""
            };
            if entry.counted {
                format!("moved from {from} ({similar}% similar) and {words} changed: counts")
            } else {
                format!(
                    "moved from {from} ({similar}% similar){links}, {words} unchanged: not a change"
                )
            }
        }
        "ignore-revs" => "ignored: listed in the ignore-revs file".to_string(),
        "sweep" => "ignored: a sweep (more pages than freshness.max-files-per-commit)".to_string(),
        "created" => "created: counts".to_string(),
        _ => format!("{words} changed: counts"),
    }
}

fn words_line(sign: char, words: &[String], more: usize) -> String {
    let mut line = format!("{sign} {}", words.join(" "));
    if more > 0 {
        let _ = write!(line, " … and {more} more");
    }
    line
}

/// Appends one line of the text report with its hidden characters shown:
/// paths, anchors, commit summaries and messages come from the repository,
/// and a newline among them must not start a line of its own.
fn line(out: &mut String, args: std::fmt::Arguments) {
    out.push_str(&report::visible(&args.to_string()));
    out.push('\n');
}

fn text(report: &WhyReport) -> String {
    let mut out = String::new();
    let target = match &report.section {
        Some(anchor) => format!("{}#{anchor}", report.path),
        None => report.path.clone(),
    };
    line(&mut out, format_args!("{target}"));
    if let Some(row) = &report.page {
        let team = row
            .team
            .map(|t| format!(" of team {t}"))
            .unwrap_or_default();
        line(&mut out, format_args!("  {}{team}", row.kind));
    }
    out.push('\n');
    for entry in &report.trail {
        let summary = entry.summary.as_deref().unwrap_or("");
        line(
            &mut out,
            format_args!(
                "  {}  {}  {summary}",
                entry.date,
                entry.commit.get(..7).unwrap_or(&entry.commit)
            ),
        );
        line(
            &mut out,
            format_args!("      {}", reason_text(entry, report.section.is_some())),
        );
        if entry.path != report.path && entry.reason != "moved" {
            line(&mut out, format_args!("      (then at {})", entry.path));
        }
        let changed_words = entry.counted || matches!(entry.reason, "ignore-revs" | "sweep");
        if changed_words && (!entry.removed.is_empty() || !entry.added.is_empty()) {
            if !entry.removed.is_empty() {
                line(
                    &mut out,
                    format_args!(
                        "      {}",
                        words_line('-', &entry.removed, entry.more_removed)
                    ),
                );
            }
            if !entry.added.is_empty() {
                line(
                    &mut out,
                    format_args!("      {}", words_line('+', &entry.added, entry.more_added)),
                );
            }
        }
    }
    if let Some(gap) = &report.history {
        line(&mut out, format_args!("  {gap}"));
    }
    out.push('\n');
    if let Some(row) = &report.page {
        let updated = row.updated.as_deref().unwrap_or("unknown");
        let source = row.source.unwrap_or("unknown");
        line(
            &mut out,
            format_args!("freshness: {updated} (from {source})"),
        );
    }
    for section in &report.sections {
        let team = section
            .team
            .as_deref()
            .map(|t| format!(" of team {t}"))
            .unwrap_or_default();
        line(
            &mut out,
            format_args!(
                "note: the section #{} ({}{team}) has a freshness of its own: `handbook-lint why {}#{}`",
                section.anchor, section.kind, report.path, section.anchor
            ),
        );
    }
    if report.findings.is_empty() {
        line(&mut out, format_args!("verdict: no finding"));
    } else {
        for finding in &report.findings {
            line(
                &mut out,
                format_args!(
                    "verdict: {}[{}] {}: {}",
                    finding.severity, finding.code, finding.name, finding.message
                ),
            );
        }
    }
    out
}
