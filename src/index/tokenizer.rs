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

/// `c.is_alphanumeric()`, answered without Unicode's tables for the common ideographs: every
/// character of CJK Unified Ideographs and of Extension A is alphabetic (a test checks), and
/// the table lookup was a tenth of cutting a report into words.
fn counts_in_position(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') || c.is_alphanumeric()
}

/// Alphanumeric characters of `text` (see [`counts_in_position`]).
fn position_width(text: &str) -> usize {
    text.chars().filter(|&c| counts_in_position(c)).count()
}

/// True for punctuation and space that ends a clause. jieba cuts a text into runs at every such
/// character and cuts each run into words on its own, so a part of a text cut at one has the
/// words of the whole text that lie in it (only a compound across punctuation spans one).
pub(crate) fn is_clause_break(c: char) -> bool {
    // A slice of chars, not a string: a string's `contains` searches for the character's UTF-8
    // bytes, and snippets ask this for every character they scan.
    const BREAKS: [char; 22] = [
        '，', '。', '；', '：', '、', '！', '？', '（', '）', '“', '”', '《', '》', '【', '】',
        ',', ';', ':', '!', '?', '(', ')',
    ];
    BREAKS.contains(&c) || c.is_whitespace()
}

/// True for the characters after which a phrase may not continue.
pub(crate) fn is_sentence_end(c: char) -> bool {
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

/// Compound words (dictionary words of at least this many characters) are also indexed where
/// they span jieba's tokens or punctuation: a query for one of them is then a term query, not
/// a phrase over its parts (see [`compound_terms`]). [`decompose`] splits exactly these.
const MIN_COMPOUND_CHARS: usize = 4;

/// Characters of a compound's tail and head looked at across punctuation.
const JUNCTION_CHARS: usize = 12;

/// Prefix of the term of a compound found across punctuation (建议、提案 gives it for 建议提案):
/// jieba never keeps a control character in a token, so no plain term starts with it.
pub(crate) const ACROSS_PUNCTUATION: char = '\u{1}';

/// The CJK ideographs jieba's full-mode cut looks for words in.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{2CEB0}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}'
    )
}

/// True for a dictionary word that the index also records as one term wherever its characters
/// follow each other in a sentence, punctuation aside.
fn is_compound(jieba: &Jieba, word: &str) -> bool {
    let chars = word.chars().count();
    (MIN_COMPOUND_CHARS..=MAX_EXPANDED_TOKEN_CHARS).contains(&chars)
        && word.chars().all(is_cjk)
        && jieba.has_word(word)
}

/// The two terms a compound word is indexed under: as printed (建议提案), and across
/// punctuation (建议、提案); `None` when `word` is not such a compound. Together they match
/// exactly where the phrase of the word's parts would, without reading positions.
pub fn compound_terms(word: &str) -> Option<[String; 2]> {
    is_compound(jieba(), word).then(|| [word.to_string(), format!("{ACROSS_PUNCTUATION}{word}")])
}

/// One token of jieba's plain cut: byte range, compact position, whether it counts.
struct Cut {
    start: usize,
    end: usize,
    position: usize,
    /// Has an alphanumeric character (else it is punctuation or space).
    alphanumeric: bool,
    /// Punctuation holding a sentence end.
    sentence_end: bool,
}

/// jieba's plain cut of `text` with compact positions.
fn cut(jieba: &Jieba, text: &str) -> Vec<Cut> {
    let mut cuts = Vec::new();
    let mut alphanumerics = 0usize;
    let mut gaps = 0usize;
    for token in jieba.cut(text, false) {
        let word = token.word;
        let count = position_width(word);
        let sentence_end = count == 0 && word.chars().any(is_sentence_end);
        if sentence_end {
            gaps += SENTENCE_GAP;
        }
        cuts.push(Cut {
            start: token.byte_start,
            end: token.byte_start + word.len(),
            position: alphanumerics + gaps,
            alphanumeric: count > 0,
            sentence_end,
        });
        alphanumerics += count;
    }
    cuts
}

