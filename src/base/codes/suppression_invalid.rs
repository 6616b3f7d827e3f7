crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That every rule code named in a suppression comment exists:
    /// `<!-- handbook-lint-disable HB303 -->`, `-enable`, `-disable-next-line`
    /// and `-disable-file` take codes (HB303) or names (action-item-overdue),
    /// or none for every rule.
    ///
    /// ## Why it matters
    /// A misspelt code suppresses nothing, and the finding it was meant for
    /// keeps failing the check without saying why the comment did not work.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- handbook-lint-disable-next-line HB3O3 -->   HB006: no rule HB3O3
    /// ```
    ///
    /// ## How to fix
    /// Use a code from `handbook-lint rules`.
    pub static SUPPRESSION_INVALID = ("HB006", "suppression-invalid", "input", Error, "A suppression comment names an unknown rule");
}
