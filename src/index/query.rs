//! What a search asks for ([`SearchRequest`], [`Condition`], [`Sort`]) and how it becomes one
//! tantivy BooleanQuery, built in code: user text is never handed to tantivy's QueryParser.
//! The query is built as a [`Plan`], a tree of tantivy queries that `clauses.rs` can also
//! evaluate from kept per-clause results; [`Plan::to_query`] gives the one tantivy runs.
//!
//! `q` semantics: unquoted words must all appear (each term Must, the word's exact phrase a
//! boosted Should); "quoted text" must appear as a phrase; `-word` excludes; `OR` between two
//! items makes either enough. Nothing a user types is a syntax error. Calls the tokenizer and
//! the schema's field handles; runs no search.

use crate::index::in_section::InSection;
use crate::index::schema::{self, section_positions, Fields, SECTION_COUNT, STAT_KEYS};
use crate::index::tokenizer::{analyze, compound_terms, query_words, Word};
use crate::index::IndexError;
use crate::record::{Kind, Level, Template};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Bound, Range};
use std::str::FromStr;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Score, Term};

/// A year range of at most this many years after its first is searched as one term per year.
const MAX_YEARS_AS_TERMS: i64 = 10;

/// Boost of a word's exact phrase over its terms found apart.
const PHRASE_BOOST: f32 = 3.0;
/// Further boost of a word found exactly as typed (建议提案, not only 建议、提案): exact
/// phrases rank first.
const EXACT_BOOST: f32 = 3.0;

/// One search: text, filters, order and page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// User text: words, "phrases", -exclusions, OR.
    pub q: String,
    /// Exact agency name.
    pub agency: Option<String>,
    /// A province, city or county name (any level of the region path), or a path
    /// `/山东省/淄博市`.
    pub region: Option<String>,
    /// Administrative level.
    pub level: Option<Level>,
    /// Government or department.
    pub kind: Option<Kind>,
    /// Table template.
    pub template: Option<Template>,
    /// First statistics year, inclusive.
    pub year_from: Option<i32>,
    /// Last statistics year, inclusive.
    pub year_to: Option<i32>,
    /// Statistic filters, all of which must hold.
    pub conditions: Vec<Condition>,
    /// Only reports with at least one failed consistency check.
    pub failed_checks: bool,
    /// Search only the narrative of section 1 ..= 6.
    pub section: Option<u8>,
    /// Only demonstration (`true`) or only real (`false`) reports; `None` for both.
    pub demo: Option<bool>,
    /// Order of the hits.
    pub sort: Sort,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return; 0 gives only the total and the facets.
    pub limit: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            agency: None,
            region: None,
            level: None,
            kind: None,
            template: None,
            year_from: None,
            year_to: None,
            conditions: Vec::new(),
            failed_checks: false,
            section: None,
            demo: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
        }
    }
}

/// Order of the hits. Relevance falls back to newest first when `q` has no word to rank by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (newest first when `q` is empty).
    #[default]
    Relevance,
    /// Newest statistics year first.
    YearDesc,
    /// Oldest statistics year first.
    YearAsc,
    /// Agency name, then newest first.
    Agency,
    /// By a statistic of [`STAT_KEYS`]; reports without it come last.
    Stat {
        /// The statistic key.
        key: String,
        /// Largest first.
        descending: bool,
    },
}

/// A comparison operator of a [`Condition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=` or `==`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Op {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }
}

/// A statistic filter such as `requests.new.total>=5`. A report without that statistic never
/// matches (not even `>=0`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// One of [`STAT_KEYS`].
    pub key: String,
    /// Comparison.
    pub op: Op,
    /// Right-hand side.
    pub value: i64,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.key, self.op.symbol(), self.value)
    }
}

/// Operators in the order they are tried (two-character ones first).
const OPERATORS: [(&str, Op); 8] = [
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    ("<>", Op::Ne),
    ("==", Op::Eq),
    ("=", Op::Eq),
    (">", Op::Gt),
    ("<", Op::Lt),
];

impl FromStr for Condition {
    type Err = IndexError;

