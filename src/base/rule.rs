//! What a rule is, independent of any run: printed by `rules` and
//! `explain`, referenced by every finding.

use crate::base::finding::Severity;

#[derive(Debug)]
pub(crate) struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub family: &'static str,
    /// The severity its findings have unless the config says otherwise;
    /// `None`: off by default (an optional rule), run only when the config
    /// gives it a severity (`severity: { HB501: warning }`).
    pub default_severity: Option<Severity>,
    /// One line, for `handbook-lint rules` and SARIF short descriptions.
    pub summary: &'static str,
    /// The rule's doc comment, compiled in so `explain` works from an
    /// installed binary.
    pub doc: &'static str,
}

impl RuleMeta {
    /// `error`, `warning` or `off`: what `rules` and `explain` print.
    pub(crate) fn default_level(&self) -> &'static str {
        self.default_severity.map_or("off", Severity::as_str)
    }

    /// The doc comment as Markdown, with rustdoc's leading space removed.
    pub(crate) fn doc_text(&self) -> String {
        let mut text = String::new();
        for line in self.doc.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text.trim().to_string()
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// A rule's metadata as a value, its doc comment compiled in. Used by
/// [`rule_meta!`] and by `declare_rule!` in `rules/`.
macro_rules! rule_meta_value {
    (
        [$($doc:literal)+] $code:literal, $name:literal, $family:literal, $severity:ident, $summary:literal
    ) => {
        $crate::base::rule::RuleMeta {
            code: $code,
            name: $name,
            family: $family,
            default_severity: $crate::base::rule::default_level!($severity),
            summary: $summary,
            doc: concat!($($doc, "\n"),+),
        }
    };
}

/// A rule's default level as written in its declaration: `Error`,
/// `Warning`, or `Off` (an optional rule, off until the config enables it).
macro_rules! default_level {
    (Off) => {
        None
    };
    ($severity:ident) => {
        Some($crate::base::finding::Severity::$severity)
    };
}

/// Declares the metadata of a rule that no check raises (the input family):
///
/// ```ignore
/// rule_meta! {
///     /// ## What it checks
///     /// ...
///     pub static CONFIG_INVALID = ("HB001", "config-invalid", "input", Error, "one line");
/// }
/// ```
macro_rules! rule_meta {
    (
        $(#[doc = $doc:literal])+
        pub static $ident:ident = ($code:literal, $name:literal, $family:literal, $severity:ident, $summary:literal $(,)?);
    ) => {
        $(#[doc = $doc])+
        pub(crate) static $ident: $crate::base::rule::RuleMeta =
            $crate::base::rule::rule_meta_value!([$($doc)+] $code, $name, $family, $severity, $summary);
    };
}

pub(crate) use {default_level, rule_meta, rule_meta_value};
