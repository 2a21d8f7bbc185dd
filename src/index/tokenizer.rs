//! Chinese tokenization for the index: one shared jieba (with the domain dictionary of
//! `data/userdict.txt`), cut with HMM off on both sides, punctuation dropped, ASCII lowercased.
//!
//! Positions are "compact": the number of alphanumeric characters before a token, plus a gap at
//! every sentence end, so 建议、提案 and 建议提案 both give 建议@0 提案@2 and no phrase crosses
//! 。！？；. The index side also emits every dictionary word (≥ 2 chars) inside a token at the
//! compact position of its first character, so 人民共和国 is found inside 中华人民共和国. The
//! query side cuts plainly ([`query_words`]). Calls jieba only; knows nothing of the schema.

use jieba_rs::Jieba;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which [`IndexTokenizer`] is registered with tantivy.
pub const TOKENIZER_NAME: &str = "nianbao_jieba";

/// The domain dictionary, compiled in so that the index and the binary always agree.
const USER_DICTIONARY: &str = include_str!("../../data/userdict.txt");

/// Position gap at a sentence end: larger than any phrase a user types.
const SENTENCE_GAP: usize = 16;

/// Sub-words are looked for only inside tokens of at most this many characters; jieba's
/// dictionary words are short, and the scan is quadratic in the token length.
const MAX_EXPANDED_TOKEN_CHARS: usize = 24;

/// The process-wide jieba with the domain dictionary (≈ 400 ms to load in a debug build).
pub fn jieba() -> &'static Arc<Jieba> {
    static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        for (word, freq) in user_words() {
            jieba.add_word(word, freq, None);
        }
        Arc::new(jieba)
    })
}

/// The words of the domain dictionary, with their frequency when the line gives one.
fn user_words() -> impl Iterator<Item = (&'static str, Option<usize>)> {
    USER_DICTIONARY.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut parts = line.split_whitespace();
        let word = parts.next()?;
        let freq = parts.next().and_then(|f| f.parse().ok());
        Some((word, freq))
    })
}

/// A short hash of the domain dictionary: the index records it and is stale when it differs.
pub fn dictionary_version() -> String {
    let digest = Sha256::digest(USER_DICTIONARY.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// True for the characters after which a phrase may not continue.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';')
}

/// A word of analysed text: its term, compact position and byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The term as indexed (ASCII lowercased).
    pub text: String,
    /// Compact position (alphanumeric characters before it, plus sentence gaps).
    pub position: usize,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset past the last character.
    pub end: usize,
}

/// Cut `text` into words with compact positions; with `expand`, also every dictionary word
/// (≥ 2 chars) inside each token, emitted before the token itself.
pub fn analyze(text: &str, expand: bool) -> Vec<Word> {
    let jieba = jieba();
    let mut words = Vec::new();
    let mut alphanumerics = 0usize;
    let mut gaps = 0usize;
    for token in jieba.cut(text, false) {
        let word = token.word;
        let count = word.chars().filter(|c| c.is_alphanumeric()).count();
        if count == 0 {
            if word.chars().any(is_sentence_end) {
                gaps += SENTENCE_GAP;
            }
            continue;
        }
        let position = alphanumerics + gaps;
        if expand {
            push_sub_words(jieba, word, token.byte_start, position, &mut words);
        }
        words.push(Word {
            text: word.to_ascii_lowercase(),
            position,
            start: token.byte_start,
            end: token.byte_start + word.len(),
        });
        alphanumerics += count;
    }
    words
}

/// Every dictionary word of two or more characters strictly inside `token`, in order of its
/// first character, at the compact position of that character.
fn push_sub_words(
    jieba: &Jieba,
    token: &str,
    byte_start: usize,
    position: usize,
    out: &mut Vec<Word>,
) {
    // Byte offset of every char boundary, and the compact position of every char.
    let bounds: Vec<usize> = token
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(token.len()))
        .collect();
    let chars = bounds.len() - 1;
    if !(3..=MAX_EXPANDED_TOKEN_CHARS).contains(&chars) || token.is_ascii() {
        return;
    }
    let mut compact = position;
    for first in 0..chars {
        for last in (first + 2)..=chars {
            if first == 0 && last == chars {
                continue; // the token itself
            }
            let (Some(&from), Some(&to)) = (bounds.get(first), bounds.get(last)) else {
                continue;
            };
            let Some(sub) = token.get(from..to) else {
                continue;
            };
            if jieba.has_word(sub) {
                out.push(Word {
                    text: sub.to_ascii_lowercase(),
                    position: compact,
                    start: byte_start + from,
                    end: byte_start + to,
                });
            }
        }
        let is_alphanumeric = token
            .get(bounds[first]..bounds[first + 1])
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_alphanumeric);
        if is_alphanumeric {
            compact += 1;
        }
    }
}

/// The query side of a user's word: plain cut with compact positions, then each token that the
/// dictionary can cover with shorter words (each ≥ 2 chars) replaced by those words.
///
/// Why the replacement: 建议提案 is one dictionary word, but a report that writes 建议、提案 has
/// only 建议 and 提案. The index side puts 建议 and 提案 inside every 建议提案 too, so querying
/// the parts finds both spellings, and their phrase ranks both above 建议 … 提案 far apart.
pub fn query_words(text: &str) -> Vec<Word> {
    let jieba = jieba();
    let mut out = Vec::new();
    for word in analyze(text, false) {
        match decompose(jieba, &word.text) {
            Some(parts) => {
                let mut offset = 0;
                let mut position = word.position;
                for part in parts {
                    out.push(Word {
                        text: part.to_string(),
                        position,
                        start: word.start + offset,
                        end: word.start + offset + part.len(),
                    });
                    offset += part.len();
                    position += part.chars().filter(|c| c.is_alphanumeric()).count();
                }
            }
            None => out.push(word),
        }
    }
    out
}

