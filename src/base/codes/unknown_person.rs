crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That every person the handbook names is in the config's `people`: a
    /// team's `pm` and `em`, a page's `owner`, and the `@handle` that owns a
    /// retro action item.
    ///
    /// ## Why it matters
    /// Ownership is only enforceable if the owner is someone the team knows.
    /// An action item owned by a handle nobody has is an action item without
    /// an owner.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] @alcie update the on-call doc   # HB003: no person has the handle @alcie
    /// ```
    ///
    /// ## How to fix
    /// Fix the spelling, or add the person (and their handles) under `people:`
    /// in `handbook-lint.yaml`. Checked only when the config lists people.
    pub static UNKNOWN_PERSON = ("HB003", "unknown-person", "input", Error, "A person named in the handbook is not in the roster");
}
