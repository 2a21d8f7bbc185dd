//! A tantivy collector that counts every match, keeps only the best `keep` of them in the
//! request's order, and counts the facets of all matches in the same pass. Absent sort values
//! go last in both directions, ties fall back to newest first, then to the document address, so
//! the order is total and the kept page is the same as sorting every match.
//!
//! Facets are counted without touching a string or a hash table: [`SegmentFacetValues`] holds,
//! for every document of a segment, the ordinal of each facet value among the segment's strings
//! (read once per segment: segments never change), and [`FacetDictionary`] maps each segment's
//! ordinals to global ones (built once per searcher generation). A search adds to dense arrays
//! per segment, and merging adds them by global ordinal. Reads fast fields only; never loads
//! documents.

use crate::index::query::Sort;
use crate::index::schema::names;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;
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

/// A document without a value for a facet.
const NO_VALUE: u32 = u32::MAX;
/// A document without a year.
const NO_YEAR: i32 = i32::MIN;

/// One segment's facet values, read once: the strings of each facet column by segment ordinal,
/// and for every document the ordinal of its value and its year.
#[derive(Debug, Default)]
pub(crate) struct SegmentFacetValues {
    /// Strings by segment ordinal, one list per [`FacetField`].
    strings: [Vec<Arc<str>>; FACETS],
    /// Per document, the segment ordinal of its value ([`NO_VALUE`] when it has none).
    ords: [Vec<u32>; FACETS],
    /// Per document, its statistics year ([`NO_YEAR`] when it has none).
    years: Vec<i32>,
}

impl SegmentFacetValues {
    /// Read the facet columns and the year of one segment (about 20 bytes per document).
    pub fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let max_doc = reader.max_doc();
        let mut values = SegmentFacetValues::default();
        for field in FacetField::ALL {
            let f = field as usize;
            values.ords[f] = vec![NO_VALUE; max_doc as usize];
            let Some(column) = fast.str(field.name())? else {
                continue;
            };
            let mut strings = Vec::with_capacity(column.num_terms());
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                strings.push(Arc::from(String::from_utf8_lossy(stream.key()).as_ref()));
            }
            values.strings[f] = strings;
            for doc in 0..max_doc {
                if let Some(ord) = column.term_ords(doc).next() {
                    values.ords[f][doc as usize] = u32::try_from(ord).unwrap_or(NO_VALUE);
                }
            }
        }
        values.years = vec![NO_YEAR; max_doc as usize];
        if let Some(column) = fast.column_opt::<i64>(names::YEAR)? {
            for doc in 0..max_doc {
                if let Some(year) = column.first(doc).and_then(|y| i32::try_from(y).ok()) {
                    values.years[doc as usize] = year;
                }
            }
        }
        Ok(values)
    }

    fn year(&self, doc: DocId) -> Option<i64> {
        match self.years.get(doc as usize) {
            Some(&y) if y != NO_YEAR => Some(i64::from(y)),
            _ => None,
        }
    }

    fn value(&self, field: FacetField, doc: DocId) -> Option<&Arc<str>> {
        let f = field as usize;
        let ord = *self.ords[f].get(doc as usize)?;
        self.strings[f].get(ord as usize)
    }
}

/// The facet strings of every segment of one searcher under global ordinals, which follow the
/// strings' order: ties between counts are then broken by comparing ordinals, not strings.
#[derive(Debug, Default)]
pub(crate) struct FacetDictionary {
    /// Strings by global ordinal (sorted), one list per [`FacetField`].
    strings: [Vec<Arc<str>>; FACETS],
    /// Per segment ordinal, per facet: segment ordinal → global ordinal.
    maps: Vec<[Vec<u32>; FACETS]>,
}

impl FacetDictionary {
    /// The dictionary of the segments of one searcher, in segment ordinal order.
    pub fn build(segments: &[Arc<SegmentFacetValues>]) -> Self {
        let mut dictionary = FacetDictionary {
            maps: vec![Default::default(); segments.len()],
            ..Default::default()
        };
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
                    dictionary.maps[segment][f] = values.strings[f]
                        .iter()
                        .map(|text| global.get(&**text).copied().unwrap_or(NO_VALUE))
                        .collect();
                }
            }
            dictionary.strings[f] = strings;
        }
        dictionary
    }
}

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
        // (count, ordinal): ordinals follow the strings' order (see FacetDictionary).
        let mut found: Vec<(u64, u32)> = self.counts[f]
            .iter()
            .enumerate()
            .filter(|(_, &count)| count > 0)
            .map(|(ord, &count)| (count, ord as u32))
            .collect();
        let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if limit < found.len() {
            found.select_nth_unstable_by(limit, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found
            .into_iter()
            .filter_map(|(count, ord)| Some((self.dictionary.strings[f].get(ord as usize)?, count)))
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
}

impl Best {
    fn new(sort: Sort, keep: usize) -> Self {
        Best {
            sort,
            keep,
            buffer: Vec::new(),
            threshold: None,
        }
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
            self.threshold = self.buffer.last().cloned();
        }
    }

    fn into_sorted(mut self) -> Vec<Match> {
        self.cut();
        self.buffer
    }
}