/// The fewest dictionary words (each ≥ 2 chars, shorter than `token`) that cover `token`
/// exactly, or `None` when there is no such cover.
fn decompose<'t>(jieba: &Jieba, token: &'t str) -> Option<Vec<&'t str>> {
    let bounds: Vec<usize> = token
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(token.len()))
        .collect();
    let chars = bounds.len() - 1;
    if !(4..=MAX_EXPANDED_TOKEN_CHARS).contains(&chars) || token.is_ascii() {
        return None;
    }
    // best[i] = (pieces, previous boundary) of the best cover of the first i chars.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; chars + 1];
    best[0] = Some((0, 0));
    for end in 2..=chars {
        for start in 0..=(end - 2) {
            if start == 0 && end == chars {
                continue;
            }
            let Some((pieces, _)) = best[start] else {
                continue;
            };
            let Some(piece) = token.get(bounds[start]..bounds[end]) else {
                continue;
            };
            if jieba.has_word(piece) && best[end].is_none_or(|(p, _)| pieces + 1 < p) {
                best[end] = Some((pieces + 1, start));
            }
        }
    }
    best[chars]?;
    let mut parts = Vec::new();
    let mut end = chars;
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(token.get(bounds[start]..bounds[end])?);
        end = start;
    }
    parts.reverse();
    Some(parts)
}

/// The index-side tokenizer registered with tantivy as [`TOKENIZER_NAME`].
#[derive(Clone, Default)]
pub struct IndexTokenizer;

/// Tokens of one text, computed up front.
pub struct WordStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens: Vec<Token> = analyze(text, true)
            .into_iter()
            .map(|w| Token {
                offset_from: w.start,
                offset_to: w.end,
                position: w.position,
                text: w.text,
                position_length: 1,
            })
            .collect();
        WordStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[Word]) -> Vec<(String, usize)> {
        words.iter().map(|w| (w.text.clone(), w.position)).collect()
    }

    fn has(words: &[Word], text: &str, position: usize) -> bool {
        words
            .iter()
            .any(|w| w.text == text && w.position == position)
    }

    #[test]
    fn punctuation_does_not_shift_positions() {
        let joined = analyze("建议提案", true);
        let split = analyze("建议、提案", true);
        assert!(
            has(&joined, "建议", 0) && has(&joined, "提案", 2),
            "{:?}",
            terms(&joined)
        );
        assert!(
            has(&split, "建议", 0) && has(&split, "提案", 2),
            "{:?}",
            terms(&split)
        );
        assert!(split.iter().all(|w| w.text != "、"));
    }

    #[test]
    fn query_of_a_compound_is_its_parts() {
        assert_eq!(
            terms(&query_words("建议提案")),
            vec![("建议".to_string(), 0), ("提案".to_string(), 2)]
        );
    }

    #[test]
    fn district_agency_cuts_the_same_in_query_and_sentence() {
        let query: Vec<String> = query_words("区工信局")
            .into_iter()
            .map(|w| w.text)
            .collect();
        let sentence: Vec<String> = analyze("我们区工信局认真落实条例。", false)
            .into_iter()
            .map(|w| w.text)
            .collect();
        let found = sentence.windows(query.len()).any(|w| w == query.as_slice());
        assert!(found, "query {query:?} not in sentence {sentence:?}");
    }

    #[test]
    fn dictionary_words_inside_a_token_are_indexed() {
        let words = analyze("中华人民共和国政府", true);
        assert!(has(&words, "人民共和国", 2), "{:?}", terms(&words));
    }

    #[test]
    fn sentence_end_opens_a_gap() {
        let words = analyze("建议。提案", true);
        let first = words.iter().find(|w| w.text == "建议").map(|w| w.position);
        let second = words.iter().find(|w| w.text == "提案").map(|w| w.position);
        assert_eq!(first, Some(0));
        assert!(second.unwrap_or(0) >= 2 + SENTENCE_GAP);
    }

    #[test]
    fn ascii_is_lowercased_and_punctuation_dropped() {
        let words = analyze("PDF版本 ， ；", false);
        assert_eq!(words.first().map(|w| w.text.as_str()), Some("pdf"));
        assert!(words
            .iter()
            .all(|w| w.text.chars().any(char::is_alphanumeric)));
    }

    #[test]
    fn positions_of_a_term_never_decrease() {
        let words = analyze("政府信息公开，政府信息公开工作年度报告。信息公开", true);
        let mut last: std::collections::HashMap<&str, usize> = Default::default();
        for w in &words {
            if let Some(&p) = last.get(w.text.as_str()) {
                assert!(w.position >= p, "{} went back: {:?}", w.text, terms(&words));
            }
            last.insert(&w.text, w.position);
        }
    }

    #[test]
    fn dictionary_version_is_stable_hex() {
        let v = dictionary_version();
        assert_eq!(v.len(), 16);
        assert_eq!(v, dictionary_version());
    }
}
