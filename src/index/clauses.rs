//! Kept clauses: the matches and scores of a search's frequent terms and phrases, kept between
//! searches, so a search of common words combines kept results instead of reading postings.
//!
//! A search of two common words at 100k reports matches tens of thousands of them, and tantivy
//! decodes, intersects and scores every posting of every term, phrase and boost for each search.
//! Searches share their clauses (政务公开, 培训, a year): here each leaf of a [`Plan`] is
//! evaluated by tantivy once per index generation into a bitset and a score per document, and a
//! search only ANDs bitsets and adds scores. Leaves are kept up to [`KEPT_BYTES`], least
//! recently used dropped first, and all are dropped when a commit changes the index (a term's
//! BM25 weight depends on the whole index). A scored leaf also keeps its highest score in each
//! word of 64 documents: under relevance, a word whose bound cannot reach the page is counted
//! for the total and facets without scoring its matches. The clauses of one query word (its
//! parts, its phrase, its boosts) are also kept together as one leaf with their summed scores,
//! so a match costs one score read per query word.
//!
//! Only worth it when every match is visited anyway: a plan is run here only when the rarest of
//! its required clauses matches at least [`MIN_SHARE_PER_MILLE`] ‰ of the reports, or when all
//! its leaves are kept already; rarer searches go to tantivy, whose intersection skips through
//! the rare term's postings. So do
//! plans whose leaves would take more than half of [`KEPT_BYTES`] (at a million reports a
//! scored leaf takes 4 MB), which could not stay kept. The plan
//! is the same in both ways, so the matches, totals and facets are the same; scores agree up to
//! the order floats are added in.

use crate::index::collector::{Collected, Match, MatchCollector};
use crate::index::query::Plan;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Occur, Query};
use tantivy::{DocId, Score, Searcher, SegmentReader};

/// Memory for kept leaves: a scored leaf takes 4⅛ bytes per report (a score and a bit), about
/// 400 KB at 100k reports, so this keeps about 160 of them.
pub(crate) const KEPT_BYTES: usize = 64 << 20;

/// A plan runs on kept leaves when its rarest required clause matches at least this many per
/// thousand reports (or is estimated to).
pub(crate) const MIN_SHARE_PER_MILLE: u64 = 50;

/// Under relevance, this many words of 64 documents with the highest bounds are scored first.
const FIRST_WORDS: usize = 4;

/// Keeps the leaves of recent plans for the current index generation.
pub(crate) struct KeptClauses {
    kept: Mutex<Kept>,
    /// Least matches per thousand reports of a plan's rarest required clause.
    min_share_per_mille: u64,
    budget_bytes: usize,
    /// Words of 64 documents only counted, their bound below the page's floor.
    #[cfg(test)]
    words_only_counted: std::sync::atomic::AtomicUsize,
    /// Searches answered here.
    #[cfg(test)]
    searches: std::sync::atomic::AtomicUsize,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    leaves: HashMap<String, KeptEntry>,
    bytes: usize,
    /// Counts uses, to find the least recently used leaf.
    clock: u64,
}

struct KeptEntry {
    leaf: Arc<Leaf>,
    last_used: u64,
}

/// One leaf over every segment of a searcher.
struct Leaf {
    segments: Vec<LeafSegment>,
    /// Matches in all segments, deleted documents included.
    matches: u64,
}

/// One leaf in one segment: which documents match and, for a scored leaf, their scores (0
/// where it does not match) and the highest score of each word of `bits` (64 documents).
struct LeafSegment {
    bits: Vec<u64>,
    scores: Option<LeafScores>,
}

struct LeafScores {
    of_doc: Vec<Score>,
    max_of_word: Vec<Score>,
}

impl Leaf {
    fn bytes(&self) -> usize {
        self.segments
            .iter()
            .map(|s| {
                let scores = s.scores.as_ref();
                s.bits.len() * 8 + scores.map_or(0, |v| (v.of_doc.len() + v.max_of_word.len()) * 4)
            })
            .sum()
    }
}

