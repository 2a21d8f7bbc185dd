//! Highlighted snippets. The query's terms are looked for in the text by string search; the
//! fragment is the cluster of them that holds most of the query (the weights of its distinct
//! terms, rarer weighing more, then of all it holds), from the clause it starts in, at most
//! [`SNIPPET_BYTES`]. A term found there is highlighted only where the index tokenizer has it
//! as a word, checked by cutting just the clauses around it (jieba cuts each clause on its
//! own), so 办理 is not marked in 举办理论 and a long report is not cut into words for one
//! snippet. Terms with ASCII letters (lowercased in the index) cannot be found as they are:
//! then the fragment is found as tantivy's SnippetGenerator finds it, over the words of the
//! whole text. Touching highlights merge so 建议提案 comes out as one `<b>建议提案</b>`; the
//! text is HTML-escaped and cut edges get "…". One [`Snippets`] per request. Calls the index
//! tokenizer and tantivy's document frequencies.

use crate::index::tokenizer::{
    analyze, analyze_terms, is_clause_break, is_sentence_end, Analysis, ACROSS_PUNCTUATION,
};
use crate::markup::escape;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{Score, Searcher};

/// Fragment length in bytes (≈ 150 Chinese characters).
pub const SNIPPET_BYTES: usize = 450;

/// A fragment starts at the clause its first term is in, when that clause starts at most this
/// many bytes (≈ 30 Chinese characters) before the term; so a cluster of terms spans at most
/// [`SNIPPET_BYTES`] less this.
const CONTEXT_BYTES: usize = 90;

/// Makes the snippets of one request.
pub(crate) struct Snippets {
    /// The query's terms as indexed, with their weights; `None` without a query.
    weights: Option<HashMap<String, Score>>,
    /// The terms to look for in a text, with their weights; empty when some term cannot be
    /// found by string search (it has ASCII letters), and then the whole text is cut.
    terms: Vec<(SearchTerm, Score)>,
}

/// How a term is found in a text.
enum SearchTerm {
    /// As it is.
    Plain(String),
    /// A compound across punctuation (建议、提案 for the term of 建议提案): its characters in
    /// two parts with punctuation between, other than a sentence end.
    Across { term: String, word: String },
}

/// A term of the query at `range` of a text, and whether it is a word there once checked.
struct Found<'s> {
    range: Range<usize>,
    term: &'s str,
    weight: Score,
    word: Option<bool>,
}

impl Snippets {
    /// A maker for `query`'s terms in `field`; without a query, snippets are openings.
    pub fn new(
        searcher: &Searcher,
        query: Option<&dyn Query>,
        field: Field,
    ) -> tantivy::Result<Self> {
        let Some(query) = query else {
            return Ok(Snippets {
                weights: None,
                terms: Vec::new(),
            });
        };
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
        Ok(Self::with_weights(weights))
    }

    fn with_weights(weights: HashMap<String, Score>) -> Self {
        let searchable = !weights
            .keys()
            .any(|t| t.bytes().any(|b| b.is_ascii_alphabetic()));
        let mut terms: Vec<(SearchTerm, Score)> = Vec::new();
        if searchable {
            for (term, &weight) in weights.iter().filter(|(t, _)| !t.is_empty()) {
                let search = match term.strip_prefix(ACROSS_PUNCTUATION) {
                    Some(word) => SearchTerm::Across {
                        term: term.clone(),
                        word: word.to_string(),
                    },
                    None => SearchTerm::Plain(term.clone()),
                };
                terms.push((search, weight));
            }
            // In the order of the terms, so that equal clusters resolve the same way.
            terms.sort_by(|a, b| a.0.term().cmp(b.0.term()));
        }
        Snippets {
            weights: Some(weights),
            terms,
        }
    }

