//! The language of what the user reads: Italian by default, English with `--lang en`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    /// Picks the Italian or the English text.
    pub fn pick<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }

    pub fn severity(self, s: crate::rules::Severity) -> &'static str {
        use crate::rules::Severity::*;
        match (self, s) {
            (Lang::It, Error) => "errore",
            (Lang::It, Warning) => "avviso",
            (Lang::It, Info) => "info",
            (Lang::En, Error) => "error",
            (Lang::En, Warning) => "warning",
            (Lang::En, Info) => "info",
        }
    }
}