impl KeptClauses {
    /// Keeps up to [`KEPT_BYTES`] of leaves for plans whose rarest required clause matches
    /// at least [`MIN_SHARE_PER_MILLE`] ‰ of the reports.
    pub fn new() -> Self {
        Self::with_limits(MIN_SHARE_PER_MILLE, KEPT_BYTES)
    }

    /// With other limits: a share of 0 runs every plan here, whatever its size (tests compare
    /// both ways).
    pub fn with_limits(min_share_per_mille: u64, budget_bytes: usize) -> Self {
        KeptClauses {
            kept: Mutex::new(Kept::default()),
            min_share_per_mille,
            budget_bytes,
            #[cfg(test)]
            words_only_counted: Default::default(),
            #[cfg(test)]
            searches: Default::default(),
        }
    }

    /// Words of 64 documents only counted so far (see [`Self::search`]).
    #[cfg(test)]
    pub fn words_only_counted(&self) -> usize {
        self.words_only_counted
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Searches answered from kept leaves so far.
    #[cfg(test)]
    pub fn searches(&self) -> usize {
        self.searches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Bytes of the leaves kept now.
    #[cfg(test)]
    pub fn kept_bytes(&self) -> usize {
        self.kept.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }

    /// The keys of the boolean clauses kept as one leaf (see [`Self::resolve`]).
    #[cfg(test)]
    pub fn kept_clause_keys(&self) -> Vec<String> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let mut keys: Vec<String> = kept
            .leaves
            .keys()
            .filter(|key| key.starts_with("bool("))
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    /// Run `plan` with `collector` from kept leaves, or `None` when the plan is better left to
    /// tantivy (its rarest required clause is rare).
    pub fn search(
        &self,
        searcher: &Searcher,
        plan: &Plan,
        collector: &MatchCollector,
    ) -> tantivy::Result<Option<Collected>> {
        let generation = searcher.generation().generation_id();
        let num_docs = searcher.num_docs();
        if self.min_share_per_mille > 0 {
            // Leaves that could not all be kept would be evaluated anew for every search,
            // which costs more than tantivy's own way (an archive of millions of reports).
            let max_doc: usize = searcher
                .segment_readers()
                .iter()
                .map(|r| r.max_doc() as usize)
                .sum();
            let leaf_bytes = max_doc * 4 + max_doc.div_ceil(8);
            if kept_units(plan, true).saturating_mul(leaf_bytes) > self.budget_bytes / 2 {
                return Ok(None);
            }
        }
        // A plan whose every leaf is kept costs a few bitset operations here, whatever it
        // matches; tantivy would read its postings again (positions, for a section's words).
        // Asked only of rare plans: it formats every leaf's key, which common searches need not.
        let least = num_docs.saturating_mul(self.min_share_per_mille) / 1000;
        if self.estimate(searcher, generation, plan, true)? < least.max(1)
            && !self.all_kept(generation, plan, true, true)
        {
            return Ok(None);
        }
        #[cfg(test)]
        self.searches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let scoring = collector.requires_scoring();
        let tree = self.resolve(searcher, generation, plan, true, true)?;
        let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
        // The worst match the page can still hold, from the segments collected so far.
        let mut floor = None;
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let ord = ord as u32;
            let mut segment = collector.for_segment(ord, reader)?;
            if let Some(floor) = &floor {
                segment.raise_floor(Match::clone(floor));
            }
            let node = tree.segment(ord as usize);
            let bits = node.bits();
            let sum = node.sum();
            if scoring {
                // The words whose bound is highest first, so that the page's floor rises
                // early; then the 64 matches of a word whose bound is below the floor are only
                // counted: most words. The order changes nothing found: matches are compared
                // by score, then by address.
                let mut words: Vec<(Score, usize)> = bits
                    .iter()
                    .enumerate()
                    .filter(|(_, &word)| word != 0)
                    .map(|(at, _)| (sum.bound(at), at))
                    .collect();
                let first = FIRST_WORDS.min(words.len());
                if first > 0 {
                    words.select_nth_unstable_by(first - 1, |a, b| b.0.total_cmp(&a.0));
                }
                for (i, &(bound, at)) in words.iter().enumerate() {
                    if i >= first && bound < segment.score_floor() {
                        #[cfg(test)]
                        self.words_only_counted
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        visit_word(bits, at, reader, |doc| segment.count(doc));
                    } else {
                        visit_word(bits, at, reader, |doc| segment.collect(doc, sum.score(doc)));
                    }
                }
            } else {
                for at in 0..bits.len() {
                    visit_word(bits, at, reader, |doc| segment.collect(doc, 0.0));
                }
            }
            let fruit = segment.harvest();
            floor = collector.floor_after(floor, &fruit);
            fruits.push(fruit);
        }
        collector.merge_fruits(fruits).map(Some)
    }

    /// An upper bound on the matches of `plan`: a kept leaf's count, an unkept term leaf's
    /// smallest document frequency (a phrase matches no more than its rarest term), and every
    /// report for a leaf without terms (a range); a plan with required clauses matches no
    /// more than the rarest, one without them no more than all its optional ones together.
    /// `scored` as in [`Self::resolve`], so the leaves are looked up under the same keys.
    fn estimate(
        &self,
        searcher: &Searcher,
        generation: u64,
        plan: &Plan,
        scored: bool,
    ) -> tantivy::Result<u64> {
        Ok(match plan {
            Plan::Leaf(query) => match self.kept(generation, &leaf_key(query.as_ref(), scored)) {
                Some(leaf) => leaf.matches,
                None => {
                    let mut terms = Vec::new();
                    query.query_terms(&mut |term, _| terms.push(term.clone()));
                    let mut least = searcher.num_docs();
                    for term in &terms {
                        least = least.min(searcher.doc_freq(term)?);
                    }
                    least
                }
            },
            Plan::Bool(clauses) => {
                let required: Vec<&Plan> = clauses
                    .iter()
                    .filter(|(occur, _)| *occur == Occur::Must)
                    .map(|(_, p)| p)
                    .collect();
                if required.is_empty() {
                    let mut sum = 0u64;
                    for (occur, p) in clauses {
                        if *occur == Occur::Should {
                            let matches = self.estimate(searcher, generation, p, scored)?;
                            sum = sum.saturating_add(matches);
                        }
                    }
                    sum
                } else {
                    let mut least = u64::MAX;
                    for p in required {
                        least = least.min(self.estimate(searcher, generation, p, scored)?);
                    }
                    least
                }
            }
            Plan::Boost(inner, _) => self.estimate(searcher, generation, inner, scored)?,
            Plan::Filter(inner) => self.estimate(searcher, generation, inner, false)?,
        })
    }

    /// True when resolving `plan` would find every leaf kept (arguments as in
    /// [`Self::resolve`]).
    fn all_kept(&self, generation: u64, plan: &Plan, scored: bool, top: bool) -> bool {
        match plan {
            Plan::Leaf(query) => self.is_kept(generation, &leaf_key(query.as_ref(), scored)),
            Plan::Bool(clauses) => {
                (scored && !top && self.is_kept(generation, &plan_key(plan, scored)))
                    || clauses.iter().all(|(occur, p)| {
                        let scored = scored && *occur != Occur::MustNot;
                        self.all_kept(generation, p, scored, false)
                    })
            }
            Plan::Boost(inner, _) => self.all_kept(generation, inner, scored, top),
            Plan::Filter(inner) => self.all_kept(generation, inner, false, top),
        }
    }

    fn is_kept(&self, generation: u64, key: &str) -> bool {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.generation == generation && kept.leaves.contains_key(key)
    }

    /// The kept leaf of `key` at `generation`, marked as used.
    fn kept(&self, generation: u64, key: &str) -> Option<Arc<Leaf>> {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.generation != generation {
            return None;
        }
        kept.clock += 1;
        let now = kept.clock;
        let entry = kept.leaves.get_mut(key)?;
        entry.last_used = now;
        Some(entry.leaf.clone())
    }

    /// Keep `leaf`, dropping the least recently used leaves beyond the budget (and every leaf
    /// of an older generation; a search still running on an older one keeps nothing).
    fn keep(&self, generation: u64, key: String, leaf: Arc<Leaf>) {
        let bytes = leaf.bytes();
        if bytes > self.budget_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if generation < kept.generation {
            return;
        }
        if generation > kept.generation {
            *kept = Kept {
                generation,
                ..Kept::default()
            };
        }
        kept.clock += 1;
        let now = kept.clock;
        if let Some(old) = kept.leaves.insert(
            key,
            KeptEntry {
                leaf,
                last_used: now,
            },
        ) {
            kept.bytes -= old.leaf.bytes();
        }
        kept.bytes += bytes;
        while kept.bytes > self.budget_bytes {
            let Some(oldest) = kept
                .leaves
                .iter()
                .min_by_key(|(_, entry)| entry.last_used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(entry) = kept.leaves.remove(&oldest) {
                kept.bytes -= entry.leaf.bytes();
            }
        }
    }

    /// The plan with every leaf evaluated (from the kept ones, or by tantivy and then kept).
    /// `scored` is false under a filter, whose leaves keep no scores. A scored boolean clause
    /// below the top (a word of the query: its parts, its phrase and its boosts) is kept as one
    /// leaf of its own, its matches and summed scores: a search then reads one score per word
    /// of the query for each match instead of one per term of the word, and the highest score
    /// of each 64 documents bounds the word's sum, not the sum of its terms' highest scores.
    fn resolve(
        &self,
        searcher: &Searcher,
        generation: u64,
        plan: &Plan,
        scored: bool,
        top: bool,
    ) -> tantivy::Result<Resolved> {
        Ok(match plan {
            Plan::Leaf(query) => {
                let key = leaf_key(query.as_ref(), scored);
                let leaf = match self.kept(generation, &key) {
                    Some(leaf) => leaf,
                    None => {
                        let leaf = Arc::new(evaluate(searcher, query.as_ref(), scored)?);
                        self.keep(generation, key, leaf.clone());
                        leaf
                    }
                };
                Resolved::Leaf(leaf)
            }
            Plan::Bool(clauses) if scored && !top => {
                let key = plan_key(plan, scored);
                let leaf = match self.kept(generation, &key) {
                    Some(leaf) => leaf,
                    None => {
                        let clauses =
                            self.resolve_clauses(searcher, generation, clauses, scored)?;
                        let leaf = Arc::new(combine(searcher, &Resolved::Bool(clauses)));
                        self.keep(generation, key, leaf.clone());
                        leaf
                    }
                };
                Resolved::Leaf(leaf)
            }
            Plan::Bool(clauses) => {
                Resolved::Bool(self.resolve_clauses(searcher, generation, clauses, scored)?)
            }
            Plan::Boost(inner, boost) => Resolved::Boost(
                Box::new(self.resolve(searcher, generation, inner, scored, top)?),
                *boost,
            ),
            Plan::Filter(inner) => Resolved::Filter(Box::new(
                self.resolve(searcher, generation, inner, false, top)?,
            )),
        })
    }

    /// The clauses of a boolean plan, resolved.
    fn resolve_clauses(
        &self,
        searcher: &Searcher,
        generation: u64,
        clauses: &[(Occur, Plan)],
        scored: bool,
    ) -> tantivy::Result<Vec<(Occur, Resolved)>> {
        let mut resolved = Vec::with_capacity(clauses.len());
        for (occur, p) in clauses {
            // A MustNot clause never scores.
            let scored = scored && *occur != Occur::MustNot;
            resolved.push((
                *occur,
                self.resolve(searcher, generation, p, scored, false)?,
            ));
        }
        Ok(resolved)
    }
}

/// How many leaves resolving `plan` may keep: its leaves and its boolean clauses below the top.
fn kept_units(plan: &Plan, top: bool) -> usize {
    match plan {
        Plan::Leaf(_) => 1,
        Plan::Bool(clauses) => {
            let inner: usize = clauses.iter().map(|(_, p)| kept_units(p, false)).sum();
            inner + usize::from(!top)
        }
        Plan::Boost(inner, _) | Plan::Filter(inner) => kept_units(inner, top),
    }
}

/// The key of a boolean plan kept as one leaf: its clauses' keys, occurrences and boosts.
fn plan_key(plan: &Plan, scored: bool) -> String {
    match plan {
        Plan::Leaf(query) => leaf_key(query.as_ref(), scored),
        Plan::Bool(clauses) => {
            let keys: Vec<String> = clauses
                .iter()
                .map(|(occur, p)| {
                    let scored = scored && *occur != Occur::MustNot;
                    format!("{occur:?} {}", plan_key(p, scored))
                })
                .collect();
            format!("bool({})", keys.join(", "))
        }
        Plan::Boost(inner, boost) => format!("boost {boost:?} {}", plan_key(inner, scored)),
        Plan::Filter(inner) => format!("filter {}", plan_key(inner, false)),
    }
}

/// One scored leaf of a resolved plan: in each segment, its matches and their summed scores.
fn combine(searcher: &Searcher, resolved: &Resolved) -> Leaf {
    let mut segments = Vec::with_capacity(searcher.segment_readers().len());
    let mut matches = 0u64;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let node = resolved.segment(ord);
        let bits = node.bits().to_vec();
        let sum = node.sum();
        let mut of_doc = vec![0.0; reader.max_doc() as usize];
        let mut max_of_word = vec![0.0; bits.len()];
        for (at, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let doc = at * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if let Some(score) = of_doc.get_mut(doc) {
                    *score = sum.score(doc as DocId);
                    max_of_word[at] = Score::max(max_of_word[at], *score);
                }
            }
        }
        matches += bits.iter().map(|w| u64::from(w.count_ones())).sum::<u64>();
        segments.push(LeafSegment {
            bits,
            scores: Some(LeafScores {
                of_doc,
                max_of_word,
            }),
        });
    }
    Leaf { segments, matches }
}

