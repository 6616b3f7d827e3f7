//! YAML reading shared by the config, the ruleset and page front matter.
//!
//! serde-saphyr is used for all three: it is maintained, has no unsafe code,
//! reports errors with positions, gives `Spanned<T>` values so a config
//! mistake can be pointed at, and has budgets against alias bombs and deep
//! nesting (front matter is untrusted input from every contributor).

use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Location, Spanned};

use crate::base::finding::{offset_of, token_at};

/// A YAML problem with a byte range in the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    pub message: String,
    pub span: Range<usize>,
    /// How to fix it, when the tool knows (a "did you mean").
    pub help: Option<String>,
}

/// Parses `text` into `T`; on failure returns the message and the span of
/// the offending token.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<T>(text, options)
        .map_err(|error| yaml_error(text, &error))
}

/// A serde-saphyr error as a [`YamlError`]: in the tool's words, at the
/// token where it happened (the start of the text when it has no position).
pub(crate) fn yaml_error(text: &str, error: &serde_saphyr::Error) -> YamlError {
    let offset = error
        .location()
        .filter(|loc| loc.line() > 0)
        .map_or(0, |loc| location_offset(text, loc));
    let (message, help) = describe(error);
    YamlError {
        message,
        span: token_at(text, offset),
        help,
    }
}

/// What went wrong reading some YAML, in the tool's own words: the config,
/// the ruleset and front matter are written by people who have never heard
/// of the YAML library, its options or its Rust types, so none of those may
/// show. Every error a user's text can cause is translated; the rest (ones
/// only a programming mistake here could cause) keep the library's message,
/// without its position (reporters show that). Returns the message and,
/// when the tool knows one, how to fix it.
pub(crate) fn describe(error: &serde_saphyr::Error) -> (String, Option<String>) {
    use serde_saphyr::Error as E;
    let message = match error.without_snippet() {
        E::AliasError { error, .. } => return describe(error),
        E::Budget { breach, .. } => too_large(breach),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "the YAML is too large once its aliases (`*name`) are expanded".to_string()
        }
        E::MultipleDocuments { .. } => {
            "the file holds several YAML documents (separated by `---` or `...`); it must hold one"
                .to_string()
        }
        E::DuplicateMappingKey { key: Some(key), .. } => {
            format!("the key `{key}` is written twice in the same mapping")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "a key is written twice in the same mapping".to_string()
        }
        E::InvalidScalar { ty, .. } => format!("expected {}", expected_words(ty)),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => format!(
            "expected {}, found {}",
            expected_words(expected),
            found_words(unexpected)
        ),
        E::SerdeInvalidLength { len, expected, .. } => {
            format!("expected {}, found {len} items", expected_words(expected))
        }
        E::SerdeUnknownField {
            field, expected, ..
        } => return unknown_key(field, expected),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => format!(
            "unknown value `{variant}`, expected one of: {}",
            expected.join(", ")
        ),
        E::SerdeMissingField { field, .. } => format!("the key `{field}` is missing"),
        E::NullIntoString { .. } | E::InvalidCharNull { .. } => {
            "a value is missing here".to_string()
        }
        E::Unexpected { expected, .. } => format!("expected {}", expected_words(expected)),
        E::Eof { .. } => "the YAML ends before it is complete".to_string(),
        E::UnknownAnchor { .. } => {
            "an alias (`*name`) refers to no anchor (`&name`) defined before it".to_string()
        }
        E::MergeValueNotMapOrSeqOfMaps { .. } => {
            "a merge (`<<`) must name a mapping or a list of mappings".to_string()
        }
        E::NonFiniteFloat { value, .. } => format!("`{value}` is not a finite number"),
        E::InvalidBinaryBase64 { .. } => "a `!!binary` value that is not base64".to_string(),
        E::BinaryNotUtf8 { .. } | E::TaggedScalarCannotDeserializeIntoString { .. } => {
            "a tagged value (`!!binary`, `!tag`) where text is expected".to_string()
        }
        E::InvalidUtf8Input | E::IOError { .. } => "the YAML is not valid UTF-8 text".to_string(),
        other => clean_message(&other.to_string()),
    };
    (message, None)
}

