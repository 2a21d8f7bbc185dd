//! A tantivy collector that counts every match, keeps only the best `keep` of them in the
//! request's order, and counts the facets of all matches in the same pass. Absent sort values
//! go last in both directions, ties fall back to newest first, then to the document address, so
//! the order is total and the kept page is the same as sorting every match.
//!
//! Facets are counted without touching a string or a hash table: [`SegmentFacetValues`] holds,
//! for every document of a segment, one row with the ordinal of each facet value among the
//! segment's strings and of its year among the segment's years (read once per segment:
//! segments never change), and [`FacetDictionary`] holds the same rows under global ordinals
//! (built once per searcher generation). A search adds to one set of dense arrays by global
//! ordinal, handed from each segment to the next. Under relevance, a match scoring below the
//! worst kept one is counted and dropped before anything else is read for it. Reads fast
//! fields only; never loads documents.

use crate::index::query::Sort;
use crate::index::schema::names;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The string facets counted for every search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FacetField {
    Level,
    Province,
    Agency,
    Template,
}

/// Number of string facets.
const FACETS: usize = 4;

impl FacetField {
    const ALL: [FacetField; FACETS] = [
        FacetField::Level,
        FacetField::Province,
        FacetField::Agency,
        FacetField::Template,
    ];

    fn name(self) -> &'static str {
        match self {
            FacetField::Level => names::LEVEL,
            FacetField::Province => names::PROVINCE,
            FacetField::Agency => names::AGENCY,
            FacetField::Template => names::TEMPLATE,
        }
    }
}

/// A segment string without a global ordinal (none: the global list holds every string).
const NO_VALUE: u32 = u32::MAX;

/// Per-document slots counted for every match: the string facets, then the year.
const SLOTS: usize = FACETS + 1;
/// The slot of the year among a document's [`DocFacets::ords`].
const YEAR_SLOT: usize = FACETS;

/// One document's facet values as segment ordinals: of each string facet's strings, then of
/// the segment's years. A document without a value has the ordinal one past the last, so
/// counting needs no branch and every match reads one 20-byte row, not five arrays.
#[derive(Debug, Clone, Copy)]
struct DocFacets {
    ords: [u32; SLOTS],
}

/// One segment's facet values, read once: the strings of each facet column and the years by
/// segment ordinal, and for every document the ordinals of its values.
#[derive(Debug, Default)]
pub(crate) struct SegmentFacetValues {
    /// Strings by segment ordinal, one list per [`FacetField`].
    strings: [Vec<Arc<str>>; FACETS],
    /// The segment's distinct statistics years, ascending, by ordinal.
    years: Vec<i64>,
    /// Per document, its ordinals.
    docs: Vec<DocFacets>,
}

impl SegmentFacetValues {
    /// Read the facet columns and the year of one segment (20 bytes per document).
    pub fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let max_doc = reader.max_doc();
        let mut values = SegmentFacetValues::default();
        let mut docs = vec![DocFacets { ords: [0; SLOTS] }; max_doc as usize];
        for field in FacetField::ALL {
            let f = field as usize;
            let mut strings = Vec::new();
            if let Some(column) = fast.str(field.name())? {
                strings.reserve(column.num_terms());
                let mut stream = column.dictionary().stream()?;
                while stream.advance() {
                    strings.push(Arc::from(String::from_utf8_lossy(stream.key()).as_ref()));
                }
                let absent = strings.len() as u32;
                for (doc, row) in docs.iter_mut().enumerate() {
                    row.ords[f] = column
                        .term_ords(doc as DocId)
                        .next()
                        .and_then(|ord| u32::try_from(ord).ok())
                        .unwrap_or(absent);
                }
            }
            // Without the column every row keeps 0: one past the last of no strings.
            values.strings[f] = strings;
        }
        let mut doc_years = vec![None; max_doc as usize];
        if let Some(column) = fast.column_opt::<i64>(names::YEAR)? {
            for (doc, year) in doc_years.iter_mut().enumerate() {
                *year = column.first(doc as DocId);
            }
        }
        let mut years: Vec<i64> = doc_years.iter().flatten().copied().collect();
        years.sort_unstable();
        years.dedup();
        for (row, year) in docs.iter_mut().zip(&doc_years) {
            row.ords[YEAR_SLOT] = year
                .and_then(|year| years.binary_search(&year).ok())
                .unwrap_or(years.len()) as u32;
        }
        values.years = years;
        values.docs = docs;
        Ok(values)
    }

    fn row(&self, doc: DocId) -> Option<&DocFacets> {
        self.docs.get(doc as usize)
    }

    fn year(&self, doc: DocId) -> Option<i64> {
        let ord = self.row(doc)?.ords[YEAR_SLOT];
        self.years.get(ord as usize).copied()
    }

    fn value(&self, field: FacetField, doc: DocId) -> Option<&Arc<str>> {
        let f = field as usize;
        let ord = self.row(doc)?.ords[f];
        self.strings[f].get(ord as usize)
    }
}