/// The key of a leaf: the query as tantivy prints it (field, terms, offsets, bounds) and
/// whether it keeps scores.
fn leaf_key(query: &dyn Query, scored: bool) -> String {
    format!("{}{query:?}", if scored { "scored " } else { "" })
}

/// Evaluate one leaf over every segment with tantivy.
fn evaluate(searcher: &Searcher, query: &dyn Query, scored: bool) -> tantivy::Result<Leaf> {
    let enable = if scored {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(enable)?;
    let mut segments = Vec::with_capacity(searcher.segment_readers().len());
    let mut matches = 0u64;
    for reader in searcher.segment_readers() {
        let max_doc = reader.max_doc() as usize;
        let mut bits = vec![0u64; max_doc.div_ceil(64)];
        let mut scores = scored.then(|| LeafScores {
            of_doc: vec![0.0; max_doc],
            max_of_word: vec![0.0; bits.len()],
        });
        match &mut scores {
            Some(scores) => weight.for_each(reader, &mut |doc, score| {
                let at = doc as usize;
                bits[at / 64] |= 1 << (at % 64);
                scores.of_doc[at] = score;
                scores.max_of_word[at / 64] = scores.max_of_word[at / 64].max(score);
            })?,
            None => weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs {
                    bits[doc as usize / 64] |= 1 << (doc % 64);
                }
            })?,
        }
        matches += bits.iter().map(|w| u64::from(w.count_ones())).sum::<u64>();
        segments.push(LeafSegment { bits, scores });
    }
    Ok(Leaf { segments, matches })
}