    /// The snippet of `text` as HTML, or the start of `opening` when `text` has no term of the
    /// query.
    pub fn html(&self, text: &str, opening: &str) -> String {
        let Some(weights) = &self.weights else {
            return lead(opening);
        };
        if self.terms.is_empty() {
            return match best_fragment(text, weights) {
                Some(best) => fragment_html(text, best.start..best.stop, &best.highlighted),
                None => lead(opening),
            };
        }
        let mut found = self.find(text);
        let mut words = ClauseWords::default();
        // The cluster holding most of the query, of terms that are words where they are found.
        let cluster = loop {
            let Some(cluster) = densest(&found) else {
                return lead(opening);
            };
            let before = found.len();
            let mut at = 0;
            found.retain_mut(|f| {
                let keep = !cluster.contains(&at) || words.is_word(text, f);
                at += 1;
                keep
            });
            if found.len() == before {
                break cluster;
            }
        };
        let range = fragment(
            text,
            &found[cluster.start].range,
            &found[cluster.end - 1].range,
        );
        let highlighted: Vec<Range<usize>> = found
            .iter_mut()
            .filter(|f| f.range.start >= range.start && f.range.end <= range.end)
            .filter_map(|f| words.is_word(text, f).then(|| f.range.clone()))
            .collect();
        fragment_html(text, range, &highlighted)
    }

    /// Every place in `text` where a term's characters are, by start.
    fn find<'s>(&'s self, text: &str) -> Vec<Found<'s>> {
        let mut found = Vec::new();
        for (search, weight) in &self.terms {
            match search {
                SearchTerm::Plain(term) => found.extend(
                    memchr::memmem::find_iter(text.as_bytes(), term.as_bytes()).map(|at| Found {
                        range: at..at + term.len(),
                        term,
                        weight: *weight,
                        word: None,
                    }),
                ),
                SearchTerm::Across { term, word } => {
                    for (split, _) in word.char_indices().skip(1) {
                        let (head, tail) = word.split_at(split);
                        for at in memchr::memmem::find_iter(text.as_bytes(), head.as_bytes()) {
                            let after = &text[at + head.len()..];
                            let gap = after
                                .char_indices()
                                .find(|&(_, c)| c.is_alphanumeric() || is_sentence_end(c))
                                .map_or(after.len(), |(i, _)| i);
                            if gap > 0 && after[gap..].starts_with(tail) {
                                let end = at + head.len() + gap + tail.len();
                                found.push(Found {
                                    range: at..end,
                                    term,
                                    weight: *weight,
                                    word: None,
                                });
                            }
                        }
                    }
                }
            }
        }
        found.sort_by_key(|f| (f.range.start, f.range.end));
        found
    }
}

impl SearchTerm {
    fn term(&self) -> &str {
        match self {
            SearchTerm::Plain(term) | SearchTerm::Across { term, .. } => term,
        }
    }
}

/// The run of `found` (indices) within one fragment less its context that holds the most of
/// the query: the highest sum of the weights of the distinct terms in it, then of all it holds
/// (a term found again counts less than another term), the first of equals; `None` when
/// nothing was found.
fn densest(found: &[Found]) -> Option<Range<usize>> {
    let span = SNIPPET_BYTES - CONTEXT_BYTES;
    let mut times: HashMap<&str, usize> = HashMap::new();
    let (mut best, mut best_sums) = (None, (0.0, 0.0));
    let (mut distinct, mut all, mut low) = (0.0f64, 0.0f64, 0);
    for (high, f) in found.iter().enumerate() {
        let n = times.entry(f.term).or_default();
        *n += 1;
        if *n == 1 {
            distinct += f64::from(f.weight);
        }
        all += f64::from(f.weight);
        while low < high && f.range.end - found[low].range.start > span {
            let gone = &found[low];
            let n = times.entry(gone.term).or_default();
            *n -= 1;
            if *n == 0 {
                distinct -= f64::from(gone.weight);
            }
            all -= f64::from(gone.weight);
            low += 1;
        }
        // Sums that differ only by rounding are equal: the first stays.
        let more = |a: f64, b: f64| a > b + 1e-12;
        if more(distinct, best_sums.0) || (!more(best_sums.0, distinct) && more(all, best_sums.1)) {
            best_sums = (distinct, all);
            best = Some(low..high + 1);
        }
    }
    best
}

