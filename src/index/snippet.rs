//! Highlighted snippets: the best fragment is found as tantivy's SnippetGenerator finds it
//! (fragments of at most [`SNIPPET_BYTES`] cut where a word would overflow, the one whose query
//! terms weigh most), over the index tokenizer's words of the part of a text around its
//! densest cluster of query terms; this module merges touching highlights so 建议提案 comes out
//! as one `<b>建议提案</b>`, HTML-escapes the text and marks cut edges with "…". One
//! [`Snippets`] per request. Calls the index tokenizer and tantivy's document frequencies.

use crate::index::tokenizer::{analyze, is_clause_break};
use crate::markup::escape;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{Score, Searcher};

/// Fragment length in bytes (≈ 150 Chinese characters).
pub const SNIPPET_BYTES: usize = 450;

/// When a long text is cut down before the snippet is made, the part starts at the clause
/// holding the densest cluster of query terms, at most this many bytes before the cluster
/// (≈ 30 Chinese characters), and ends with the clause the fragment ends in, at most this many
/// bytes after it.
const FOCUS_CONTEXT_BYTES: usize = 90;

/// Makes the snippets of one request.
pub(crate) struct Snippets {
    /// The query's terms as indexed, with their weights (rarer weighs more); `None` without a
    /// query.
    weights: Option<HashMap<String, Score>>,
    /// The query's terms that can be found in a text as they are, with their weights; empty
    /// when some term cannot.
    plain_terms: Vec<(String, Score)>,
}

impl Snippets {
    /// A maker for `query`'s terms in `field`; without a query, snippets are openings.
    pub fn new(
        searcher: &Searcher,
        query: Option<&dyn Query>,
        field: Field,
    ) -> tantivy::Result<Self> {
        let mut plain_terms = Vec::new();
        let weights = match query {
            Some(query) => {
                // The weights of tantivy's SnippetGenerator::create.
                let mut terms = BTreeSet::new();
                query.query_terms(&mut |term, _| {
                    if term.field() == field {
                        terms.insert(term.clone());
                    }
                });
                let mut weights = HashMap::new();
                for term in terms {
                    let Some(text) = term.value().as_str().map(str::to_string) else {
                        continue;
                    };
                    let doc_freq = searcher.doc_freq(&term)?;
                    if doc_freq > 0 {
                        weights.insert(text, 1.0 / (1.0 + doc_freq as Score));
                    }
                }
                // Terms with ASCII letters are lowercased and not found as they are: then the
                // whole text is cut. Terms across punctuation are found through their parts.
                if !weights
                    .keys()
                    .any(|t| t.bytes().any(|b| b.is_ascii_alphabetic()))
                {
                    plain_terms = weights
                        .iter()
                        .filter(|(t, _)| !t.chars().any(char::is_control))
                        .map(|(t, w)| (t.clone(), *w))
                        .collect();
                    // In the order of the terms, so that equal clusters resolve the same way.
                    plain_terms.sort_by(|a, b| a.0.cmp(&b.0));
                }
                Some(weights)
            }
            None => None,
        };
        Ok(Snippets {
            weights,
            plain_terms,
        })
    }

    /// The part of `text` worth cutting into words: a few fragments around the densest
    /// cluster of the query's terms (by weight), found by plain string search, so a long
    /// report is not tokenized whole for one snippet. Returns its byte offset and the part.
    fn focus<'t>(&self, text: &'t str) -> (usize, &'t str) {
        if text.len() <= SNIPPET_BYTES + 2 * FOCUS_CONTEXT_BYTES || self.plain_terms.is_empty() {
            return (0, text);
        }
        let mut found: Vec<(usize, Score)> = Vec::new();
        for (term, weight) in &self.plain_terms {
            found.extend(
                memchr::memmem::find_iter(text.as_bytes(), term.as_bytes()).map(|at| (at, *weight)),
            );
        }
        found.sort_by_key(|&(at, _)| at);
        let Some(&(first, _)) = found.first() else {
            return (0, text);
        };
        let (mut best_sum, mut best_at) = (0.0, first);
        let (mut sum, mut low) = (0.0, 0);
        for (high, &(at, weight)) in found.iter().enumerate() {
            sum += weight;
            while found
                .get(low)
                .is_some_and(|&(from, _)| at - from >= SNIPPET_BYTES)
                && low < high
            {
                sum -= found[low].1;
                low += 1;
            }
            if sum > best_sum {
                best_sum = sum;
                best_at = found.get(low).map_or(at, |&(from, _)| from);
            }
        }
        // The densest cluster starts at `best_at` and spans at most one fragment. Every byte of
        // the part is cut into words (the costliest part of a page of hits), so it takes only
        // the clause the cluster starts in and the clause the fragment ends in, cut at clause
        // breaks so that its words are those of the whole text.
        let mut start = best_at.saturating_sub(FOCUS_CONTEXT_BYTES);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if let Some((at, c)) = text[start..best_at]
            .char_indices()
            .rev()
            .find(|&(_, c)| is_clause_break(c))
        {
            start += at + c.len_utf8();
        }
        let mut end = best_at.saturating_add(SNIPPET_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mut limit = end.saturating_add(FOCUS_CONTEXT_BYTES).min(text.len());
        while !text.is_char_boundary(limit) {
            limit += 1;
        }
        end = text[end..limit]
            .find(is_clause_break)
            .map_or(limit, |at| end + at);
        match text.get(start..end) {
            Some(part) => (start, part),
            None => (0, text),
        }
    }

    /// The snippet of `text` as HTML, or the start of `opening` when `text` has no term of the
    /// query.
    pub fn html(&self, text: &str, opening: &str) -> String {
        if let Some(weights) = &self.weights {
            let (offset, part) = self.focus(text);
            if let Some(best) = best_fragment(part, weights) {
                let ranges: Vec<Range<usize>> = best
                    .highlighted
                    .iter()
                    .map(|r| r.start - best.start..r.end - best.start)
                    .collect();
                let mut html = String::new();
                if offset + best.start > 0 {
                    html.push('…');
                }
                html.push_str(&highlight(&part[best.start..best.stop], &ranges));
                if offset + best.stop < text.len() {
                    html.push('…');
                }
                return html;
            }
        }
        lead(opening)
    }
}