/// A plan whose leaves are evaluated.
enum Resolved {
    Leaf(Arc<Leaf>),
    Bool(Vec<(Occur, Resolved)>),
    Boost(Box<Resolved>, Score),
    Filter(Box<Resolved>),
}

impl Resolved {
    /// This plan in segment `ord`, with the bitset of every inner node computed.
    fn segment(&self, ord: usize) -> Node<'_> {
        match self {
            Resolved::Leaf(leaf) => Node::Leaf(&leaf.segments[ord]),
            Resolved::Boost(inner, boost) => Node::Boost(Box::new(inner.segment(ord)), *boost),
            Resolved::Filter(inner) => Node::Filter(Box::new(inner.segment(ord))),
            Resolved::Bool(clauses) => {
                let clauses: Vec<(Occur, Node)> = clauses
                    .iter()
                    .map(|(occur, r)| (*occur, r.segment(ord)))
                    .collect();
                let bits = bool_bits(&clauses);
                Node::Bool { clauses, bits }
            }
        }
    }
}

/// The matches of a BooleanQuery, as tantivy defines them: all Must clauses (without any, one
/// Should clause), and no MustNot clause.
fn bool_bits(clauses: &[(Occur, Node)]) -> Vec<u64> {
    let mut required = clauses.iter().filter(|(o, _)| *o == Occur::Must);
    let mut bits = match required.next() {
        Some((_, first)) => {
            let mut bits = first.bits().to_vec();
            for (_, node) in required {
                for (word, other) in bits.iter_mut().zip(node.bits().iter()) {
                    *word &= other;
                }
            }
            bits
        }
        None => {
            let mut bits: Vec<u64> = Vec::new();
            for (_, node) in clauses.iter().filter(|(o, _)| *o == Occur::Should) {
                let other = node.bits();
                if bits.is_empty() {
                    bits = other.to_vec();
                } else {
                    for (word, other) in bits.iter_mut().zip(other.iter()) {
                        *word |= other;
                    }
                }
            }
            bits
        }
    };
    for (_, node) in clauses.iter().filter(|(o, _)| *o == Occur::MustNot) {
        for (word, other) in bits.iter_mut().zip(node.bits().iter()) {
            *word &= !other;
        }
    }
    bits
}