/// The fragment around a cluster from `first` to `last`: the text's opening when the cluster
/// fits in it, else from the clause `first` is in when it starts at most [`CONTEXT_BYTES`]
/// before (else from `first`); at most [`SNIPPET_BYTES`], ending after the last clause break
/// past `last` when there is one.
fn fragment(text: &str, first: &Range<usize>, last: &Range<usize>) -> Range<usize> {
    if last.end <= SNIPPET_BYTES {
        // The cluster fits in the opening fragment.
        return fragment_from(text, 0, last);
    }
    let mut start = first.start.saturating_sub(CONTEXT_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let start = after_last_break(&text[start..first.start], is_clause_break)
        .map_or(first.start, |at| start + at);
    fragment_from(text, start, last)
}

/// The fragment from `start` to at most [`SNIPPET_BYTES`] on, past `last`.
fn fragment_from(text: &str, start: usize, last: &Range<usize>) -> Range<usize> {
    let mut end = start.saturating_add(SNIPPET_BYTES).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = end.max(last.end);
    if end == text.len() {
        return start..end;
    }
    // Not after an opening bracket or quote.
    let stop = after_last_break(&text[last.end..end], |c| {
        is_clause_break(c) && !"（“《【(".contains(c)
    })
    .map_or(end, |at| last.end + at);
    start..stop
}

/// The byte offset just past the last character of `text` that `is_break` accepts.
fn after_last_break(text: &str, is_break: impl Fn(char) -> bool) -> Option<usize> {
    text.char_indices()
        .rev()
        .find(|&(_, c)| is_break(c))
        .map(|(at, c)| at + c.len_utf8())
}

/// The words of the clauses around found terms, each clause run cut once.
#[derive(Default)]
struct ClauseWords {
    cut: Vec<(Range<usize>, Analysis)>,
}

impl ClauseWords {
    /// Whether `found` is a word at its place, checked once.
    fn is_word(&mut self, text: &str, found: &mut Found) -> bool {
        if let Some(word) = found.word {
            return word;
        }
        let word = self.has(text, found);
        found.word = Some(word);
        word
    }

    /// True when the index tokenizer gives `found`'s term as a word at its place: the words of
    /// the clauses it lies in are those of the whole text there.
    fn has(&mut self, text: &str, found: &Found) -> bool {
        let from = after_last_break(&text[..found.range.start], is_clause_break).unwrap_or(0);
        let to = text[found.range.end..]
            .find(is_clause_break)
            .map_or(text.len(), |at| found.range.end + at);
        let words = match self.cut.iter().position(|(r, _)| *r == (from..to)) {
            Some(i) => &self.cut[i].1,
            None => {
                self.cut
                    .push((from..to, analyze_terms(&text[from..to], true)));
                &self.cut[self.cut.len() - 1].1
            }
        };
        let (start, end) = (found.range.start - from, found.range.end - from);
        words.has(&text[from..to], start, end, found.term)
    }
}

/// `text[range]` escaped, with the `highlighted` ranges of `text` in `<b>…</b>` and "…" at
/// each cut edge.
fn fragment_html(text: &str, range: Range<usize>, highlighted: &[Range<usize>]) -> String {
    let shifted: Vec<Range<usize>> = highlighted
        .iter()
        .map(|r| r.start - range.start..r.end - range.start)
        .collect();
    let mut html = String::new();
    if range.start > 0 {
        html.push('…');
    }
    html.push_str(&highlight(&text[range.start..range.end], &shifted));
    if range.end < text.len() {
        html.push('…');
    }
    html
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

    #[test]
    fn touching_ranges_merge() {
        let text = "办理建议提案共9件";
        let start = text.find("建议").unwrap_or(0);
        let mid = text.find("提案").unwrap_or(0);
        let end = mid + "提案".len();
        let html = highlight(text, &[start..mid, mid..end]);
        assert_eq!(html, "办理<b>建议提案</b>共9件");
    }

    /// Snippets of `text` for terms of these weights.
    fn snippet(weights: &[(&str, Score)], text: &str) -> String {
        let weights = weights.iter().map(|&(t, w)| (t.to_string(), w)).collect();
        Snippets::with_weights(weights).html(text, "开头")
    }

    #[test]
    fn a_term_is_marked_only_where_it_is_a_word() {
        // 办理 is in 举办理论 as characters only (举办 | 理论); 建议 is a word inside 意见建议.
        let html = snippet(
            &[("办理", 0.5), ("建议", 0.5)],
            "举办理论学习，办理意见建议。",
        );
        assert_eq!(html, "举办理论学习，<b>办理</b>意见<b>建议</b>。");
        // No term anywhere as a word: the opening.
        assert_eq!(snippet(&[("办理", 0.5)], "举办理论学习。"), "开头");
    }

    #[test]
    fn a_compound_across_punctuation_is_one_highlight() {
        let html = snippet(&[("\u{1}建议提案", 0.5)], "本年度办理建议、提案9件。");
        assert_eq!(html, "本年度办理<b>建议、提案</b>9件。");
        let html = snippet(&[("建议", 0.5), ("提案", 0.5)], "本年度办理建议提案9件。");
        assert_eq!(html, "本年度办理<b>建议提案</b>9件。");
    }

    #[test]
    fn a_long_text_gives_the_densest_cluster_from_its_clause() {
        let filler =
            "本机关认真落实政务公开工作要求，持续加强政府信息公开平台建设，不断提升公开质量。";
        let text = format!(
            "{}全年办理人大代表建议和政协委员提案共12件，建议提案办理结果全部公开，建议答复及时。{}",
            filler.repeat(8),
            filler.repeat(8)
        );
        let html = snippet(&[("建议", 0.3), ("提案", 0.3)], &text);
        assert!(
            html.starts_with("…全年办理人大代表<b>建议</b>和政协委员<b>提案</b>共12件，"),
            "{html}"
        );
        assert!(html.contains("<b>建议提案</b>办理结果"), "{html}");
        assert!(html.ends_with("。…") || html.ends_with("，…"), "{html}");
        let shown = html.replace("<b>", "").replace("</b>", "");
        assert!(
            shown.len() <= SNIPPET_BYTES + 2 * '…'.len_utf8(),
            "{}",
            shown.len()
        );
    }

    #[test]
    fn a_cluster_of_different_terms_beats_one_term_again_and_again() {
        let text = format!(
            "{}坚持公开为常态，公开为例外，公开质量提升，公开及时。{}组织政务公开培训两次。",
            "本机关认真做好各项工作。".repeat(20),
            "本机关认真做好各项工作。".repeat(20)
        );
        let html = snippet(&[("公开", 0.2), ("培训", 0.3)], &text);
        assert!(html.contains("培训</b>两次"), "{html}");
    }

    #[test]
    fn terms_with_ascii_letters_are_found_over_the_whole_text() {
        // As tantivy cuts it: after the last word.
        let html = snippet(&[("app", 0.5)], "政务App上线。");
        assert_eq!(html, "政务<b>App</b>上线…");
    }

    proptest::proptest! {
        /// Whatever the text and terms, a snippet is a piece of the escaped text with marks.
        #[test]
        fn a_snippet_is_a_piece_of_the_text(
            text in "[建议提案办理举论，。、；\n a-zA-Z0-9<&]{0,600}",
            terms in proptest::collection::vec("[建议提案办理论、a]{1,4}", 1..4),
            across in proptest::bool::ANY,
        ) {
            let weights: Vec<(String, Score)> = terms
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let t = if across && i == 0 { format!("{ACROSS_PUNCTUATION}{t}") } else { t.clone() };
                    (t, 0.1 + i as Score)
                })
                .collect();
            let weights: Vec<(&str, Score)> = weights.iter().map(|(t, w)| (t.as_str(), *w)).collect();
            let html = snippet(&weights, &text);
            let shown = html.replace("<b>", "").replace("</b>", "").replace('…', "");
            proptest::prop_assert!(shown == "开头" || escape(&text).contains(&shown), "{html}");
        }
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