/// A run of words of at most [`SNIPPET_BYTES`] and the query terms in it.
struct Fragment {
    score: Score,
    start: usize,
    stop: usize,
    highlighted: Vec<Range<usize>>,
}

/// The fragment of `text` whose query terms weigh most (the first of equals), as tantivy's
/// SnippetGenerator picks it: words are taken in the tokenizer's order, and a word that would
/// end more than [`SNIPPET_BYTES`] after the fragment's start opens the next one. Unlike
/// tantivy's, it looks words up as indexed (tantivy lowercases each word into a new string
/// first, which finds the same terms: the index lowercases ASCII only) and none is copied.
fn best_fragment(text: &str, weights: &HashMap<String, Score>) -> Option<Fragment> {
    let fresh = |start| Fragment {
        score: 0.0,
        start,
        stop: start,
        highlighted: Vec::new(),
    };
    let mut best: Option<Fragment> = None;
    let mut keep = |fragment: Fragment| {
        if fragment.score > 0.0 && best.as_ref().is_none_or(|b| fragment.score > b.score) {
            best = Some(fragment);
        }
    };
    let mut current = fresh(0);
    for word in analyze(text, true) {
        if word.end.saturating_sub(current.start) > SNIPPET_BYTES {
            let next = fresh(word.start);
            keep(std::mem::replace(&mut current, next));
        }
        current.stop = word.end;
        if let Some(&weight) = weights.get(&word.text) {
            current.score += weight;
            current.highlighted.push(word.start..word.end);
        }
    }
    keep(current);
    best
}

/// The first [`SNIPPET_BYTES`] of `text` (at a char boundary), escaped, "…" when cut.
pub fn lead(text: &str) -> String {
    let text = text.trim();
    if text.len() <= SNIPPET_BYTES {
        return escape(text);
    }
    let mut end = SNIPPET_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut html = escape(&text[..end]);
    html.push('…');
    html
}

/// `fragment` escaped, with the merged `ranges` in `<b>…</b>`.
fn highlight(fragment: &str, ranges: &[Range<usize>]) -> String {
    let mut html = String::new();
    let mut at = 0;
    for range in merge(ranges) {
        let (Some(before), Some(marked)) = (
            fragment.get(at..range.start),
            fragment.get(range.start..range.end),
        ) else {
            continue;
        };
        html.push_str(&escape(before));
        html.push_str("<b>");
        html.push_str(&escape(marked));
        html.push_str("</b>");
        at = range.end;
    }
    html.push_str(&escape(fragment.get(at..).unwrap_or_default()));
    html
}

/// Sort the ranges and join those that overlap or touch.
fn merge(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in sorted {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tokenizer::analyze;

    #[test]
    fn touching_ranges_merge() {
        let text = "办理建议提案共9件";
        let start = text.find("建议").unwrap_or(0);
        let mid = text.find("提案").unwrap_or(0);
        let end = mid + "提案".len();
        let html = highlight(text, &[start..mid, mid..end]);
        assert_eq!(html, "办理<b>建议提案</b>共9件");
    }

    #[test]
    fn a_long_text_is_cut_at_clause_breaks_into_the_words_of_the_whole() {
        let filler =
            "本机关认真落实政务公开工作要求，持续加强政府信息公开平台建设，不断提升公开质量。";
        let text = format!(
            "{}全年办理人大代表建议和政协委员提案共12件，建议提案办理结果全部公开，建议、提案答复及时。{}",
            filler.repeat(8),
            filler.repeat(8)
        );
        let snippets = Snippets {
            weights: None,
            plain_terms: vec![("建议".into(), 0.5), ("提案".into(), 0.5)],
        };
        let (start, part) = snippets.focus(&text);
        assert!(part.len() < text.len());
        assert!(part.contains("建议提案办理结果"), "{part}");
        // It starts after a clause break and ends at one (or the text's end).
        assert!(
            text[..start].ends_with('。') || text[..start].ends_with('，'),
            "{part}"
        );
        let end = start + part.len();
        assert!(end == text.len() || text[end..].starts_with(is_clause_break));
        // The part's words are the whole text's words that lie inside it.
        let shifted: Vec<(String, usize, usize)> = analyze(part, true)
            .into_iter()
            .map(|w| (w.text, w.start + start, w.end + start))
            .collect();
        let inside: Vec<(String, usize, usize)> = analyze(&text, true)
            .into_iter()
            .filter(|w| w.start >= start && w.end <= end)
            .map(|w| (w.text, w.start, w.end))
            .collect();
        assert_eq!(shifted, inside);
    }

    #[test]
    fn escaping_and_lead() {
        assert_eq!(escape("<a&b>"), "&lt;a&amp;b&gt;");
        let long = "公".repeat(200);
        let lead = lead(&long);
        assert!(lead.ends_with('…'));
        assert!(lead.len() <= SNIPPET_BYTES + '…'.len_utf8());
    }
}
