//! A tantivy collector that keeps every match with its sort key and counts the facets of all
//! matches in the same pass. Sorting and paging happen afterwards in `mod.rs`, so absent sort
//! values can go last in both directions. Reads fast fields only; never loads documents.

use crate::index::schema::names;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// What a match is sorted by besides its score.
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
    Str(String),
}

/// One matching document.
#[derive(Debug, Clone)]
pub(crate) struct Match {
    pub addr: DocAddress,
    pub score: Score,
    pub year: Option<i64>,
    pub key: SortValue,
}

/// Facet counts by value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub year: HashMap<i64, u64>,
    pub level: HashMap<String, u64>,
    pub province: HashMap<String, u64>,
    pub agency: HashMap<String, u64>,
    pub template: HashMap<String, u64>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        fn add<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
            for (k, v) in from {
                *into.entry(k).or_default() += v;
            }
        }
        add(&mut self.year, other.year);
        add(&mut self.level, other.level);
        add(&mut self.province, other.province);
        add(&mut self.agency, other.agency);
        add(&mut self.template, other.template);
    }
}

/// Collects every match (with its score when `scoring`) and, with `facets`, the facet tally.
pub(crate) struct MatchCollector {
    pub sort: SortSource,
    pub scoring: bool,
    pub facets: bool,
}

/// Term-ordinal counts of one string column in one segment.
struct OrdCounter {
    column: Option<StrColumn>,
    counts: HashMap<u64, u64>,
}

impl OrdCounter {
    fn open(reader: &SegmentReader, name: &str) -> tantivy::Result<Self> {
        Ok(OrdCounter {
            column: reader.fast_fields().str(name)?,
            counts: HashMap::new(),
        })
    }

    fn count(&mut self, doc: DocId) {
        if let Some(column) = &self.column {
            if let Some(ord) = column.term_ords(doc).next() {
                *self.counts.entry(ord).or_default() += 1;
            }
        }
    }

    fn into_strings(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        let Some(column) = self.column else {
            return out;
        };
        for (ord, count) in self.counts {
            let mut text = String::new();
            if let Ok(true) = column.ord_to_str(ord, &mut text) {
                *out.entry(text).or_default() += count;
            }
        }
        out
    }
}

/// The per-segment half of [`MatchCollector`].
pub(crate) struct SegmentMatches {
    segment: SegmentOrdinal,
    year: Option<Column<i64>>,
    sort_int: Option<Column<i64>>,
    sort_str: Option<StrColumn>,
    facets: Option<[OrdCounter; 4]>,
    years: HashMap<i64, u64>,
    matches: Vec<Match>,
}

impl Collector for MatchCollector {
    type Fruit = (Vec<Match>, Tally);
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let fast = reader.fast_fields();
        let sort_int = match &self.sort {
            SortSource::Int(name) => fast.column_opt::<i64>(name)?,
            _ => None,
        };
        let sort_str = match &self.sort {
            SortSource::Agency => fast.str(names::AGENCY)?,
            _ => None,
        };
        let facets = if self.facets {
            Some([
                OrdCounter::open(reader, names::LEVEL)?,
                OrdCounter::open(reader, names::PROVINCE)?,
                OrdCounter::open(reader, names::AGENCY)?,
                OrdCounter::open(reader, names::TEMPLATE)?,
            ])
        } else {
            None
        };
        Ok(SegmentMatches {
            segment,
            year: fast.column_opt::<i64>(names::YEAR)?,
            sort_int,
            sort_str,
            facets,
            years: HashMap::new(),
            matches: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Match>, Tally)>) -> tantivy::Result<Self::Fruit> {
        let mut all = Vec::with_capacity(fruits.iter().map(|(m, _)| m.len()).sum());
        let mut tally = Tally::default();
        for (matches, t) in fruits {
            all.extend(matches);
            tally.merge(t);
        }
        Ok((all, tally))
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (Vec<Match>, Tally);

    fn collect(&mut self, doc: DocId, score: Score) {
        let year = self.year.as_ref().and_then(|c| c.first(doc));
        let key = if let Some(column) = &self.sort_int {
            column.first(doc).map_or(SortValue::Absent, SortValue::Int)
        } else if let Some(column) = &self.sort_str {
            let mut text = String::new();
            match column.term_ords(doc).next() {
                Some(ord) if matches!(column.ord_to_str(ord, &mut text), Ok(true)) => {
                    SortValue::Str(text)
                }
                _ => SortValue::Absent,
            }
        } else {
            SortValue::Absent
        };
        if let Some(counters) = &mut self.facets {
            if let Some(y) = year {
                *self.years.entry(y).or_default() += 1;
            }
            for counter in counters.iter_mut() {
                counter.count(doc);
            }
        }
        self.matches.push(Match {
            addr: DocAddress::new(self.segment, doc),
            score,
            year,
            key,
        });
    }

    fn harvest(self) -> (Vec<Match>, Tally) {
        let mut tally = Tally {
            year: self.years,
            ..Default::default()
        };
        if let Some([level, province, agency, template]) = self.facets {
            tally.level = level.into_strings();
            tally.province = province.into_strings();
            tally.agency = agency.into_strings();
            tally.template = template.into_strings();
        }
        (self.matches, tally)
    }
}