    fn from_str(text: &str) -> Result<Self, IndexError> {
        let bad = |problem: String| IndexError::BadCondition {
            text: text.to_string(),
            problem,
        };
        let Some(at) = text.find(['<', '>', '=', '!']) else {
            return Err(bad("no operator".into()));
        };
        let key = text[..at].trim();
        let rest = &text[at..];
        let Some((symbol, op)) = OPERATORS.iter().find(|(s, _)| rest.starts_with(s)) else {
            let found: String = rest.chars().take(2).collect();
            return Err(bad(format!("unknown operator \"{found}\"")));
        };
        if key.is_empty() {
            return Err(bad("no statistic key before the operator".into()));
        }
        if !STAT_KEYS.contains(&key) {
            return Err(IndexError::UnknownStatKey {
                key: key.to_string(),
            });
        }
        let value_text = rest[symbol.len()..].trim();
        let value = value_text.parse::<i64>().map_err(|_| {
            bad(format!(
                "expected an integer after \"{symbol}\", found \"{value_text}\""
            ))
        })?;
        Ok(Condition {
            key: key.to_string(),
            op: *op,
            value,
        })
    }
}

/// One item of parsed user text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// An unquoted word: all its terms, its phrase ranks first.
    Word(String),
    /// A quoted phrase.
    Phrase(String),
}

/// One clause of parsed user text: items joined by OR, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    items: Vec<Item>,
    negated: bool,
}

/// Split user text into clauses. Never fails: an unbalanced quote runs to the end, a lone `-`
/// or a stray `OR` is ignored.
fn parse_text(q: &str) -> Vec<Clause> {
    // Raw pieces: (negated, item) and OR markers.
    enum Piece {
        Item(bool, Item),
        Or,
    }
    let mut pieces = Vec::new();
    let mut chars = q.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negated = false;
        if c == '-' {
            chars.next();
            negated = true;
        }
        match chars.peek() {
            Some(&open) if is_open_quote(open) => {
                chars.next();
                let mut phrase = String::new();
                for c in chars.by_ref() {
                    if is_close_quote(c) {
                        break;
                    }
                    phrase.push(c);
                }
                pieces.push(Piece::Item(negated, Item::Phrase(phrase)));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || is_open_quote(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if !negated && word == "OR" {
                    pieces.push(Piece::Or);
                } else if !word.is_empty() {
                    pieces.push(Piece::Item(negated, Item::Word(word)));
                }
            }
        }
    }
    let mut clauses: Vec<Clause> = Vec::new();
    let mut join_next = false;
    for piece in pieces {
        match piece {
            Piece::Or => join_next = !clauses.is_empty(),
            Piece::Item(negated, item) => {
                match clauses.last_mut() {
                    // OR joins positive items only; a negated item stands alone.
                    Some(last) if join_next && !negated && !last.negated => last.items.push(item),
                    _ => clauses.push(Clause {
                        items: vec![item],
                        negated,
                    }),
                }
                join_next = false;
            }
        }
    }
    clauses
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '「' | '『')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '」' | '』')
}

/// Where words of `q` are looked for.
struct TextTarget {
    /// The field words are looked for in.
    field: Field,
    /// The positions of the section a search is limited to, if it is.
    section: Option<Range<u32>>,
}

/// A query as a tree of tantivy queries. [`Plan::to_query`] gives the query tantivy runs;
/// `clauses.rs` evaluates the same tree from each leaf's kept matches and scores, so both
/// ways give the same matches and (up to the order floats are added in) the same scores.
#[derive(Debug)]
pub(crate) enum Plan {
    /// A query tantivy evaluates by itself: a term, a phrase, a filter.
    Leaf(Box<dyn Query>),
    /// A BooleanQuery: every Must clause matches (without any, one Should clause does) and no
    /// MustNot clause does; the score sums the clauses that match.
    Bool(Vec<(Occur, Plan)>),
    /// The score of the inner plan times the boost.
    Boost(Box<Plan>, Score),
    /// Selects what the inner plan matches and scores 0.
    Filter(Box<Plan>),
}

impl Clone for Plan {
    fn clone(&self) -> Self {
        match self {
            Plan::Leaf(query) => Plan::Leaf(query.box_clone()),
            Plan::Bool(clauses) => Plan::Bool(clauses.clone()),
            Plan::Boost(inner, boost) => Plan::Boost(inner.clone(), *boost),
            Plan::Filter(inner) => Plan::Filter(inner.clone()),
        }
    }
}

impl Plan {
    fn leaf(query: impl Query) -> Plan {
        Plan::Leaf(Box::new(query))
    }

    /// Any of `plans` (one alone is itself).
    fn any(mut plans: Vec<Plan>) -> Plan {
        if plans.len() == 1 {
            return plans.remove(0);
        }
        Plan::Bool(plans.into_iter().map(|p| (Occur::Should, p)).collect())
    }

