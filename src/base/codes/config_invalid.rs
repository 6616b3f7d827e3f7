crate::base::rule::rule_meta! {
    /// ## What it checks
    /// That `handbook-lint.yaml` and the ruleset it names are valid: YAML that
    /// parses, only known keys (with a "did you mean" for a misspelt one),
    /// each key once, values of the right type (a mapping, a list, text, a
    /// whole number), durations like `14d`, dates like `2026-01-05`, an
    /// iteration length of at least one day, known rule codes under
    /// `severity:`, known page kinds under `pages:` and `max-age:`, and valid
    /// globs.
    ///
    /// ## Why it matters
    /// The config is where the ownership rules meet the team: who the PM and
    /// EM are, when iterations start, where each page lives. A mistake there
    /// silently changes every verdict, so it is reported where it was made.
    ///
    /// ## Example
    /// ```yaml
    /// iterations: { length: 0d, start: 2026-01-05 }   # HB001: length must be at least one day
    /// severity: { HB3030: warning }                   # HB001: unknown rule code, did you mean HB303?
    /// ```
    ///
    /// ## How to fix
    /// Correct the highlighted key or value. An invalid entry is ignored and
    /// the rest of the config is used (of a key written twice, the first);
    /// a file that is not YAML at all stops the run (exit code 2).
    pub static CONFIG_INVALID = ("HB001", "config-invalid", "input", Error, "The config or ruleset is invalid");
}
