//! A tantivy collector that counts every match, keeps only the best `keep` of them in the
//! request's order, and counts the facets of all matches in the same pass. Absent sort values
//! go last in both directions, ties fall back to newest first, then to the document address, so
//! the order is total and the kept page is the same as sorting every match.
//!
//! Facets are counted per segment by term ordinal in dense arrays; ordinals become strings only
//! when the segments' counts are merged, through [`SegmentStrings`], which the index builds
//! once per segment (segments never change) instead of decompressing dictionary blocks on every
//! search. Reads fast fields only; never loads documents.

use crate::index::query::Sort;
use crate::index::schema::names;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The strings of a segment's facet columns, by term ordinal.
#[derive(Debug, Default)]
pub(crate) struct SegmentStrings {
    pub level: Vec<Arc<str>>,
    pub province: Vec<Arc<str>>,
    pub agency: Vec<Arc<str>>,
    pub template: Vec<Arc<str>>,
}

impl SegmentStrings {
    /// Read the dictionaries of the facet columns of one segment, each in one stream.
    pub fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let all = |name: &str| -> tantivy::Result<Vec<Arc<str>>> {
            let Some(column) = fast.str(name)? else {
                return Ok(Vec::new());
            };
            let mut out = Vec::with_capacity(column.num_terms());
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                out.push(Arc::from(String::from_utf8_lossy(stream.key()).as_ref()));
            }
            Ok(out)
        };
        Ok(SegmentStrings {
            level: all(names::LEVEL)?,
            province: all(names::PROVINCE)?,
            agency: all(names::AGENCY)?,
            template: all(names::TEMPLATE)?,
        })
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

/// A multiply-rotate hasher (as rustc's FxHash) for the facet tallies: every search merges
/// thousands of agency names from every segment, and SipHash's flood resistance buys nothing
/// for keys that come from the index itself.
#[derive(Default, Clone, Copy)]
pub(crate) struct FacetHasher(u64);

impl std::hash::Hasher for FacetHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Counts by facet value.
pub(crate) type Counts = HashMap<Arc<str>, u64, BuildHasherDefault<FacetHasher>>;

/// Facet counts by value (the strings are shared with [`SegmentStrings`]: nothing is copied
/// until the final lists).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub year: HashMap<i64, u64>,
    pub level: Counts,
    pub province: Counts,
    pub agency: Counts,
    pub template: Counts,
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
    /// Facet strings of every segment of the searcher, by segment ordinal.
    pub strings: Vec<Arc<SegmentStrings>>,
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

/// Dense counts by term ordinal of one string column in one segment.
struct OrdCounter {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl OrdCounter {
    fn open(column: Option<StrColumn>) -> Self {
        let terms = column.as_ref().map_or(0, |c| c.num_terms());
        OrdCounter {
            column,
            counts: vec![0; terms],
        }
    }

    #[inline]
    fn count(&mut self, doc: DocId) {
        if let Some(column) = &self.column {
            if let Some(ord) = column.term_ords(doc).next() {
                if let Some(slot) = usize::try_from(ord)
                    .ok()
                    .and_then(|i| self.counts.get_mut(i))
                {
                    *slot += 1;
                }
            }
        }
    }

    /// Add the counts to `into` under the ordinals' strings.
    fn add_to(&self, strings: &[Arc<str>], into: &mut Counts) {
        for (ord, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            if let Some(text) = strings.get(ord) {
                *into.entry(text.clone()).or_default() += count;
            }
        }
    }
}

/// The facet counters of one segment.
struct SegmentFacets {
    years: Vec<(i64, u64)>,
    level: OrdCounter,
    province: OrdCounter,
    agency: OrdCounter,
    template: OrdCounter,
}

/// The per-segment half of [`MatchCollector`].
pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    strings: Arc<SegmentStrings>,
    year: Option<Column<i64>>,
    sort_int: Option<Column<i64>>,
    sort_agency: Option<StrColumn>,
    facets: Option<SegmentFacets>,
    total: usize,
    best: Best,
}

/// The fruit of one segment.
pub(crate) struct SegmentFruit {
    total: usize,
    matches: Vec<Match>,
    facets: Option<(SegmentFacets, Arc<SegmentStrings>)>,
}

impl Collector for MatchCollector {
    type Fruit = Collected;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let fast = reader.fast_fields();
        let strings = match self.strings.get(segment as usize) {
            Some(strings) => strings.clone(),
            None => Arc::new(SegmentStrings::read(reader)?),
        };
        let sort_int = match &self.source {
            SortSource::Int(name) => fast.column_opt::<i64>(name)?,
            _ => None,
        };
        let sort_agency = match &self.source {
            SortSource::Agency => fast.str(names::AGENCY)?,
            _ => None,
        };
        let facets = if self.facets {
            Some(SegmentFacets {
                years: Vec::new(),
                level: OrdCounter::open(fast.str(names::LEVEL)?),
                province: OrdCounter::open(fast.str(names::PROVINCE)?),
                agency: OrdCounter::open(fast.str(names::AGENCY)?),
                template: OrdCounter::open(fast.str(names::TEMPLATE)?),
            })
        } else {
            None
        };
        Ok(SegmentMatches {
            segment,
            strings,
            year: fast.column_opt::<i64>(names::YEAR)?,
            sort_int,
            sort_agency,
            facets,
            total: 0,
            best: Best::new(self.sort.clone(), self.keep),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut best = Best::new(self.sort.clone(), self.keep);
        let mut tally = Tally::default();
        let mut total = 0;
        for fruit in fruits {
            total += fruit.total;
            for m in fruit.matches {
                best.offer(m);
            }
            if let Some((facets, strings)) = fruit.facets {
                for (year, count) in facets.years {
                    *tally.year.entry(year).or_default() += count;
                }
                facets.level.add_to(&strings.level, &mut tally.level);
                facets
                    .province
                    .add_to(&strings.province, &mut tally.province);
                facets.agency.add_to(&strings.agency, &mut tally.agency);
                facets
                    .template
                    .add_to(&strings.template, &mut tally.template);
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
        let year = self.year.as_ref().and_then(|c| c.first(doc));
        if let Some(facets) = &mut self.facets {
            if let Some(y) = year {
                match facets.years.iter_mut().find(|(v, _)| *v == y) {
                    Some((_, count)) => *count += 1,
                    None => facets.years.push((y, 1)),
                }
            }
            facets.level.count(doc);
            facets.province.count(doc);
            facets.agency.count(doc);
            facets.template.count(doc);
        }
        if self.best.keep == 0 {
            return;
        }
        let key = if let Some(column) = &self.sort_int {
            column.first(doc).map_or(SortValue::Absent, SortValue::Int)
        } else if let Some(column) = &self.sort_agency {
            column
                .term_ords(doc)
                .next()
                .and_then(|ord| usize::try_from(ord).ok())
                .and_then(|ord| self.strings.agency.get(ord))
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
            total: self.total,
            matches: self.best.into_sorted(),
            facets: self.facets.map(|f| (f, self.strings)),
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