/// A budget breach: serde-saphyr's limits keep a hostile file from taking
/// the run's memory or time; the message says which limit in plain words.
fn too_large(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let limits = serde_saphyr::Budget::default();
    let what = match breach {
        B::Nodes { .. } => format!("over {} nodes", thousands(limits.max_nodes)),
        B::Depth { .. } => format!("over {} levels deep", thousands(limits.max_depth)),
        B::Events { .. } => format!("over {} YAML events", thousands(limits.max_events)),
        B::Aliases { .. } => format!("over {} aliases", thousands(limits.max_aliases)),
        B::Anchors { .. } => format!("over {} anchors", thousands(limits.max_anchors)),
        B::Documents { .. } => format!("over {} documents", thousands(limits.max_documents)),
        B::MergeKeys { .. } => format!("over {} merge keys", thousands(limits.max_merge_keys)),
        B::ScalarBytes { .. } => format!(
            "over {} bytes of values",
            thousands(limits.max_total_scalar_bytes)
        ),
        B::AliasAnchorRatio { .. } => "far more aliases than anchors".to_string(),
        _ => "over the limits of what the tool reads".to_string(),
    };
    format!("the YAML is too large or too deeply nested: {what}")
}

/// `250000` as `250,000`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What serde or serde-saphyr expected (`u32`, `struct RawRuleset`,
/// `a sequence`, `mapping start`) in words a config's author knows.
fn expected_words(expected: &str) -> String {
    let words = match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "an integer" => "a whole number",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "f32" | "f64" | "a float" => "a number",
        "bool" | "a boolean" => "`true` or `false`",
        "char" | "a character" => "a single character",
        "a string" | "string" => "text",
        "string scalar" | "scalar" | "single YAML node" => "a single value",
        "a sequence" | "seq" | "sequence start" => "a list",
        "a map" | "map" | "mapping start" | "empty mapping start" => "a mapping (`key: value`)",
        "mapping end" | "empty mapping end" => "the end of a mapping",
        "option" | "value" => "a value",
        other if other.starts_with("struct ") || other.starts_with("a map") => {
            "a mapping (`key: value`)"
        }
        other if other.starts_with("enum ") => "one of the allowed values",
        other => return other.to_string(),
    };
    words.to_string()
}

/// What serde found instead (`sequence`, `map`, `string "x"`), in words.
fn found_words(unexpected: &str) -> String {
    match unexpected {
        "sequence" => "a list".to_string(),
        "map" => "a mapping".to_string(),
        "unit value" | "null" | "none" => "nothing".to_string(),
        other => match other.split_once(' ') {
            Some(("string" | "integer" | "floating" | "boolean" | "char", value)) => {
                value.trim_start_matches("point ").to_string()
            }
            _ => other.to_string(),
        },
    }
}

/// A key the target does not have, with a "did you mean" when one is close.
fn unknown_key(field: &str, expected: &[&str]) -> (String, Option<String>) {
    (
        format!("unknown key `{field}`"),
        key_hint(field, expected.iter().copied()),
    )
}

/// "did you mean" the closest of `known`, else the list of them.
pub(crate) fn key_hint<'a>(key: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let known: Vec<&str> = known.into_iter().collect();
    match did_you_mean(key, known.iter().copied()) {
        Some(suggestion) => Some(format!("did you mean `{suggestion}`?")),
        None if known.is_empty() => None,
        None => Some(format!("expected one of: {}", known.join(", "))),
    }
}

/// The byte offset of a saphyr location within `text`.
pub(crate) fn location_offset(text: &str, location: Location) -> usize {
    offset_of(
        text,
        usize::try_from(location.line()).unwrap_or(usize::MAX),
        usize::try_from(location.column()).unwrap_or(usize::MAX),
    )
}

/// The span of a `Spanned` value in `text`, covering the value's token.
pub(crate) fn span_of<T>(text: &str, value: &Spanned<T>) -> Range<usize> {
    token_at(text, location_offset(text, value.referenced))
}

/// serde-saphyr appends "at line X column Y" to messages; the reporters show
/// the position themselves.
fn clean_message(message: &str) -> String {
    let message = message.lines().next().unwrap_or(message);
    let message = match message.find(" at line ") {
        Some(index) => &message[..index],
        None => message,
    };
    message.trim_end_matches(['.', ':']).to_string()
}

