crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That a page's front matter (YAML between `---` lines at the top) parses,
    /// is closed, and that the fields handbook-lint reads have the right
    /// shape: `owner` a person or `"@handle"`, `reviewed` and `date` dates
    /// (`YYYY-MM-DD`), `iteration` a number from 1.
    ///
    /// ## Why it matters
    /// `reviewed:` is how an owner says "still true" without editing the page,
    /// and `owner:` is who is accountable for it. If they cannot be read, the
    /// page's freshness and ownership are judged without them.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// owner: @alice        # HB002: `@` starts a reserved YAML token; quote it
    /// reviewed: last week  # HB002: not a date
    /// ---
    /// ```
    ///
    /// ## How to fix
    /// Quote handles (`owner: "@alice"`), write dates as `2026-11-24`, and close
    /// the block with `---`.
    pub static FRONT_MATTER_INVALID = ("HB002", "front-matter-invalid", "input", Error, "A page's front matter does not parse");
}
