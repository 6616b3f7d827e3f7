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
}

/// Parses `text` into `T`; on failure returns the message and the span of
/// the offending token.
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let options = serde_saphyr::options! {
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|error| {
        let offset = error
            .location()
            .filter(|loc| loc.line() > 0)
            .map_or(0, |loc| location_offset(text, loc));
        YamlError {
            message: clean_message(&error.without_snippet().to_string()),
            span: token_at(text, offset),
        }
    })
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

/// serde's unknown-field message names the field between backticks and
/// lists the expected ones; turn it into a "did you mean".
pub(crate) fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    // serde writes "expected `a` or `b`"; serde-saphyr "expected one of a, b".
    let list = rest.split_once("expected").map_or("", |(_, list)| list);
    let list = list.trim().trim_start_matches("one of").trim();
    let expected: Vec<&str> = list
        .split(", ")
        .flat_map(|part| part.split(" or "))
        .map(|name| name.trim().trim_matches('`'))
        .filter(|name| !name.is_empty())
        .collect();
    match did_you_mean(field, expected.iter().copied()) {
        Some(suggestion) => Some(format!("did you mean `{suggestion}`?")),
        None if !expected.is_empty() => Some(format!("expected one of: {}", expected.join(", "))),
        None => None,
    }
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
        let hint = error.and_then(|e| unknown_field_hint(&e.message));
        assert_eq!(hint.as_deref(), Some("did you mean `max-age`?"));
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
}
