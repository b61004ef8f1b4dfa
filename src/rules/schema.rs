//! The TOML schema of a rule pack (see docs/rules.md). Every table denies unknown fields, so
//! a misspelt key is an error instead of a silently ignored condition.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub pack: PackMeta,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackMeta {
    pub id: String,
    pub name: String,
    pub version: String,
    pub language: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Confidentiality,
    PersonalData,
    Offensive,
    Disclaimer,
    Reputation,
    Political,
    Advertising,
    Security,
    Style,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Confidentiality,
        Category::PersonalData,
        Category::Offensive,
        Category::Disclaimer,
        Category::Reputation,
        Category::Political,
        Category::Advertising,
        Category::Security,
        Category::Style,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Confidentiality => "confidentiality",
            Category::PersonalData => "personal-data",
            Category::Offensive => "offensive",
            Category::Disclaimer => "disclaimer",
            Category::Reputation => "reputation",
            Category::Political => "political",
            Category::Advertising => "advertising",
            Category::Security => "security",
            Category::Style => "style",
        }
    }

    pub fn from_id(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == s)
    }

    /// The Italian and English label of the category.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (Category::Confidentiality, It) => "riservatezza e segreto d'ufficio",
            (Category::Confidentiality, En) => "confidentiality and official secrecy",
            (Category::PersonalData, It) => "dati personali",
            (Category::PersonalData, En) => "personal data",
            (Category::Offensive, It) => "linguaggio offensivo",
            (Category::Offensive, En) => "offensive language",
            (Category::Disclaimer, It) => "identificazione del ruolo e disclaimer",
            (Category::Disclaimer, En) => "role identification and disclaimer",
            (Category::Reputation, It) => "prestigio, decoro e immagine dell'amministrazione",
            (Category::Reputation, En) => "the administration's reputation",
            (Category::Political, It) => "propaganda elettorale e attività politica",
            (Category::Political, En) => "electoral propaganda and political activity",
            (Category::Advertising, It) => "pubblicità, spam, interessi privati",
            (Category::Advertising, En) => "advertising, spam, private interests",
            (Category::Security, It) => "credenziali e accessi",
            (Category::Security, En) => "credentials and access",
            (Category::Style, It) => "tono, accessibilità, fonti",
            (Category::Style, En) => "tone, accessibility, sources",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_id(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Personal,
    Institutional,
    Moderation,
}

impl Profile {
    pub const ALL: [Profile; 3] = [
        Profile::Personal,
        Profile::Institutional,
        Profile::Moderation,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Profile::Personal => "personal",
            Profile::Institutional => "institutional",
            Profile::Moderation => "moderation",
        }
    }
}

/// Roles of art. 11-ter c. 4: conduct is graded by hierarchical level and responsibility.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Dipendente,
    Funzionario,
    Dirigente,
    Amministratore,
    Consulente,
    Collaboratore,
}

impl Role {
    pub fn id(self) -> &'static str {
        match self {
            Role::Dipendente => "dipendente",
            Role::Funzionario => "funzionario",
            Role::Dirigente => "dirigente",
            Role::Amministratore => "amministratore",
            Role::Consulente => "consulente",
            Role::Collaboratore => "collaboratore",
        }
    }
}

/// A text in Italian, optionally with its English translation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum LocalText {
    Italian(String),
    #[serde(rename_all = "lowercase")]
    Both {
        it: String,
        en: Option<String>,
    },
}