/// The facet strings of every segment of one searcher under global ordinals, which follow the
/// strings' order: ties between counts are then broken by comparing ordinals, not strings.
#[derive(Debug, Default)]
pub(crate) struct FacetDictionary {
    /// Strings by global ordinal (sorted), one list per [`FacetField`].
    strings: [Vec<Arc<str>>; FACETS],
    /// Every segment's statistics years, ascending, by global ordinal.
    years: Vec<i64>,
    /// Per segment ordinal, every document's row under global ordinals (absent: one past the
    /// last), so a search counts all segments into one set of arrays.
    rows: Vec<Arc<[DocFacets]>>,
}

impl FacetDictionary {
    /// The dictionary of the segments of one searcher, in segment ordinal order.
    pub fn build(segments: &[Arc<SegmentFacetValues>]) -> Self {
        let mut dictionary = FacetDictionary::default();
        // Per segment ordinal, per facet: segment ordinal → global ordinal.
        let mut maps: Vec<[Vec<u32>; FACETS]> = vec![Default::default(); segments.len()];
        for field in FacetField::ALL {
            let f = field as usize;
            let mut strings: Vec<Arc<str>> = segments
                .iter()
                .flat_map(|values| values.strings[f].iter().cloned())
                .collect();
            strings.sort_unstable();
            strings.dedup();
            {
                let global: HashMap<&str, u32> = strings
                    .iter()
                    .enumerate()
                    .map(|(ord, text)| (&**text, ord as u32))
                    .collect();
                for (segment, values) in segments.iter().enumerate() {
                    maps[segment][f] = values.strings[f]
                        .iter()
                        .map(|text| global.get(&**text).copied().unwrap_or(NO_VALUE))
                        .collect();
                }
            }
            dictionary.strings[f] = strings;
        }
        let mut years: Vec<i64> = segments
            .iter()
            .flat_map(|values| values.years.iter().copied())
            .collect();
        years.sort_unstable();
        years.dedup();
        dictionary.rows = segments
            .iter()
            .zip(&maps)
            .map(|(values, maps)| {
                let year_map: Vec<u32> = values
                    .years
                    .iter()
                    .map(|year| years.binary_search(year).unwrap_or(years.len()) as u32)
                    .collect();
                values
                    .docs
                    .iter()
                    .map(|row| {
                        let mut ords = [0; SLOTS];
                        for (f, ord) in ords.iter_mut().enumerate().take(FACETS) {
                            let absent = dictionary.strings[f].len() as u32;
                            *ord = maps[f]
                                .get(row.ords[f] as usize)
                                .copied()
                                .filter(|&global| global != NO_VALUE)
                                .unwrap_or(absent);
                        }
                        ords[YEAR_SLOT] = year_map
                            .get(row.ords[YEAR_SLOT] as usize)
                            .copied()
                            .unwrap_or(years.len() as u32);
                        DocFacets { ords }
                    })
                    .collect()
            })
            .collect();
        dictionary.years = years;
        dictionary
    }

    /// How many global ordinals slot `slot` has, the one meaning "no value" included.
    fn slot_len(&self, slot: usize) -> usize {
        match slot {
            YEAR_SLOT => self.years.len() + 1,
            f => self.strings[f].len() + 1,
        }
    }

