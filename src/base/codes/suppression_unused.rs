crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That every suppression comment still suppresses something. A
    /// `handbook-lint-disable…` comment under which no finding is reported any
    /// more is reported itself.
    ///
    /// ## Why it matters
    /// Suppressions outlive their reason: the overdue action item was closed,
    /// the page was updated. Left in place they would silently hide the next
    /// real finding in the same spot.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- handbook-lint-disable-next-line HB303 -->
    /// - [x] @bob automate the export (due 2026-01-01)   closed: nothing to suppress
    /// ```
    ///
    /// ## How to fix
    /// Delete the comment.
    pub static SUPPRESSION_UNUSED = ("HB007", "suppression-unused", "input", Warning, "A suppression comment suppresses nothing");
}
