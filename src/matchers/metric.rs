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

/// The value of a metric on a post, and the counts its guards use.
pub fn measure(name: MetricName, text: &str, words: &View) -> (f64, Counts) {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let nwords = words.tokens.len();
    let counts = Counts {
        letters,
        words: nwords,
    };
    let value = match name {
        MetricName::Exclamations => text.chars().filter(|&c| c == '!').count() as f64,
        MetricName::UppercaseRatio => {
            let upper = text.chars().filter(|c| c.is_uppercase()).count();
            if letters == 0 {
                0.0
            } else {
                upper as f64 / letters as f64
            }
        }
        MetricName::Emoji => text.chars().filter(|&c| is_emoji(c)).count() as f64,
        MetricName::EmojiRatio => {
            let emoji = text.chars().filter(|&c| is_emoji(c)).count();
            emoji as f64 / nwords.max(1) as f64
        }
        MetricName::Hashtags => text
            .split(|c: char| c.is_whitespace())
            .filter(|w| w.len() > 1 && w.starts_with('#'))
            .count() as f64,
        MetricName::Words => nwords as f64,
        MetricName::Gulpease => gulpease(text, words),
    };
    (value, counts)
}

/// Gulpease index: 89 + (300 × sentences − 10 × letters) / words (Lucisano and Piemontese,
/// 1988). Below 40 is hard for readers with a lower-secondary education.
pub fn gulpease(text: &str, words: &View) -> f64 {
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
    let mut sentences = text
        .split(['.', '!', '?', ';', '\n'])
        .filter(|s| s.chars().any(char::is_alphabetic))
        .count();
    sentences = sentences.max(1);
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
        assert_eq!(measure(MetricName::Exclamations, t, &v).0, 3.0);
        assert_eq!(measure(MetricName::Emoji, t, &v).0, 2.0);
        assert_eq!(measure(MetricName::Hashtags, t, &v).0, 1.0);
        assert!(measure(MetricName::UppercaseRatio, t, &v).0 > 0.5);
    }

    #[test]
    fn gulpease_ranks_simple_text_higher() {
        let easy = "Il museo apre alle nove. Si entra gratis. Vi aspettiamo.";
        let hard = "L'amministrazione provvederà all'espletamento delle procedure propedeutiche all'individuazione dell'operatore economico aggiudicatario conformemente alla normativa vigente";
        assert!(gulpease(easy, &word_view(easy)) > 60.0);
        assert!(gulpease(hard, &word_view(hard)) < 40.0);
    }
}