/// A resolved plan in one segment.
enum Node<'a> {
    Leaf(&'a LeafSegment),
    Bool {
        clauses: Vec<(Occur, Node<'a>)>,
        bits: Vec<u64>,
    },
    Boost(Box<Node<'a>>, Score),
    Filter(Box<Node<'a>>),
}

impl Node<'_> {
    fn bits(&self) -> &[u64] {
        match self {
            Node::Leaf(leaf) => &leaf.bits,
            Node::Bool { bits, .. } => bits,
            Node::Boost(inner, _) | Node::Filter(inner) => inner.bits(),
        }
    }

    fn is_leaf(&self) -> bool {
        match self {
            Node::Leaf(_) => true,
            Node::Boost(inner, _) | Node::Filter(inner) => inner.is_leaf(),
            Node::Bool { .. } => false,
        }
    }

    /// The scores of this node, which a document it matches sums as tantivy does (its Must
    /// clauses and the Should clauses it matches), as a sum of leaf scores times boosts. A
    /// leaf scores 0 where it does not match, so only an inner node under Should needs a test.
    fn sum(&self) -> Sum<'_> {
        let mut sum = Sum::default();
        self.add_to(&mut sum, 1.0);
        sum
    }

    fn add_to<'n>(&'n self, sum: &mut Sum<'n>, boost: Score) {
        match self {
            Node::Leaf(leaf) => {
                if let Some(scores) = &leaf.scores {
                    sum.terms.push((scores, boost));
                }
            }
            Node::Boost(inner, by) => inner.add_to(sum, boost * by),
            Node::Filter(_) => {}
            Node::Bool { clauses, .. } => {
                for (occur, node) in clauses {
                    match occur {
                        Occur::Must => node.add_to(sum, boost),
                        Occur::Should if node.is_leaf() => node.add_to(sum, boost),
                        Occur::Should => {
                            let mut group = Sum::default();
                            node.add_to(&mut group, boost);
                            sum.groups.push((node.bits(), group));
                        }
                        Occur::MustNot => {}
                    }
                }
            }
        }
    }
}