    /// Zeroed counts for every slot.
    fn zero_counts(&self) -> Counts {
        std::array::from_fn(|slot| vec![0; self.slot_len(slot)])
    }
}

/// Match counts by global ordinal, per slot of [`DocFacets`].
type Counts = [Vec<u32>; SLOTS];

/// Facet counts of all matches: years, and for each string facet the count by global ordinal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub year: HashMap<i64, u64>,
    counts: [Vec<u64>; FACETS],
    dictionary: Arc<FacetDictionary>,
}

impl Tally {
    /// The values of a facet that some match has, with their counts.
    pub fn values(&self, field: FacetField) -> impl Iterator<Item = (&Arc<str>, u64)> + '_ {
        let f = field as usize;
        self.counts[f]
            .iter()
            .zip(&self.dictionary.strings[f])
            .filter(|(&count, _)| count > 0)
            .map(|(&count, text)| (text, count))
    }

    /// The `limit` most frequent values of a facet, most frequent first, ties in the values'
    /// order.
    pub fn top(&self, field: FacetField, limit: usize) -> Vec<(&Arc<str>, u64)> {
        let f = field as usize;
        // The agency facet has an ordinal per agency (tens of thousands) and shows 20: a heap of
        // the best so far, its worst on top, instead of gathering every value that has a count.
        // Key (Reverse(count), ordinal): larger is worse; ordinals follow the strings' order
        // (see FacetDictionary), and come in ascending order, so a later value with the same
        // count never displaces an earlier one.
        if limit == 0 {
            return Vec::new();
        }
        let counts = &self.counts[f];
        let mut best: BinaryHeap<(Reverse<u64>, u32)> =
            BinaryHeap::with_capacity(limit.min(counts.len()));
        // Once the heap is full, a value must count more than its worst to enter (with an equal
        // count it comes later): most of the scan is this one comparison.
        let mut floor = 0;
        for (ord, &count) in counts.iter().enumerate() {
            if count <= floor {
                continue;
            }
            let key = (Reverse(count), ord as u32);
            if best.len() < limit {
                best.push(key);
            } else if let Some(mut worst) = best.peek_mut() {
                *worst = key;
            }
            if best.len() == limit {
                floor = best.peek().map_or(0, |&(Reverse(worst), _)| worst);
            }
        }
        best.into_sorted_vec()
            .into_iter()
            .filter_map(|(Reverse(count), ord)| {
                Some((self.dictionary.strings[f].get(ord as usize)?, count))
            })
            .collect()
    }
}

/// What a match is sorted by besides its score and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SortSource {
    /// Nothing beyond score and year.
    None,
    /// An i64 fast field, by name.
    Int(String),
    /// The exact agency name.
    Agency,
}

/// The sort key of one match.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SortValue {
    /// The match has no value for the key.
    Absent,
    /// An integer.
    Int(i64),
    /// A string.
    Str(Arc<str>),
}

/// One matching document.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub addr: DocAddress,
    pub score: Score,
    pub year: Option<i64>,
    pub key: SortValue,
}

/// What the collector gives back: the number of matches, the best `keep` in order, the facets.
pub(crate) struct Collected {
    pub total: usize,
    pub matches: Vec<Match>,
    pub tally: Tally,
}

/// Counts all matches, keeps the best `keep` in `sort` order and, with `facets`, tallies them.
pub(crate) struct MatchCollector {
    /// The effective order (relevance only when the query ranks by text).
    pub sort: Sort,
    /// Where the sort key comes from.
    pub source: SortSource,
    /// How many of the best matches to keep (`usize::MAX` for all).
    pub keep: usize,
    /// Count facets.
    pub facets: bool,
    /// Facet values of every segment of the searcher, by segment ordinal.
    pub segments: Vec<Arc<SegmentFacetValues>>,
    /// Their global ordinals.
    pub dictionary: Arc<FacetDictionary>,
    /// The facet counts between segments: each segment takes them, adds its matches and puts
    /// them back, so one set of arrays serves the whole search (a segment collected while
    /// another holds them starts its own, added in when it puts them back).
    pub counts: Arc<Mutex<Option<Counts>>>,
}

