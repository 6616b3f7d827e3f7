//! `report`: the team health picture, from one run of the pipeline whose
//! history walk collects every change over the report's window.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::app::cli::{EXIT_CLEAN, EXIT_FAILURE, GlobalArgs};
use crate::base::fswrite::replace_named_file;
use crate::base::time::parse_days;
use crate::engine::{self, Options};
use crate::model::outcome::Outcome;
use crate::report::health::build::{self, Span};
use crate::report::health::{self, ReportFormat};

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ReportArgs {
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write the report to FILE (replaced if it is there) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How many completed iterations the grid shows.
    #[arg(long, value_name = "N", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=104))]
    pub iterations: u32,
    /// The trend's limit for a handbook page no rule gives one to (e.g. 26w, 182d): a page counts as kept up when updated within it.
    #[arg(long, value_name = "AGE", default_value = "182d", value_parser = parse_age)]
    pub page_max_age: u32,
}

fn parse_age(text: &str) -> Result<u32, String> {
    parse_days(text).map_err(|e| e.to_string())
}

impl ReportArgs {
    pub(crate) fn span(&self) -> Span {
        Span {
            iterations: self.iterations,
            page_max_age_days: self.page_max_age,
        }
    }
}

/// The options a report runs the pipeline with: `check`'s, and a window.
pub(crate) fn options(base: Options, span: Span) -> Options {
    Options {
        window: Some(span),
        evaluate: true,
        ..base
    }
}

/// The report of a run, in a format; `None` when the config could not be
/// read.
pub(crate) fn render(outcome: &Outcome, span: Span, format: ReportFormat) -> Option<String> {
    build::build(outcome, span).map(|report| health::render(&report, format))
}

pub(crate) fn command(
    global: &GlobalArgs,
    args: &ReportArgs,
    base: Options,
) -> anyhow::Result<ExitCode> {
    let span = args.span();
    let mut outcome = engine::run(&options(base, span))?;
    crate::app::cli::report_walk(global, &outcome);
    // As `check` counts them: a shared page's finding once.
    engine::drop_repeats(&mut outcome);
    crate::app::cli::print_notes(&outcome);
    let Some(text) = render(&outcome, span, args.format) else {
        crate::app::cli::show_fatal(global, &outcome);
        return Ok(ExitCode::from(EXIT_FAILURE));
    };
    match &args.output {
        None => crate::app::cli::print(&text)?,
        Some(path) => {
            replace_named_file(path, &text, "--output", "the report")?;
            eprintln!("wrote the report to {}", path.display());
        }
    }
    Ok(ExitCode::from(EXIT_CLEAN))
}