/// A document's score as leaf scores times boosts, and groups that count only for the
/// documents their bitset holds.
#[derive(Default)]
struct Sum<'n> {
    terms: Vec<(&'n LeafScores, Score)>,
    groups: Vec<(&'n [u64], Sum<'n>)>,
}

impl Sum<'_> {
    fn score(&self, doc: DocId) -> Score {
        let at = doc as usize;
        let mut score = 0.0;
        for (scores, boost) in &self.terms {
            score += scores.of_doc.get(at).copied().unwrap_or(0.0) * boost;
        }
        for (bits, group) in &self.groups {
            if bits.get(at / 64).is_some_and(|w| w & (1 << (at % 64)) != 0) {
                score += group.score(doc);
            }
        }
        score
    }

    /// At least the score of every document of word `at` (documents `64 * at ..`): the same
    /// sum in the same order over each leaf's highest score in the word, so rounding keeps it
    /// above (leaf scores and boosts are not negative: BM25 and the plan's boosts); infinite
    /// if one were.
    fn bound(&self, at: usize) -> Score {
        let mut bound = 0.0;
        for (scores, boost) in &self.terms {
            let max = scores.max_of_word.get(at).copied().unwrap_or(0.0);
            if max < 0.0 || *boost < 0.0 {
                return Score::INFINITY;
            }
            bound += max * boost;
        }
        for (bits, group) in &self.groups {
            if bits.get(at).is_some_and(|&w| w != 0) {
                bound += group.bound(at);
            }
        }
        bound
    }
}