impl LocalText {
    pub fn get(&self, lang: crate::i18n::Lang) -> &str {
        match (self, lang) {
            (LocalText::Italian(s), _) => s,
            (LocalText::Both { it, .. }, crate::i18n::Lang::It) => it,
            (LocalText::Both { it, en }, crate::i18n::Lang::En) => en.as_deref().unwrap_or(it),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    /// The original text.
    #[default]
    Raw,
    /// The word view: folded words joined by one space.
    Words,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Sentence,
    Line,
    Post,
}

/// How far a context condition looks: a number of words or a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Within {
    Words(usize),
    Region(Scope),
}

impl<'de> Deserialize<'de> for Within {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Within;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("un numero di parole o \"sentence\", \"line\", \"post\"")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Within, E> {
                Ok(Within::Words(v as usize))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Within, E> {
                usize::try_from(v)
                    .map(Within::Words)
                    .map_err(|_| E::custom("within deve essere positivo / must be positive"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Within, E> {
                match v {
                    "sentence" => Ok(Within::Region(Scope::Sentence)),
                    "line" => Ok(Within::Region(Scope::Line)),
                    "post" => Ok(Within::Region(Scope::Post)),
                    _ => Err(E::unknown_variant(v, &["sentence", "line", "post"])),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Before,
    After,
    #[default]
    Both,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDef {
    #[serde(default)]
    pub terms: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub on: ViewKind,
    #[serde(default)]
    pub within: Option<Within>,
    #[serde(default)]
    pub direction: Direction,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("una tabella o un elenco di tabelle")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(OneOrMany::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(OneOrMany::Many)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricName {
    Exclamations,
    UppercaseRatio,
    Emoji,
    EmojiRatio,
    Hashtags,
    Words,
    Gulpease,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    pub name: MetricName,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
    /// Posts with fewer letters are not measured (a two-word "GRAZIE!" is not shouting).
    #[serde(default)]
    pub min_letters: Option<usize>,
    #[serde(default)]
    pub min_words: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    Detailed {
        text: String,
        #[serde(rename = "match")]
        matched: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExampleTable {
    text: String,
    #[serde(default, rename = "match")]
    matched: Option<String>,
}

impl<'de> Deserialize<'de> for Example {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Example;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("una stringa o una tabella { text = \"…\", match = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Example, E> {
                Ok(Example::Text(v.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Example, E> {
                Ok(Example::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Example, A::Error> {
                let t =
                    ExampleTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Example::Detailed {
                    text: t.text,
                    matched: t.matched,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) => t,
            Example::Detailed { text, .. } => text,
        }
    }

    pub fn expected_match(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::Detailed { matched, .. } => matched.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TestsDef {
    #[serde(default)]
    pub bad: Vec<Example>,
    #[serde(default)]
    pub good: Vec<Example>,
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    pub role: Option<Role>,
    /// Entity name the examples run with, for rules that use `{entity}`.
    #[serde(default)]
    pub entity: Option<String>,
    /// Confidential terms the examples run with, for rules that use `{confidential}`.
    #[serde(default)]
    pub confidential: Vec<String>,
    /// Disclaimer the examples run with, for rules that use `{disclaimer}`.
    #[serde(default)]
    pub disclaimer: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub profiles: Option<Vec<Profile>>,
    #[serde(default)]
    pub role_severity: BTreeMap<Role, Severity>,
    pub message: LocalText,
    pub explain: LocalText,
    pub reference: String,
    #[serde(default)]
    pub suggestion: Option<LocalText>,
    #[serde(default)]
    pub redact: bool,
    #[serde(default)]
    pub terms: Vec<String>,
    #[serde(default)]
    pub evasion: bool,
    #[serde(default)]
    pub exceptions: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub on: ViewKind,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub validate: Option<String>,
    #[serde(default)]
    pub word_boundary: Option<bool>,
    #[serde(default)]
    pub near: Option<OneOrMany<ConditionDef>>,
    #[serde(default)]
    pub unless: Option<OneOrMany<ConditionDef>>,
    #[serde(default)]
    pub require: Option<ConditionDef>,
    #[serde(default)]
    pub metric: Option<MetricDef>,
    #[serde(default)]
    pub tests: Option<TestsDef>,
}

impl RuleDef {
    pub fn profiles(&self) -> Vec<Profile> {
        self.profiles
            .clone()
            .unwrap_or_else(|| Profile::ALL.to_vec())
    }
}