    fn boost(self, boost: Score) -> Plan {
        Plan::Boost(Box::new(self), boost)
    }

    /// The tantivy query of this plan.
    pub fn to_query(&self) -> Box<dyn Query> {
        match self {
            Plan::Leaf(query) => query.box_clone(),
            Plan::Bool(clauses) => Box::new(BooleanQuery::new(
                clauses
                    .iter()
                    .map(|(occur, plan)| (*occur, plan.to_query()))
                    .collect(),
            )),
            Plan::Boost(inner, boost) => Box::new(BoostQuery::new(inner.to_query(), *boost)),
            Plan::Filter(inner) => Box::new(ConstScoreQuery::new(inner.to_query(), 0.0)),
        }
    }
}

/// The plan of one item, or `None` when it has no searchable character.
fn item_plan(item: &Item, target: &TextTarget) -> Option<Plan> {
    let (text, is_phrase) = match item {
        Item::Word(w) => (w.as_str(), false),
        Item::Phrase(p) => (p.as_str(), true),
    };
    let words = query_words(text);
    if words.is_empty() {
        return None;
    }
    // The word as jieba cuts it before compounds are split into their parts.
    let as_typed = analyze(text, false);
    // One compound (建议提案): the index records it as a term wherever its parts follow each
    // other, so two term queries do the work of the phrase of its parts.
    let compound = match as_typed.as_slice() {
        [one] if words.len() > 1 => compound_terms(&one.text),
        _ => None,
    };
    if is_phrase || words.len() == 1 {
        return Some(match &compound {
            // Printed as typed ranks first here too.
            Some([printed, across]) => Plan::any(vec![
                term_plan(printed, target).boost(EXACT_BOOST),
                term_plan(across, target),
            ]),
            None => phrase_plan(&words, target),
        });
    }
    let mut clauses: Vec<(Occur, Plan)> = words
        .iter()
        .map(|w| (Occur::Must, term_plan(&w.text, target)))
        .collect();
    let boosted = |plan: Plan, boost: f32| -> (Occur, Plan) { (Occur::Should, plan.boost(boost)) };
    match &compound {
        // The phrase of the parts is the printed term or the term across punctuation, and the
        // word as typed (建议提案, not 建议、提案) is the printed term again: one clause with
        // both boosts reads it once, and scores as the two would.
        Some([printed, across]) => {
            clauses.push(boosted(
                term_plan(printed, target),
                PHRASE_BOOST + EXACT_BOOST,
            ));
            clauses.push(boosted(term_plan(across, target), PHRASE_BOOST));
        }
        None => {
            clauses.push(boosted(phrase_plan(&words, target), PHRASE_BOOST));
            // A report that prints the word itself outranks one that prints it punctuated.
            if as_typed.len() != words.len() {
                clauses.push(boosted(phrase_plan(&as_typed, target), EXACT_BOOST));
            }
        }
    }
    Some(Plan::Bool(clauses))
}

/// A term of the target: in the narrative, or within the positions of one section.
fn term_plan(text: &str, target: &TextTarget) -> Plan {
    let term = Term::from_field_text(target.field, text);
    match &target.section {
        Some(range) => section_leaf(vec![(0, term)], range),
        None => Plan::leaf(TermQuery::new(term, IndexRecordOption::WithFreqs)),
    }
}

/// The words as a phrase (at their compact positions) in the target; a single word is a term.
fn phrase_plan(words: &[Word], target: &TextTarget) -> Plan {
    if words.len() < 2 {
        let text = words.first().map(|w| w.text.as_str()).unwrap_or_default();
        return term_plan(text, target);
    }
    let base = words.first().map(|w| w.position).unwrap_or(0);
    let terms: Vec<(usize, Term)> = words
        .iter()
        .map(|w| {
            (
                w.position - base,
                Term::from_field_text(target.field, &w.text),
            )
        })
        .collect();
    match &target.section {
        Some(range) => section_leaf(
            terms
                .into_iter()
                .map(|(offset, term)| (u32::try_from(offset).unwrap_or(u32::MAX), term))
                .collect(),
            range,
        ),
        None => Plan::leaf(PhraseQuery::new_with_offset(terms)),
    }
}

/// The words at their offsets within a section's positions.
fn section_leaf(terms: Vec<(u32, Term)>, range: &Range<u32>) -> Plan {
    Plan::leaf(InSection::new(terms, range.clone()))
}