/// Compare two optional values with absent ones last whatever the direction.
fn absent_last<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) if descending => b.cmp(&a),
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn key_of(value: &SortValue) -> Option<&SortValue> {
    (*value != SortValue::Absent).then_some(value)
}

/// The order of the hits: `Less` when `a` comes first.
pub(crate) fn compare(a: &Match, b: &Match, sort: &Sort) -> Ordering {
    let newest = || absent_last(a.year, b.year, true);
    let primary = match sort {
        Sort::Relevance => b.score.total_cmp(&a.score).then_with(newest),
        Sort::YearDesc => newest(),
        Sort::YearAsc => absent_last(a.year, b.year, false),
        Sort::Agency => absent_last(key_of(&a.key), key_of(&b.key), false).then_with(newest),
        Sort::Stat { descending, .. } => {
            absent_last(key_of(&a.key), key_of(&b.key), *descending).then_with(newest)
        }
    };
    primary
        .then_with(|| (a.addr.segment_ord, a.addr.doc_id).cmp(&(b.addr.segment_ord, b.addr.doc_id)))
}

/// The best `keep` matches, kept in a buffer that is sorted and cut back to `keep` whenever it
/// reaches twice that; once cut, anything not better than the last kept match is skipped.
struct Best {
    sort: Sort,
    keep: usize,
    buffer: Vec<Match>,
    /// The worst kept match after the last cut.
    threshold: Option<Match>,
    /// Under relevance, the score of `threshold`: a lower score is rejected before a match is
    /// built (most matches of a large result).
    threshold_score: Score,
}

impl Best {
    fn new(sort: Sort, keep: usize) -> Self {
        Best {
            sort,
            keep,
            buffer: Vec::new(),
            threshold: None,
            threshold_score: Score::NEG_INFINITY,
        }
    }

    /// Offer the match that `make` builds, building it only when `score` leaves it a chance:
    /// under relevance, a score below the worst kept one's cannot be kept whatever the rest.
    fn offer_scored(&mut self, score: Score, make: impl FnOnce() -> Match) {
        if self.keep == 0 || (self.sort == Sort::Relevance && score < self.threshold_score) {
            return;
        }
        self.offer(make());
    }

    fn offer(&mut self, m: Match) {
        if self.keep == 0 {
            return;
        }
        if let Some(threshold) = &self.threshold {
            if compare(&m, threshold, &self.sort) != Ordering::Less {
                return;
            }
        }
        self.buffer.push(m);
        if self.buffer.len() >= self.keep.saturating_mul(2) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        let sort = &self.sort;
        self.buffer.sort_unstable_by(|a, b| compare(a, b, sort));
        self.buffer.truncate(self.keep);
        if self.buffer.len() == self.keep {
            if let Some(last) = self.buffer.last().cloned() {
                self.raise_to(last);
            }
        }
    }

    /// Reject from now on whatever is not better than `floor`, unless the threshold is
    /// already stricter.
    fn raise_to(&mut self, floor: Match) {
        let stricter = match &self.threshold {
            Some(threshold) => compare(&floor, threshold, &self.sort) == Ordering::Less,
            None => true,
        };
        if stricter {
            self.threshold_score = floor.score;
            self.threshold = Some(floor);
        }
    }

    fn into_sorted(mut self) -> Vec<Match> {
        self.cut();
        self.buffer
    }
}

impl MatchCollector {
    /// The stricter of `floor` and the worst match `fruit` kept, when it kept all it could:
    /// the final page can hold nothing worse, so later segments may reject it at once
    /// ([`SegmentMatches::raise_floor`]). For collecting segments one after another.
    pub fn floor_after(&self, floor: Option<Match>, fruit: &SegmentFruit) -> Option<Match> {
        let worst = fruit
            .matches
            .last()
            .filter(|_| self.keep > 0 && fruit.matches.len() >= self.keep);
        match (floor, worst) {
            (Some(floor), Some(worst)) if compare(worst, &floor, &self.sort) == Ordering::Less => {
                Some(worst.clone())
            }
            (None, Some(worst)) => Some(worst.clone()),
            (floor, _) => floor,
        }
    }
}

