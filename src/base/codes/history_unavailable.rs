crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That git history can support a verdict: the repository has commits, the
    /// clone is not cut off (shallow) before the pages' last changes, and the
    /// objects the walk needs are present.
    ///
    /// ## Why it matters
    /// Freshness comes from history. In a shallow clone (CI's default checkout
    /// depth is 1) a page whose last change lies beyond the cut-off has an
    /// unknown age: calling it fresh or stale would be a guess. Pages with such
    /// an age are not judged; this finding says so once.
    ///
    /// ## Example
    /// `actions/checkout` with its default `fetch-depth: 1`: every page's
    /// history reaches the shallow boundary.
    ///
    /// ## How to fix
    /// Fetch the full history: `fetch-depth: 0` in `actions/checkout`,
    /// `GIT_DEPTH: 0` in GitLab CI, or `git fetch --unshallow` locally.
    pub static HISTORY_UNAVAILABLE = ("HB004", "history-unavailable", "input", Error, "Git history cannot support a verdict");
}