/// A word of analysed text whose term is not copied out yet: the index builds every term in
/// one reused buffer instead of allocating a string per word.
#[derive(Debug, Clone, Copy)]
struct Term {
    /// Compact position.
    position: usize,
    /// Byte range in the input.
    start: usize,
    end: usize,
    /// Where the term's text is.
    text: TermText,
}

#[derive(Debug, Clone, Copy)]
enum TermText {
    /// The input's `start..end`, ASCII lowercased.
    Input,
    /// [`ACROSS_PUNCTUATION`] and then `joined[from..to]` of the [`Analysis`]: a compound
    /// whose characters the input splits with punctuation.
    Joined { from: usize, to: usize },
}

/// The terms of a text, sorted by position, and the text they may point into.
#[derive(Default)]
pub(crate) struct Analysis {
    terms: Vec<Term>,
    /// The input without its junctions (see [`Junctions`]); for a value of several parts
    /// ([`index_terms`]), the texts of its compounds across punctuation.
    joined: String,
}

impl Analysis {
    /// Whether a term at bytes `start..end` of `input` (the text analysed) is `text`, compared
    /// in place: snippets ask this of the words of a clause, and copying each word out was an
    /// allocation per word.
    pub(crate) fn has(&self, input: &str, start: usize, end: usize, text: &str) -> bool {
        self.terms
            .iter()
            .filter(|t| t.start == start && t.end == end)
            .any(|term| match term.text {
                TermText::Input => input
                    .get(start..end)
                    .is_some_and(|word| word.len() == text.len() && lowercase_eq(word, text)),
                TermText::Joined { from, to } => {
                    text.strip_prefix(ACROSS_PUNCTUATION) == self.joined.get(from..to)
                }
            })
    }

    /// Appends the text of `term` of `input` to `out`.
    fn push_text(&self, input: &str, term: &Term, out: &mut String) {
        match term.text {
            TermText::Input => {
                let from = out.len();
                out.push_str(input.get(term.start..term.end).unwrap_or_default());
                if let Some(added) = out.get_mut(from..) {
                    added.make_ascii_lowercase();
                }
            }
            TermText::Joined { from, to } => {
                out.push(ACROSS_PUNCTUATION);
                out.push_str(self.joined.get(from..to).unwrap_or_default());
            }
        }
    }
}

/// `word` ASCII lowercased equals `lowercase` (of the same length).
fn lowercase_eq(word: &str, lowercase: &str) -> bool {
    word.bytes()
        .zip(lowercase.bytes())
        .all(|(a, b)| a.to_ascii_lowercase() == b)
}

/// The terms of `text`: jieba's plain cut with compact positions; with `expand` (the index
/// side), also every dictionary word (≥ 2 chars) inside each token and every compound word
/// across tokens or punctuation; all sorted by position.
pub(crate) fn analyze_terms(text: &str, expand: bool) -> Analysis {
    let jieba = jieba();
    let cuts = cut(jieba, text);
    let mut terms: Vec<Term> = cuts
        .iter()
        .filter(|c| c.alphanumeric)
        .map(|c| Term {
            position: c.position,
            start: c.start,
            end: c.end,
            text: TermText::Input,
        })
        .collect();
    let mut joined = String::new();
    if expand {
        let junctions = Junctions::of(text, &cuts, &mut joined);
        let across = push_dictionary_words(jieba, text, &cuts, &junctions, &joined, &mut terms);
        terms.extend(across);
        // Stable: a word before the sub-words and compounds at its position.
        terms.sort_by_key(|t| t.position);
    }
    Analysis { terms, joined }
}