/// The per-segment half of [`MatchCollector`].
pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    values: Arc<SegmentFacetValues>,
    sort_int: Option<Column<i64>>,
    sort_agency: bool,
    /// With facets: the segment's documents under global ordinals, and the counts.
    facets: Option<(Arc<[DocFacets]>, Counts)>,
    /// Where the counts go back at harvest.
    shared: Arc<Mutex<Option<Counts>>>,
    total: usize,
    best: Best,
}

/// The fruit of one segment (its facet counts are back in the collector).
pub(crate) struct SegmentFruit {
    total: usize,
    matches: Vec<Match>,
}

impl Collector for MatchCollector {
    type Fruit = Collected;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let values = match self.segments.get(segment as usize) {
            Some(values) => values.clone(),
            None => Arc::new(SegmentFacetValues::read(reader)?),
        };
        let sort_int = match &self.source {
            SortSource::Int(name) => reader.fast_fields().column_opt::<i64>(name)?,
            _ => None,
        };
        let rows = self.dictionary.rows.get(segment as usize).cloned();
        let facets = rows.filter(|_| self.facets).map(|rows| {
            let counts = lock(&self.counts)
                .take()
                .unwrap_or_else(|| self.dictionary.zero_counts());
            (rows, counts)
        });
        Ok(SegmentMatches {
            segment,
            values,
            sort_int,
            sort_agency: self.source == SortSource::Agency,
            facets,
            shared: self.counts.clone(),
            total: 0,
            best: Best::new(self.sort.clone(), self.keep),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut best = Best::new(self.sort.clone(), self.keep);
        let mut total = 0;
        for fruit in fruits {
            total += fruit.total;
            for m in fruit.matches {
                best.offer(m);
            }
        }
        let dictionary = &self.dictionary;
        let mut tally = Tally {
            dictionary: dictionary.clone(),
            ..Tally::default()
        };
        if let Some(counts) = lock(&self.counts).take() {
            let facets = tally
                .counts
                .iter_mut()
                .zip(&counts)
                .zip(&dictionary.strings);
            for ((tally, counts), strings) in facets {
                // The ordinal past the strings counts matches without a value.
                *tally = counts
                    .iter()
                    .take(strings.len())
                    .map(|&c| u64::from(c))
                    .collect();
            }
            tally.year = dictionary
                .years
                .iter()
                .zip(&counts[YEAR_SLOT])
                .filter(|(_, &count)| count > 0)
                .map(|(&year, &count)| (year, u64::from(count)))
                .collect();
        }
        Ok(Collected {
            total,
            matches: best.into_sorted(),
            tally,
        })
    }
}

impl SegmentMatches {
    /// Reject at once whatever is not better than `floor` (see [`MatchCollector::floor_after`]).
    pub fn raise_floor(&mut self, floor: Match) {
        self.best.raise_to(floor);
    }

    /// Under relevance, the score below which a match cannot make the page now (it only
    /// rises); minus infinity under any other sort.
    pub fn score_floor(&self) -> Score {
        match self.best.sort {
            Sort::Relevance => self.best.threshold_score,
            _ => Score::NEG_INFINITY,
        }
    }

    /// Count a match in the total and the facets only: for a match whose score is known to be
    /// below [`Self::score_floor`], which [`SegmentCollector::collect`] would count and reject.
    pub fn count(&mut self, doc: DocId) {
        self.total += 1;
        if let Some((rows, counts)) = &mut self.facets {
            if let Some(row) = rows.get(doc as usize) {
                for (counts, &ord) in counts.iter_mut().zip(&row.ords) {
                    if let Some(slot) = counts.get_mut(ord as usize) {
                        *slot += 1;
                    }
                }
            }
        }
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count(doc);
        let (values, segment) = (&self.values, self.segment);
        let (sort_int, sort_agency) = (&self.sort_int, self.sort_agency);
        self.best.offer_scored(score, || {
            let key = if let Some(column) = sort_int {
                column.first(doc).map_or(SortValue::Absent, SortValue::Int)
            } else if sort_agency {
                values
                    .value(FacetField::Agency, doc)
                    .map_or(SortValue::Absent, |s| SortValue::Str(s.clone()))
            } else {
                SortValue::Absent
            };
            Match {
                addr: DocAddress::new(segment, doc),
                score,
                year: values.year(doc),
                key,
            }
        });
    }

