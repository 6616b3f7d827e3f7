//! A progress bar for slow history walks: on stderr, only when stderr is a
//! terminal, only for human output, and only once the walk has taken about
//! a second (a fast run should not flicker).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const DELAY: Duration = Duration::from_secs(1);

pub(crate) struct WalkProgress {
    enabled: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl WalkProgress {
    pub(crate) fn new(wanted: bool) -> WalkProgress {
        WalkProgress {
            enabled: wanted && std::io::stderr().is_terminal(),
            started: Instant::now(),
            bar: None,
        }
    }

    /// Called once per commit walked.
    pub(crate) fn tick(&mut self, commits: usize) {
        // Checking the clock on every commit would cost more than the bar.
        if !self.enabled || !commits.is_multiple_of(256) {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= DELAY {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} reading history: {pos} commits ({elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(commits as u64);
        }
    }

    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
