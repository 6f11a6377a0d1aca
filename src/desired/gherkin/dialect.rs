//! The Gherkin languages: each language's keywords, read once from gherkin-languages.json,
//! so `# language: fr` and every other dialect parse as the official parsers do.

// languages.json is Cucumber's gherkin-languages.json (github.com/cucumber/gherkin), MIT licence, Copyright (c) Cucumber Ltd and contributors.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::KeywordType;

pub(crate) const DEFAULT_LANGUAGE: &str = "en";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDialect {
    feature: Vec<String>,
    rule: Vec<String>,
    background: Vec<String>,
    scenario: Vec<String>,
    scenario_outline: Vec<String>,
    examples: Vec<String>,
    given: Vec<String>,
    when: Vec<String>,
    then: Vec<String>,
    and: Vec<String>,
    but: Vec<String>,
}

pub(crate) struct Dialect {
    pub(crate) name: String,
    pub(crate) feature: Vec<String>,
    pub(crate) rule: Vec<String>,
    pub(crate) background: Vec<String>,
    /// Scenario keywords first, then the outline ones, the order the official matcher tries.
    pub(crate) scenario: Vec<String>,
    pub(crate) examples: Vec<String>,
    /// Longest first, so that a keyword never shadows a longer one it is a prefix of.
    pub(crate) steps: Vec<(String, KeywordType)>,
}

impl Dialect {
    fn from_raw(name: &str, raw: RawDialect) -> Dialect {
        let groups = [
            (&raw.given, KeywordType::Context),
            (&raw.when, KeywordType::Action),
            (&raw.then, KeywordType::Outcome),
            (&raw.and, KeywordType::Conjunction),
            (&raw.but, KeywordType::Conjunction),
        ];
        // Like the official matcher, a keyword listed more than once ("* " everywhere, or a word
        // shared by And and But) has no definite type.
        let mut seen: HashMap<&str, (KeywordType, usize)> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for (words, kind) in groups {
            for word in words {
                let entry = seen.entry(word.as_str()).or_insert_with(|| {
                    order.push(word.as_str());
                    (kind, 0)
                });
                entry.1 += 1;
            }
        }
        let mut steps: Vec<(String, KeywordType)> = order
            .into_iter()
            .map(|word| {
                let kind = match seen.get(word) {
                    Some(&(kind, 1)) => kind,
                    _ => KeywordType::Unknown,
                };
                (word.to_string(), kind)
            })
            .collect();
        steps.sort_by_key(|(word, _)| std::cmp::Reverse(word.chars().count()));

        let mut scenario = raw.scenario;
        scenario.extend(raw.scenario_outline);
        Dialect {
            name: name.to_string(),
            feature: raw.feature,
            rule: raw.rule,
            background: raw.background,
            scenario,
            examples: raw.examples,
            steps,
        }
    }
}

/// Every dialect of the file, read the first time a file names another language than English
/// or the list of languages is asked for.
fn all() -> &'static HashMap<String, Dialect> {
    static DIALECTS: OnceLock<HashMap<String, Dialect>> = OnceLock::new();
    DIALECTS.get_or_init(|| {
        let raw: HashMap<String, RawDialect> = serde_json::from_str(LANGUAGES).unwrap_or_default();
        raw.into_iter()
            .map(|(name, raw)| {
                let dialect = Dialect::from_raw(&name, raw);
                (name, dialect)
            })
            .collect()
    })
}

/// English alone, the language of every file that names none: building all 80 dialects took
/// 2.8M instructions, on the critical path of the first file read.
fn english() -> Option<&'static Dialect> {
    #[derive(Deserialize)]
    struct OnlyEnglish {
        en: RawDialect,
    }
    static ENGLISH: OnceLock<Option<Dialect>> = OnceLock::new();
    ENGLISH
        .get_or_init(|| {
            let only: OnlyEnglish = serde_json::from_str(LANGUAGES).ok()?;
            Some(Dialect::from_raw(DEFAULT_LANGUAGE, only.en))
        })
        .as_ref()
}

const LANGUAGES: &str = include_str!("languages.json");

pub(crate) fn get(name: &str) -> Option<&'static Dialect> {
    if name == DEFAULT_LANGUAGE {
        return english();
    }
    all().get(name)
}

pub(crate) fn default_dialect() -> &'static Dialect {
    // The embedded file always holds "en"; the empty fallback only keeps this panic-free.
    static EMPTY: OnceLock<Dialect> = OnceLock::new();
    get(DEFAULT_LANGUAGE).unwrap_or_else(|| {
        EMPTY.get_or_init(|| Dialect {
            name: DEFAULT_LANGUAGE.to_string(),
            feature: Vec::new(),
            rule: Vec::new(),
            background: Vec::new(),
            scenario: Vec::new(),
            examples: Vec::new(),
            steps: Vec::new(),
        })
    })
}

/// Every language code the dialect file knows, sorted.
pub(crate) fn languages() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = all().keys().map(String::as_str).collect();
    names.sort_unstable();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_read_alone_is_english_read_with_the_rest() {
        let alone = english().unwrap();
        let among = &all()[DEFAULT_LANGUAGE];
        let words = |d: &Dialect| {
            (
                d.name.clone(),
                [&d.feature, &d.rule, &d.background, &d.scenario, &d.examples].map(|w| w.clone()),
                d.steps.clone(),
            )
        };
        assert_eq!(words(alone), words(among));
        assert_eq!(alone.steps.len(), 6, "{:?}", alone.steps);
        assert!(std::ptr::eq(get("en").unwrap(), alone));
        assert_eq!(get("fr").unwrap().name, "fr");
    }
}