/// Cut `text` into words with compact positions; with `expand` (the index side), also every
/// dictionary word (≥ 2 chars) inside each token and every compound word across tokens or
/// punctuation, all sorted by position.
pub fn analyze(text: &str, expand: bool) -> Vec<Word> {
    let analysis = analyze_terms(text, expand);
    analysis
        .terms
        .iter()
        .map(|term| {
            let mut word = String::new();
            analysis.push_text(text, term, &mut word);
            Word {
                text: word,
                position: term.position,
                start: term.start,
                end: term.end,
            }
        })
        .collect()
}

/// The compact position of the character at byte `at` of the token `cut`.
fn position_in(cut: &Cut, text: &str, at: usize) -> Option<usize> {
    let before = text.get(cut.start..at)?;
    Some(cut.position + position_width(before))
}

/// A junction: a run of punctuation without a sentence end between two ideographs of a
/// sentence (the 、 of 建议、提案). A compound word may span one.
struct Junction {
    /// Byte offset in the joined text where the run was.
    at: usize,
    /// Bytes of the run.
    removed: usize,
}

/// The junctions of a text, left out of its joined copy so that one jieba full cut of the
/// copy finds every dictionary word of the text and every compound across a junction.
struct Junctions(Vec<Junction>);

impl Junctions {
    /// Finds the junctions of `text` and writes the text without them to `joined`.
    fn of(text: &str, cuts: &[Cut], joined: &mut String) -> Junctions {
        let mut junctions = Vec::new();
        let mut copied = 0;
        let mut i = 0;
        while i < cuts.len() {
            // A run of punctuation without a sentence end between two tokens.
            let Some(before) = cuts.get(i).filter(|c| c.alphanumeric) else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while cuts
                .get(j)
                .is_some_and(|c| !c.alphanumeric && !c.sentence_end)
            {
                j += 1;
            }
            let after = match cuts.get(j) {
                Some(after) if j > i + 1 && after.alphanumeric => after,
                _ => {
                    i = j.max(i + 1);
                    continue;
                }
            };
            i = j;
            let ideograph_before = text
                .get(..before.end)
                .and_then(|left| left.chars().next_back())
                .is_some_and(is_cjk);
            let ideograph_after = text
                .get(after.start..)
                .and_then(|right| right.chars().next())
                .is_some_and(is_cjk);
            let Some(kept) = text.get(copied..before.end) else {
                continue;
            };
            if !(ideograph_before && ideograph_after) {
                continue;
            }
            joined.push_str(kept);
            junctions.push(Junction {
                at: joined.len(),
                removed: after.start - before.end,
            });
            copied = after.start;
        }
        joined.push_str(text.get(copied..).unwrap_or_default());
        Junctions(junctions)
    }
}

