//! Metrics over a whole post: exclamation marks, share of capitals, emoji, hashtags, words,
//! and the Gulpease readability index for Italian.

use crate::rules::MetricName;
use crate::text::View;

/// Whether a character is an emoji pictograph (the common blocks; skin-tone modifiers,
/// variation selectors and joiners are not counted on their own).
pub fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1F5FF | 0x1F600..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF | 0x2600..=0x26FF | 0x2700..=0x27BF | 0x1F1E6..=0x1F1FF)
}

pub struct Counts {
    pub letters: usize,
    pub words: usize,
}

/// What the metrics count in a post, in one pass over its characters (a post is measured
/// by several metric rules).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    letters: usize,
    upper: usize,
    exclamations: usize,
    emoji: usize,
    hashtags: usize,
    /// Stretches between `.`, `!`, `?`, `;` or a line break that hold a letter.
    sentences: usize,
}

impl Stats {
    pub fn of(text: &str) -> Stats {
        let mut st = Stats::default();
        let mut after_space = true;
        let mut hash_pending = false;
        let mut sentence_has_letter = false;
        for c in text.chars() {
            if hash_pending && !c.is_whitespace() {
                st.hashtags += 1;
            }
            hash_pending = false;
            if c.is_alphabetic() {
                st.letters += 1;
                sentence_has_letter = true;
                if c.is_uppercase() {
                    st.upper += 1;
                }
            } else if is_emoji(c) {
                st.emoji += 1;
            }
            match c {
                '!' => st.exclamations += 1,
                '#' if after_space => hash_pending = true,
                _ => {}
            }
            if matches!(c, '.' | '!' | '?' | ';' | '\n') {
                st.sentences += usize::from(sentence_has_letter);
                sentence_has_letter = false;
            }
            after_space = c.is_whitespace();
        }
        st.sentences += usize::from(sentence_has_letter);
        st
    }
}

/// The value of a metric on a post, and the counts its guards use.
pub fn measure(name: MetricName, stats: &Stats, words: &View) -> (f64, Counts) {
    let letters = stats.letters;
    let nwords = words.tokens.len();
    let counts = Counts {
        letters,
        words: nwords,
    };
    let value = match name {
        MetricName::Exclamations => stats.exclamations as f64,
        MetricName::UppercaseRatio => {
            if letters == 0 {
                0.0
            } else {
                stats.upper as f64 / letters as f64
            }
        }
        MetricName::Emoji => stats.emoji as f64,
        MetricName::EmojiRatio => stats.emoji as f64 / nwords.max(1) as f64,
        MetricName::Hashtags => stats.hashtags as f64,
        MetricName::Words => nwords as f64,
        MetricName::Gulpease => gulpease_of(stats, words),
    };
    (value, counts)
}

/// Gulpease index: 89 + (300 × sentences − 10 × letters) / words (Lucisano and Piemontese,
/// 1988). Below 40 is hard for readers with a lower-secondary education.
pub fn gulpease(text: &str, words: &View) -> f64 {
    gulpease_of(&Stats::of(text), words)
}

fn gulpease_of(stats: &Stats, words: &View) -> f64 {
    let nwords = words.tokens.len();
    if nwords == 0 {
        return 100.0;
    }
    let letters = words
        .tokens
        .iter()
        .map(|t| {
            words.text[t.norm_start..t.norm_end]
                .chars()
                .filter(|c| c.is_alphabetic())
                .count()
        })
        .sum::<usize>();
    let sentences = stats.sentences.max(1);
    89.0 + (300.0 * sentences as f64 - 10.0 * letters as f64) / nwords as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::word_view;

    #[test]
    fn counts() {
        let t = "BASTA COSÌ!!! 😀😀 #comune";
        let v = word_view(t);
        let st = Stats::of(t);
        assert_eq!(measure(MetricName::Exclamations, &st, &v).0, 3.0);
        assert_eq!(measure(MetricName::Emoji, &st, &v).0, 2.0);
        assert_eq!(measure(MetricName::Hashtags, &st, &v).0, 1.0);
        assert!(measure(MetricName::UppercaseRatio, &st, &v).0 > 0.5);
        assert_eq!(Stats::of("#a # #b c#d\n#").hashtags, 2);
        assert_eq!(Stats::of("Uno. Due! 3?\nquattro").sentences, 3);
    }

    #[test]
    fn gulpease_ranks_simple_text_higher() {
        let easy = "Il museo apre alle nove. Si entra gratis. Vi aspettiamo.";
        let hard = "L'amministrazione provvederà all'espletamento delle procedure propedeutiche all'individuazione dell'operatore economico aggiudicatario conformemente alla normativa vigente";
        assert!(gulpease(easy, &word_view(easy)) > 60.0);
        assert!(gulpease(hard, &word_view(hard)) < 40.0);
    }
}