/// Call `f` with every document of word `at` of `bits` that is not deleted, in order.
fn visit_word(bits: &[u64], at: usize, reader: &SegmentReader, mut f: impl FnMut(DocId)) {
    let alive = reader.alive_bitset();
    let mut word = bits.get(at).copied().unwrap_or(0);
    while word != 0 {
        let doc = (at * 64) as DocId + word.trailing_zeros();
        word &= word - 1;
        if doc >= reader.max_doc() {
            return;
        }
        if alive.is_none_or(|alive| alive.is_alive(doc)) {
            f(doc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scored leaf of 128 documents with these scores (a document matches where > 0).
    fn leaf(scores: &[Score]) -> LeafSegment {
        let mut of_doc = vec![0.0; 128];
        let mut bits = vec![0u64; 2];
        let mut max_of_word = vec![0.0; 2];
        for (doc, &score) in scores.iter().enumerate().take(128) {
            if score > 0.0 {
                of_doc[doc] = score;
                bits[doc / 64] |= 1 << (doc % 64);
                max_of_word[doc / 64] = Score::max(max_of_word[doc / 64], score);
            }
        }
        LeafSegment {
            bits,
            scores: Some(LeafScores {
                of_doc,
                max_of_word,
            }),
        }
    }

    proptest::proptest! {
        /// No document of a word scores above the word's bound, whatever the scores, boosts
        /// and optional groups: else a match that belongs on the page would only be counted.
        #[test]
        fn a_word_bounds_the_score_of_each_of_its_documents(
            scores in proptest::collection::vec(
                proptest::collection::vec(0.0f32..30.0, 128), 4),
            boosts in proptest::collection::vec(0.0f32..4.0, 4),
        ) {
            let leaves: Vec<LeafSegment> = scores.iter().map(|s| leaf(s)).collect();
            let node = |i: usize| Node::Boost(Box::new(Node::Leaf(&leaves[i])), boosts[i]);
            // Must: leaf 0; Should: leaf 1 and a group of leaves 2 and 3.
            let group = Node::Bool {
                clauses: vec![(Occur::Must, node(2)), (Occur::Should, node(3))],
                bits: leaves[2].bits.clone(),
            };
            let tree = Node::Bool {
                clauses: vec![
                    (Occur::Must, node(0)),
                    (Occur::Should, node(1)),
                    (Occur::Should, group),
                ],
                bits: leaves[0].bits.clone(),
            };
            let sum = tree.sum();
            for doc in 0..128u32 {
                let at = doc as usize / 64;
                proptest::prop_assert!(sum.score(doc) <= sum.bound(at), "doc {doc}");
            }
        }
    }
}