/// The built query and whether it ranks by text.
pub(crate) struct BuiltQuery {
    /// The whole query: text clauses and filters.
    pub plan: Plan,
    /// True when `q` gave at least one positive clause (relevance means something).
    pub has_text: bool,
    /// The text clauses alone (for the snippet generator), if any.
    pub text_query: Option<Box<dyn Query>>,
}

/// Build the query of a request. Errors only on typed parameters (an unknown statistic key,
/// a section outside 1..=6), never on `q`.
pub(crate) fn build(req: &SearchRequest, fields: &Fields) -> Result<BuiltQuery, IndexError> {
    let section = match req.section {
        Some(n) => Some(section_positions(Some(n)).ok_or(IndexError::BadSection {
            section: n,
            max: SECTION_COUNT,
        })?),
        None => None,
    };
    let target = TextTarget {
        field: fields.narrative,
        section,
    };

    let mut text_clauses: Vec<(Occur, Plan)> = Vec::new();
    let mut has_text = false;
    for clause in parse_text(&req.q) {
        let alternatives: Vec<Plan> = clause
            .items
            .iter()
            .filter_map(|item| item_plan(item, &target))
            .collect();
        if alternatives.is_empty() {
            continue;
        }
        let plan = Plan::any(alternatives);
        if clause.negated {
            text_clauses.push((Occur::MustNot, plan));
        } else {
            has_text = true;
            text_clauses.push((Occur::Must, plan));
        }
    }

    let mut clauses: Vec<(Occur, Plan)> = Vec::new();
    let text_query = if has_text {
        let positive: Vec<Box<dyn Query>> = text_clauses
            .iter()
            .filter(|(occur, _)| *occur == Occur::Must)
            .map(|(_, plan)| plan.to_query())
            .collect();
        Some(Box::new(BooleanQuery::intersection(positive)) as Box<dyn Query>)
    } else {
        None
    };
    clauses.extend(text_clauses);
    push_filters(req, fields, &mut clauses)?;
    if !clauses.iter().any(|(occur, _)| *occur == Occur::Must) {
        // Only exclusions (or nothing): start from every report.
        clauses.push((Occur::Must, Plan::leaf(AllQuery)));
    }
    Ok(BuiltQuery {
        plan: Plan::Bool(clauses),
        has_text,
        text_query,
    })
}