/// The per-segment half of [`MatchCollector`].
pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    values: Arc<SegmentFacetValues>,
    sort_int: Option<Column<i64>>,
    sort_agency: bool,
    /// With facets: match counts by segment ordinal, per facet, and by year.
    counts: Option<[Vec<u32>; FACETS]>,
    years: Vec<(i64, u64)>,
    total: usize,
    best: Best,
}

/// The fruit of one segment.
pub(crate) struct SegmentFruit {
    segment: SegmentOrdinal,
    total: usize,
    matches: Vec<Match>,
    counts: Option<[Vec<u32>; FACETS]>,
    years: Vec<(i64, u64)>,
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
        let counts = self
            .facets
            .then(|| std::array::from_fn(|f| vec![0; values.strings[f].len()]));
        Ok(SegmentMatches {
            segment,
            values,
            sort_int,
            sort_agency: self.source == SortSource::Agency,
            counts,
            years: Vec::new(),
            total: 0,
            best: Best::new(self.sort.clone(), self.keep),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut best = Best::new(self.sort.clone(), self.keep);
        let dictionary = &self.dictionary;
        let mut tally = Tally {
            counts: std::array::from_fn(|f| vec![0; dictionary.strings[f].len()]),
            dictionary: dictionary.clone(),
            ..Tally::default()
        };
        let mut total = 0;
        for fruit in fruits {
            total += fruit.total;
            for m in fruit.matches {
                best.offer(m);
            }
            for (year, count) in fruit.years {
                *tally.year.entry(year).or_default() += count;
            }
            let (Some(counts), Some(maps)) =
                (fruit.counts, dictionary.maps.get(fruit.segment as usize))
            else {
                continue;
            };
            for f in 0..FACETS {
                for (local, &count) in counts[f].iter().enumerate() {
                    if count == 0 {
                        continue;
                    }
                    if let Some(slot) = maps[f]
                        .get(local)
                        .and_then(|&global| tally.counts[f].get_mut(global as usize))
                    {
                        *slot += u64::from(count);
                    }
                }
            }
        }
        Ok(Collected {
            total,
            matches: best.into_sorted(),
            tally,
        })
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.total += 1;
        let year = self.values.year(doc);
        if let Some(counts) = &mut self.counts {
            if let Some(y) = year {
                match self.years.iter_mut().find(|(v, _)| *v == y) {
                    Some((_, count)) => *count += 1,
                    None => self.years.push((y, 1)),
                }
            }
            for (f, counts) in counts.iter_mut().enumerate() {
                let ord = self.values.ords[f].get(doc as usize).copied();
                if let Some(slot) = ord.and_then(|ord| counts.get_mut(ord as usize)) {
                    *slot += 1;
                }
            }
        }
        if self.best.keep == 0 {
            return;
        }
        let key = if let Some(column) = &self.sort_int {
            column.first(doc).map_or(SortValue::Absent, SortValue::Int)
        } else if self.sort_agency {
            self.values
                .value(FacetField::Agency, doc)
                .map_or(SortValue::Absent, |s| SortValue::Str(s.clone()))
        } else {
            SortValue::Absent
        };
        self.best.offer(Match {
            addr: DocAddress::new(self.segment, doc),
            score,
            year,
            key,
        });
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            segment: self.segment,
            total: self.total,
            matches: self.best.into_sorted(),
            counts: self.counts,
            years: self.years,
        }
    }
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
                let mut best = Best::new(sort.clone(), keep);
                for x in &all {
                    best.offer(x.clone());
                }
                let kept: Vec<u32> = best.into_sorted().iter().map(|x| x.addr.doc_id).collect();
                let expected: Vec<u32> = sorted.iter().take(keep).map(|x| x.addr.doc_id).collect();
                assert_eq!(kept, expected, "{sort:?} keep {keep}");
            }
        }
    }
}