    fn harvest(self) -> SegmentFruit {
        if let Some((_, counts)) = self.facets {
            let mut shared = lock(&self.shared);
            match shared.as_mut() {
                // Another segment's counts came back first: add these in.
                Some(kept) => {
                    for (kept, counts) in kept.iter_mut().zip(&counts) {
                        for (kept, count) in kept.iter_mut().zip(counts) {
                            *kept += count;
                        }
                    }
                }
                None => *shared = Some(counts),
            }
        }
        SegmentFruit {
            total: self.total,
            matches: self.best.into_sorted(),
        }
    }
}

/// The counts slot, whatever a panicking holder left (counts hold no invariant).
fn lock(counts: &Mutex<Option<Counts>>) -> std::sync::MutexGuard<'_, Option<Counts>> {
    counts
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(doc: u32, score: f32, year: Option<i64>) -> Match {
        Match {
            addr: DocAddress::new(0, doc),
            score,
            year,
            key: SortValue::Absent,
        }
    }

    #[test]
    fn facet_top_is_the_head_of_a_full_sort() {
        // Counts with many ties and zeros, over 300 values.
        let counts: Vec<u64> = (0..300u64).map(|i| (i * 7919) % 13 % 5).collect();
        let strings: Vec<Arc<str>> = (0..300).map(|i| Arc::from(format!("v{i:03}"))).collect();
        let mut dictionary = FacetDictionary::default();
        dictionary.strings[FacetField::Agency as usize] = strings.clone();
        let mut tally = Tally {
            dictionary: Arc::new(dictionary),
            ..Default::default()
        };
        tally.counts[FacetField::Agency as usize] = counts.clone();
        let mut sorted: Vec<(u64, usize)> = counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(ord, &c)| (c, ord))
            .collect();
        sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for limit in [0, 1, 2, 20, 59, 60, 61, 299, 300, usize::MAX] {
            let expected: Vec<(String, u64)> = sorted
                .iter()
                .take(limit)
                .map(|&(c, ord)| (strings[ord].to_string(), c))
                .collect();
            let top: Vec<(String, u64)> = tally
                .top(FacetField::Agency, limit)
                .into_iter()
                .map(|(s, c)| (s.to_string(), c))
                .collect();
            assert_eq!(top, expected, "limit {limit}");
        }
    }

    #[test]
    fn best_keeps_the_same_page_as_a_full_sort() {
        let all: Vec<Match> = (0..500u32)
            .map(|i| {
                let year = (i % 7 != 0).then_some(2015 + i64::from(i % 11));
                m(i, ((i * 37) % 101) as f32, year)
            })
            .collect();
        for sort in [Sort::Relevance, Sort::YearDesc, Sort::YearAsc] {
            let mut sorted = all.clone();
            sorted.sort_by(|a, b| compare(a, b, &sort));
            for keep in [0, 1, 3, 10, 499, 500, 1000] {
                let expected: Vec<u32> = sorted.iter().take(keep).map(|x| x.addr.doc_id).collect();
                // As merging offers, and as a segment offers (built only when the score may
                // be kept).
                let mut offered = Best::new(sort.clone(), keep);
                let mut scored = Best::new(sort.clone(), keep);
                for x in &all {
                    offered.offer(x.clone());
                    scored.offer_scored(x.score, || x.clone());
                }
                for best in [offered, scored] {
                    let kept: Vec<u32> = best.into_sorted().iter().map(|x| x.addr.doc_id).collect();
                    assert_eq!(kept, expected, "{sort:?} keep {keep}");
                }
            }
        }
    }
}