fn exact(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

fn i64_range(field: Field, from: Bound<i64>, to: Bound<i64>) -> Box<dyn Query> {
    let term = |v: i64| Term::from_field_i64(field, v);
    let lower = match from {
        Bound::Included(v) => Bound::Included(term(v)),
        Bound::Excluded(v) => Bound::Excluded(term(v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    let upper = match to {
        Bound::Included(v) => Bound::Included(term(v)),
        Bound::Excluded(v) => Bound::Excluded(term(v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    if matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
        // Every value: an open range on both sides still needs the field.
        return Box::new(RangeQuery::new(
            Bound::Included(term(i64::MIN)),
            Bound::Unbounded,
        ));
    }
    Box::new(RangeQuery::new(lower, upper))
}

/// The filters of a request as Must clauses that only select: scored, a year filter would rank
/// the reports of a rarer year higher (its term's BM25), and every match would pay for scoring
/// terms that do not rank it.
fn push_filters(
    req: &SearchRequest,
    fields: &Fields,
    clauses: &mut Vec<(Occur, Plan)>,
) -> Result<(), IndexError> {
    let mut must = |q: Box<dyn Query>| {
        clauses.push((Occur::Must, Plan::Filter(Box::new(Plan::Leaf(q)))));
    };
    if let Some(agency) = req
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        must(exact(fields.agency, agency));
    }
    if let Some(region) = req
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        if region.starts_with('/') {
            match Facet::from_text(region) {
                Ok(facet) => must(Box::new(TermQuery::new(
                    Term::from_facet(fields.region, &facet),
                    IndexRecordOption::Basic,
                ))),
                Err(_) => must(Box::new(EmptyQuery)),
            }
        } else {
            must(exact(fields.region_name, region));
        }
    }
    if let Some(level) = req.level {
        must(exact(fields.level, schema::level_keyword(level)));
    }
    if let Some(kind) = req.kind {
        must(exact(fields.kind, schema::kind_keyword(kind)));
    }
    if let Some(template) = req.template {
        must(exact(fields.template, schema::template_keyword(template)));
    }
    if let (Some(from), Some(to)) = (req.year_from, req.year_to) {
        if (0..=MAX_YEARS_AS_TERMS).contains(&(i64::from(to) - i64::from(from))) {
            // A few years as term queries: short posting lists that an intersection can skip
            // through, where a range scans the year of every document.
            must(Box::new(BooleanQuery::union(
                (from..=to)
                    .map(|year| {
                        Box::new(TermQuery::new(
                            Term::from_field_i64(fields.year, i64::from(year)),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>
                    })
                    .collect(),
            )));
        } else {
            must(i64_range(
                fields.year,
                Bound::Included(i64::from(from)),
                Bound::Included(i64::from(to)),
            ));
        }
    } else if req.year_from.is_some() || req.year_to.is_some() {
        let from = req
            .year_from
            .map_or(Bound::Unbounded, |y| Bound::Included(i64::from(y)));
        let to = req
            .year_to
            .map_or(Bound::Unbounded, |y| Bound::Included(i64::from(y)));
        must(i64_range(fields.year, from, to));
    }
    if let Some(demo) = req.demo {
        must(Box::new(TermQuery::new(
            Term::from_field_bool(fields.demo, demo),
            IndexRecordOption::Basic,
        )));
    }
    if req.failed_checks {
        let field = fields
            .stat("failed_checks")
            .expect("failed_checks is one of STAT_KEYS");
        must(i64_range(field, Bound::Included(1), Bound::Unbounded));
    }
    for condition in &req.conditions {
        let field = fields
            .stat(&condition.key)
            .ok_or_else(|| IndexError::UnknownStatKey {
                key: condition.key.clone(),
            })?;
        let v = condition.value;
        let query = match condition.op {
            Op::Lt => i64_range(field, Bound::Unbounded, Bound::Excluded(v)),
            Op::Le => i64_range(field, Bound::Unbounded, Bound::Included(v)),
            Op::Eq => i64_range(field, Bound::Included(v), Bound::Included(v)),
            Op::Ge => i64_range(field, Bound::Included(v), Bound::Unbounded),
            Op::Gt => i64_range(field, Bound::Excluded(v), Bound::Unbounded),
            Op::Ne => Box::new(BooleanQuery::union(vec![
                i64_range(field, Bound::Unbounded, Bound::Excluded(v)),
                i64_range(field, Bound::Excluded(v), Bound::Unbounded),
            ])),
        };
        must(query);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Word(w) => w.clone(),
                Item::Phrase(p) => format!("\"{p}\""),
            })
            .collect()
    }

    #[test]
    fn text_splits_into_words_phrases_exclusions_and_or() {
        let clauses = parse_text("建议提案 \"行政复议\" -诉讼 工信局 OR 发改委");
        assert_eq!(clauses.len(), 4);
        assert_eq!(words(&clauses[0].items), vec!["建议提案"]);
        assert_eq!(words(&clauses[1].items), vec!["\"行政复议\""]);
        assert!(clauses[2].negated);
        assert_eq!(words(&clauses[3].items), vec!["工信局", "发改委"]);
    }

    #[test]
    fn odd_text_never_fails() {
        for q in [
            "\"未闭合",
            "-",
            "OR OR",
            "a OR",
            "OR b",
            ":()",
            "-\"\"",
            "。，、",
            "“中文引号”",
        ] {
            let _ = parse_text(q);
        }
        assert!(parse_text("- OR OR -").iter().all(|c| c.items.len() == 1));
    }

    #[test]
    fn condition_parses_and_round_trips() {
        let c: Condition = "requests.new.total>=5".parse().expect("valid");
        assert_eq!(c.op, Op::Ge);
        assert_eq!(c.value, 5);
        assert_eq!(c.to_string(), "requests.new.total>=5");
        let c: Condition = " review.reconsideration.total > 0 ".parse().expect("valid");
        assert_eq!(c.op, Op::Gt);
        let c: Condition = "failed_checks!=0".parse().expect("valid");
        assert_eq!(c.op, Op::Ne);
    }

    #[test]
    fn bad_condition_names_the_problem() {
        let err = "requests.nope>=1"
            .parse::<Condition>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("requests.nope") && err.contains("requests.new.total"),
            "{err}"
        );
        let err = "requests.new.total~1"
            .parse::<Condition>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("no operator"), "{err}");
        let err = "requests.new.total=>1"
            .parse::<Condition>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("integer"), "{err}");
        let err = "requests.new.total>=x"
            .parse::<Condition>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"x\""), "{err}");
    }
}
