//! What a run produces: the model (absent when the config or ruleset could
//! not be read at all), every finding, and what the reporters say beside
//! them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::base::finding::{Finding, Sources};
use crate::history::HistoryInfo;
use crate::model::Handbook;

/// Wall time per pipeline stage.
#[derive(Debug, Clone)]
pub(crate) struct Timings {
    last: std::time::Instant,
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            last: std::time::Instant::now(),
            stages: Vec::new(),
        }
    }
}

impl Timings {
    pub(crate) fn mark(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }

    pub(crate) fn describe(&self) -> String {
        self.stages
            .iter()
            .map(|(stage, took)| format!("{stage} {} ms", took.as_millis()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The outcome of a run: the model (absent when the config or ruleset
/// could not be read at all) and every finding.
pub(crate) struct Outcome {
    pub model: Option<Handbook>,
    pub findings: Vec<Finding>,
    pub sources: Sources,
    pub history: HistoryInfo,
    pub root: PathBuf,
    /// How long each stage took, for `--verbose`.
    pub timings: Timings,
    /// With `--staged`: the paths the commit being made adds or changes.
    pub staged: Option<BTreeSet<String>>,
    /// Things the user should know that are not findings (no config found…).
    pub notes: Vec<String>,
    /// How the pages were read, for `--verbose`.
    pub pages_status: String,
}

impl Outcome {
    /// The run could not produce a verdict (exit code 2).
    pub(crate) fn is_fatal(&self) -> bool {
        self.model.is_none()
    }
}