/// A YAML mapping read in document order, keeping where each key was
/// written so a mistake in `teams.search.pm` can be pointed at. serde's maps
/// would lose the order and the key positions.
#[derive(Debug, Clone)]
pub(crate) struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<V>()?;
                    entries.push((key, value));
                }
                Ok(SpannedMap(entries))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(SpannedMap(Vec::new()))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// "did you mean" for a misspelt key or code.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Probe {
        #[allow(dead_code)]
        max_age: Option<Spanned<String>>,
        #[allow(dead_code)]
        teams: Option<SpannedMap<Spanned<String>>>,
    }

    #[test]
    fn unknown_keys_are_located_and_get_a_suggestion() {
        let text = "max-age: 3d\nmax-agee: 4d\n";
        let error = from_str::<Probe>(text).err();
        let error = error.as_ref();
        assert_eq!(error.map(|e| &text[e.span.clone()]), Some("max-agee: 4d"));
        assert_eq!(
            error.map(|e| e.message.as_str()),
            Some("unknown key `max-agee`")
        );
        let hint = error.and_then(|e| e.help.as_deref());
        assert_eq!(hint, Some("did you mean `max-age`?"));
    }

    #[test]
    fn spanned_map_keeps_order_and_positions() {
        let text = "teams:\n  b: x\n  a: y\n";
        let probe: Result<Probe, _> = from_str(text);
        let teams = probe.ok().and_then(|p| p.teams).unwrap_or_default();
        let keys: Vec<_> = teams.0.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(&text[span_of(text, &teams.0[1].1)], "y");
    }

    /// The library's own words, which must never reach a user.
    const LEAKS: &[&str] = &[
        "DuplicateKeyPolicy",
        "Options",
        "budget breached",
        "Nodes {",
        "invalid i64",
        "from_str_multiple",
        "struct ",
        "Option<",
        "serde",
    ];

    fn message_of<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let message = from_str::<T>(text).err().map(|e| e.message);
        let message = message.unwrap_or_else(|| panic!("{text:?} should not parse"));
        for leak in LEAKS {
            assert!(!message.contains(leak), "{message:?} leaks {leak:?}");
        }
        message
    }

    #[derive(Debug, Deserialize)]
    struct Number {
        #[allow(dead_code)]
        n: i64,
    }

    #[derive(Debug, Deserialize)]
    struct Named {
        #[allow(dead_code)]
        name: String,
        #[allow(dead_code)]
        inner: Option<Number>,
    }

    #[test]
    fn a_duplicate_key_is_named_without_the_library_option() {
        let message = message_of::<Probe>("max-age: 3d\nmax-age: 4d\n");
        assert_eq!(
            message,
            "the key `max-age` is written twice in the same mapping"
        );
    }

    #[test]
    fn too_many_nodes_is_said_in_plain_words() {
        let text = format!("[{}]", "0,".repeat(250_001));
        let message = message_of::<Vec<u8>>(&text);
        assert_eq!(
            message,
            "the YAML is too large or too deeply nested: over 250,000 nodes"
        );
    }

    #[test]
    fn deep_nesting_is_said_in_plain_words() {
        let text = format!("{}{}", "- ".repeat(100), "x");
        let message = message_of::<serde::de::IgnoredAny>(&text);
        assert!(message.contains("too deeply nested"), "{message}");
    }

    #[test]
    fn a_number_that_is_not_one_names_no_rust_type() {
        assert_eq!(message_of::<Number>("n: abc\n"), "expected a whole number");
        assert_eq!(message_of::<Number>("n: [1]\n"), "expected a single value");
    }

    #[test]
    fn several_documents_are_called_that() {
        let message = message_of::<Number>("n: 1\n---\nn: 2\n");
        assert!(message.contains("several YAML documents"), "{message}");
    }

    #[test]
    fn wrong_shapes_and_missing_keys_name_no_rust_type() {
        assert_eq!(
            message_of::<Named>("name: x\ninner: 3\n"),
            "expected a mapping (`key: value`)"
        );
        assert_eq!(
            message_of::<Named>("name: [x]\n"),
            "expected a single value"
        );
        assert_eq!(
            message_of::<Named>("inner: {n: 1}\n"),
            "the key `name` is missing"
        );
        assert_eq!(message_of::<Named>("name:\n"), "a value is missing here");
    }

    #[test]
    fn an_alias_bomb_is_too_large_in_plain_words() {
        use std::fmt::Write as _;
        let mut text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_string();
        for level in 1..9 {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            let _ = writeln!(text, "l{level}: &l{level} [{refs}]");
        }
        let message = message_of::<serde::de::IgnoredAny>(&text);
        assert!(message.starts_with("the YAML is too large"), "{message}");
    }

    #[derive(Debug, Deserialize)]
    struct Count {
        #[allow(dead_code)]
        n: u32,
    }

    #[test]
    fn a_count_says_it_cannot_be_negative() {
        assert_eq!(
            message_of::<Count>("n: -1\n"),
            "expected a whole number, 0 or more"
        );
    }
}
