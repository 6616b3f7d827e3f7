//! `report`: the team health picture — every team, every recent iteration,
//! reconstructed from git history — as HTML, Markdown or JSON. [`data`] is
//! the report itself; the formats render it.

pub(crate) mod build;
pub(crate) mod data;
mod html;
mod markdown;
mod marks;

pub(crate) use self::data::HealthReport;

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    /// One self-contained page: inline CSS and SVG, no script, light and
    /// dark, prints on A4.
    Html,
    /// Tables for a GitHub job summary or a GitLab merge-request note.
    Markdown,
    /// The same data, for scripts (documented in the README).
    Json,
}

/// The report in a format.
pub(crate) fn render(report: &HealthReport, format: ReportFormat) -> String {
    match format {
        ReportFormat::Html => html::html(report),
        ReportFormat::Markdown => markdown::markdown(report),
        ReportFormat::Json => {
            let mut text = serde_json::to_string_pretty(report)
                .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
            text.push('\n');
            text
        }
    }
}

#[cfg(test)]
pub(crate) mod sample;