/// Every dictionary word of jieba's full cut that lies strictly inside a token (≥ 2 chars) or
/// spans tokens (compounds only), pushed to `out`; returned apart, the compounds that span
/// one junction, each with at most [`JUNCTION_CHARS`] on either side. One pass of jieba's
/// prefix walk over the joined text.
fn push_dictionary_words(
    jieba: &Jieba,
    text: &str,
    cuts: &[Cut],
    junctions: &Junctions,
    joined: &str,
    out: &mut Vec<Term>,
) -> Vec<Term> {
    let mut across = Vec::new();
    // Cursors over the tokens and the junctions: the full cut gives words by their first
    // character (a binary search per word was a quarter of `analyze`).
    let (mut i, mut k, mut shift, mut last_start) = (0, 0, 0, 0);
    for word in jieba.cut_all(joined) {
        let chars = word.end - word.start;
        if !(2..=MAX_EXPANDED_TOKEN_CHARS).contains(&chars) || !word.word.chars().all(is_cjk) {
            continue;
        }
        let (from, to) = (word.byte_start, word.byte_end);
        if from < last_start {
            (i, k, shift) = (0, 0, 0); // not in order after all: walk again from the start
        }
        last_start = from;
        while let Some(junction) = junctions.0.get(k).filter(|j| j.at <= from) {
            shift += junction.removed;
            k += 1;
        }
        let mut spanned = junctions.0.iter().skip(k).take_while(|j| j.at < to);
        let (first_junction, second_junction) = (spanned.next(), spanned.next());
        let start = from + shift;
        let end = to + shift + first_junction.map_or(0, |j| j.removed);
        while cuts.get(i).is_some_and(|c| c.end <= start) {
            i += 1;
        }
        let Some(first) = cuts.get(i) else { continue };
        let Some(position) = position_in(first, text, start) else {
            continue;
        };
        match (first_junction, second_junction) {
            (None, _) => {
                if first.start == start && first.end == end {
                    continue; // the token itself
                }
                if end > first.end && chars < MIN_COMPOUND_CHARS {
                    continue;
                }
                out.push(Term {
                    position,
                    start,
                    end,
                    text: TermText::Input,
                });
            }
            (Some(junction), None) => {
                let (Some(tail), Some(head)) =
                    (joined.get(from..junction.at), joined.get(junction.at..to))
                else {
                    continue;
                };
                if chars < MIN_COMPOUND_CHARS
                    || tail.chars().count() > JUNCTION_CHARS
                    || head.chars().count() > JUNCTION_CHARS
                {
                    continue;
                }
                across.push(Term {
                    position,
                    start,
                    end,
                    text: TermText::Joined { from, to },
                });
            }
            (Some(_), Some(_)) => {}
        }
    }
    across
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
                    position += position_width(part);
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

/// Opens a part of an index value ([`push_part`]): the mark, then the part's region digit.
const PART_MARK: char = '\u{2}';

/// Positions of one region of an index value: the words of a part of region `r` are at
/// `r * REGION_SPAN ..`. 2^24 compact positions hold millions of characters; words of a region
/// past that are dropped rather than counted in the next.
pub(crate) const REGION_SPAN: u32 = 1 << 24;

/// Regions an index value may have (one digit each).
const REGIONS: u8 = 10;

/// Append `text` to an index value as a part of `region` (0 ..= 9; others are dropped). The
/// tokenizer places the words of each part in its region's positions, after the region's
/// earlier parts and a gap no phrase crosses; one value thus holds the title and every section
/// of a report at positions that tell the sections apart.
pub(crate) fn push_part(value: &mut String, region: u8, text: &str) {
    if region >= REGIONS || text.trim().is_empty() {
        return;
    }
    value.push(PART_MARK);
    value.push(char::from(b'0' + region));
    // A mark inside the text would open a part; jieba drops control characters anyway.
    value.extend(text.chars().map(|c| if c == PART_MARK { ' ' } else { c }));
}

/// The index-side terms of a value: [`analyze_terms`] with every dictionary word and compound,
/// each part of [`push_part`] at its region's positions (text before any mark: region 0), in
/// position order, with byte ranges in `value`.
fn index_terms(value: &str) -> Analysis {
    let mut all = Analysis::default();
    let mut next = [0u32; REGIONS as usize];
    let mut offset = 0;
    for (i, piece) in value.split(PART_MARK).enumerate() {
        let mut region = 0u8;
        let mut text = piece;
        let mut start = offset;
        if i > 0 {
            let digit = piece.as_bytes().first().copied().unwrap_or(b'0');
            region = digit.wrapping_sub(b'0').min(REGIONS - 1);
            text = piece.get(1..).unwrap_or_default();
            start += 1;
        }
        offset += piece.len() + PART_MARK.len_utf8();
        let slot = usize::from(region);
        let (base, end_of_region) = (
            u32::from(region) * REGION_SPAN,
            (u32::from(region) + 1) * REGION_SPAN,
        );
        let first = base.saturating_add(next[slot]);
        let mut end = first;
        let part = analyze_terms(text, true);
        for term in part.terms {
            let Some(position) = u32::try_from(term.position)
                .ok()
                .and_then(|p| p.checked_add(first))
                .filter(|p| *p < end_of_region)
            else {
                continue;
            };
            end = end.max(position + 1);
            all.terms.push(Term {
                position: position as usize,
                start: start + term.start,
                end: start + term.end,
                text: match term.text {
                    TermText::Input => TermText::Input,
                    // Only a compound's own text is copied, not the whole joined part.
                    TermText::Joined { from, to } => {
                        let at = all.joined.len();
                        all.joined
                            .push_str(part.joined.get(from..to).unwrap_or_default());
                        TermText::Joined {
                            from: at,
                            to: all.joined.len(),
                        }
                    }
                },
            });
        }
        if end > first {
            next[slot] = (end - base).saturating_add(SENTENCE_GAP as u32);
        }
    }
    // Parts of a later region may come first (sections printed out of order).
    if !all.terms.is_sorted_by_key(|t| t.position) {
        all.terms.sort_by_key(|t| t.position);
    }
    all
}

/// The index-side tokens of a value, as [`IndexTokenizer`] gives them.
#[cfg(test)]
pub(crate) fn index_tokens(value: &str) -> Vec<Token> {
    let mut tokenizer = IndexTokenizer;
    let mut stream = tokenizer.token_stream(value);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tokens
}

/// The index-side tokenizer, registered with tantivy as [`TOKENIZER_NAME`]: the terms of
/// [`index_terms`].
#[derive(Clone, Default)]
pub struct IndexTokenizer;

/// Terms of one value, computed up front; each token's text is written into one reused string
/// (a string per token was an allocation and a free for each of a report's ~600 terms).
pub struct WordStream<'a> {
    value: &'a str,
    analysis: Analysis,
    next: usize,
    current: Token,
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        WordStream {
            value: text,
            analysis: index_terms(text),
            next: 0,
            current: Token::default(),
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(term) = self.analysis.terms.get(self.next) else {
            return false;
        };
        self.next += 1;
        let token = &mut self.current;
        token.text.clear();
        self.analysis.push_text(self.value, term, &mut token.text);
        token.offset_from = term.start;
        token.offset_to = term.end;
        token.position = term.position;
        token.position_length = 1;
        true
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
    fn the_ideographs_counted_without_tables_are_all_alphanumeric() {
        let ideographs = ('\u{4E00}'..='\u{9FFF}').chain('\u{3400}'..='\u{4DBF}');
        for c in ideographs {
            assert!(c.is_alphanumeric(), "{c:?} U+{:04X}", c as u32);
        }
        for c in [
            'a',
            'Z',
            '7',
            '。',
            '、',
            ' ',
            '\u{F900}',
            '\u{FA6E}',
            '\u{20000}',
            '①',
        ] {
            assert_eq!(counts_in_position(c), c.is_alphanumeric(), "{c:?}");
        }
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
    fn compounds_are_terms_printed_and_across_punctuation_but_not_across_sentences() {
        let printed = analyze("本年度办理建议提案9件", true);
        assert!(has(&printed, "建议提案", 5), "{:?}", terms(&printed));
        let across = analyze("本年度办理建议、提案9件", true);
        assert!(
            has(&across, "\u{1}建议提案", 5) && has(&across, "建议", 5) && has(&across, "提案", 7),
            "{:?}",
            terms(&across)
        );
        let word = across
            .iter()
            .find(|w| w.text.starts_with(ACROSS_PUNCTUATION));
        let text = "本年度办理建议、提案9件";
        assert_eq!(
            word.and_then(|w| text.get(w.start..w.end)),
            Some("建议、提案")
        );
        let apart = analyze("办理建议。提案", true);
        assert!(
            apart.iter().all(|w| !w.text.contains("建议提案")),
            "{:?}",
            terms(&apart)
        );
        assert!(compound_terms("建议提案").is_some());
        assert!(compound_terms("建议").is_none() && compound_terms("abcd").is_none());
    }

    #[test]
    fn an_analysis_has_a_term_only_with_its_range_and_its_text() {
        let text = "办理PDF建议、提案";
        let analysis = analyze_terms(text, true);
        let range = |word: &str| {
            let start = text.find(word).expect("in the text");
            (start, start + word.len())
        };
        let (start, end) = range("PDF");
        assert!(analysis.has(text, start, end, "pdf"));
        assert!(!analysis.has(text, start, end, "pdg"));
        let (start, end) = range("建议、提案");
        assert!(analysis.has(text, start, end, "\u{1}建议提案"));
        assert!(!analysis.has(text, start, end, "\u{1}建议提议"));
        assert!(!analysis.has(text, start, end - 3, "\u{1}建议提案"));
    }

    #[test]
    fn a_compound_spans_one_run_of_punctuation_not_two() {
        let words = analyze("中华、人民、共和国", true);
        assert!(has(&words, "\u{1}人民共和国", 2), "{:?}", terms(&words));
        assert!(
            words.iter().all(|w| w.text != "\u{1}中华人民共和国"),
            "{:?}",
            terms(&words)
        );
        // Where the words are printed together, the compound is one term as printed.
        assert!(has(&analyze("中华人民共和国", true), "中华人民共和国", 0));
    }

    #[test]
    fn parts_are_placed_in_their_regions_apart_and_in_order() {
        let mut value = String::new();
        push_part(&mut value, 2, "主动公开情况");
        push_part(&mut value, 0, "某某局年度报告");
        push_part(&mut value, 2, "公开\u{2}9文件。");
        push_part(&mut value, 1, "  ");
        push_part(&mut value, 10, "不计的部分");
        let tokens = index_tokens(&value);
        assert!(tokens.windows(2).all(|w| w[0].position <= w[1].position));
        let of = |text: &str| -> Vec<u32> {
            tokens
                .iter()
                .filter(|t| t.text == text)
                .map(|t| t.position as u32)
                .collect()
        };
        let region = |r: u32| r * REGION_SPAN..(r + 1) * REGION_SPAN;
        assert!(of("年度报告").iter().all(|p| region(0).contains(p)));
        let both = of("公开");
        assert_eq!(both.len(), 2, "{both:?}");
        assert!(both.iter().all(|p| region(2).contains(p)));
        // The region's second part starts past a gap; a mark inside a text opens nothing.
        assert!(both[1] - both[0] > SENTENCE_GAP as u32);
        assert!(of("文件").iter().all(|p| region(2).contains(p)));
        assert!(of("不计").is_empty());
        // Offsets point into the value.
        for t in &tokens {
            let word = value.get(t.offset_from..t.offset_to).unwrap_or_default();
            assert_eq!(
                word.to_ascii_lowercase(),
                t.text.trim_start_matches(ACROSS_PUNCTUATION)
            );
        }
    }

    #[test]
    fn text_without_parts_is_region_zero() {
        let plain = index_tokens("政务公开");
        assert!(!plain.is_empty());
        assert!(plain.iter().all(|t| (t.position as u32) < REGION_SPAN));
    }

    #[test]
    fn the_tokenizer_gives_the_words_of_analyze_through_one_reused_buffer() {
        // Upper-case ASCII, a compound across punctuation and a longer word after shorter ones:
        // each token's text must be exactly its own, never left over from the one before.
        let text = "政府信息公开工作年度报告PDF版。建议、提案办理情况，ab";
        let tokens = index_tokens(text);
        let words = analyze(text, true);
        assert!(tokens.iter().any(|t| t.text == "pdf"));
        assert!(tokens.iter().any(|t| t.text == "\u{1}建议提案"));
        let of_token = |t: &Token| (t.text.clone(), t.position, t.offset_from, t.offset_to);
        let of_word = |w: &Word| (w.text.clone(), w.position, w.start, w.end);
        assert_eq!(
            tokens.iter().map(of_token).collect::<Vec<_>>(),
            words.iter().map(of_word).collect::<Vec<_>>()
        );
    }

    #[test]
    fn dictionary_version_is_stable_hex() {
        let v = dictionary_version();
        assert_eq!(v.len(), 16);
        assert_eq!(v, dictionary_version());
    }
}
