//! A term or phrase of the narrative found only within one section: its matches are the
//! reports where the words follow each other at positions inside the section's range
//! ([`crate::index::schema::section_positions`]), scored by BM25 over those occurrences.
//!
//! Sections are not fields of their own, so their words are indexed once; a search limited to
//! a section reads the narrative's postings with positions and keeps the occurrences in range.
//! Calls tantivy's postings, field norms and BM25 weight; knows nothing of queries' syntax.

use std::fmt;
use std::ops::Range;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Words at given offsets from each other (one word: a term) within a range of positions.
#[derive(Clone)]
pub(crate) struct InSection {
    /// `(offset from the first word, term)`, offsets ascending from 0, all of one field.
    terms: Vec<(u32, Term)>,
    positions: Range<u32>,
}

impl InSection {
    /// The words of `terms` (offsets relative to each other, all of one field) inside
    /// `positions`. Without terms it matches nothing.
    pub fn new(mut terms: Vec<(u32, Term)>, positions: Range<u32>) -> Self {
        terms.sort_by_key(|(offset, _)| *offset);
        let base = terms.first().map_or(0, |(offset, _)| *offset);
        for (offset, _) in &mut terms {
            *offset -= base;
        }
        InSection { terms, positions }
    }
}

impl fmt::Debug for InSection {
    // The kept-clause key of a leaf is its Debug text: it names every term, offset and the range.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InSection")
            .field("terms", &self.terms)
            .field("positions", &self.positions)
            .finish()
    }
}

impl Query for InSection {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let bm25 = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => {
                let terms: Vec<Term> = self.terms.iter().map(|(_, t)| t.clone()).collect();
                Some(Bm25Weight::for_terms(statistics_provider, &terms)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(InSectionWeight {
            query: self.clone(),
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term) in &self.terms {
            visitor(term, true);
        }
    }
}

struct InSectionWeight {
    query: InSection,
    /// `None` when scoring is off.
    bm25: Option<Bm25Weight>,
}

impl InSectionWeight {
    /// Every document of the segment with the words in range, and its score.
    fn matches(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Vec<(DocId, Score)>> {
        let terms = &self.query.terms;
        let Some((_, first)) = terms.first() else {
            return Ok(Vec::new());
        };
        let field = first.field();
        let inverted = reader.inverted_index(field)?;
        let mut postings: Vec<SegmentPostings> = Vec::with_capacity(terms.len());
        for (_, term) in terms {
            match inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(Vec::new()),
            }
        }
        let bm25 = self.bm25.as_ref().map(|w| w.boost_by(boost));
        let norms = match bm25 {
            Some(_) => Some(reader.get_fieldnorms_reader(field)?),
            None => None,
        };
        let offsets: Vec<u32> = terms.iter().map(|(offset, _)| *offset).collect();
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); terms.len()];
        let mut found = Vec::new();
        let mut target = postings[0].doc();
        'docs: while target != TERMINATED {
            // Leapfrog: every word's postings on the same document.
            for p in postings.iter_mut() {
                let doc = p.seek(target);
                if doc > target {
                    target = doc;
                    continue 'docs;
                }
            }
            for (p, out) in postings.iter_mut().zip(positions.iter_mut()) {
                p.positions(out);
            }
            let count = occurrences(&positions, &offsets, &self.query.positions);
            if count > 0 {
                let score = match (&bm25, &norms) {
                    (Some(bm25), Some(norms)) => bm25.score(norms.fieldnorm_id(target), count),
                    _ => 1.0,
                };
                found.push((target, score));
            }
            target = postings[0].advance();
        }
        Ok(found)
    }
}

/// How often the words (positions of each, ascending) follow each other at `offsets` with all
/// of them inside `range`.
fn occurrences(positions: &[Vec<u32>], offsets: &[u32], range: &Range<u32>) -> u32 {
    let (Some(first), Some(&last_offset)) = (positions.first(), offsets.last()) else {
        return 0;
    };
    let mut count = 0;
    for &start in first {
        if start < range.start {
            continue;
        }
        match start.checked_add(last_offset) {
            Some(end) if end < range.end => {}
            _ => break,
        }
        let all = positions
            .iter()
            .zip(offsets)
            .skip(1)
            .all(|(at, &offset)| at.binary_search(&(start + offset)).is_ok());
        count += u32::from(all);
    }
    count
}

impl Weight for InSectionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(FoundScorer {
            found: self.matches(reader, boost)?,
            at: 0,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let found = self.matches(reader, 1.0)?;
        match found.binary_search_by_key(&doc, |(d, _)| *d) {
            Ok(i) => Ok(Explanation::new(
                "words within the section's positions",
                found[i].1,
            )),
            Err(_) => Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match {:?}",
                self.query
            ))),
        }
    }
}

/// The documents a weight found, in order, with their scores.
struct FoundScorer {
    found: Vec<(DocId, Score)>,
    at: usize,
}

impl DocSet for FoundScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.found.len());
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.found.get(self.at).map_or(TERMINATED, |(doc, _)| *doc)
    }

    fn size_hint(&self) -> u32 {
        u32::try_from(self.found.len() - self.at).unwrap_or(u32::MAX)
    }
}

impl Scorer for FoundScorer {
    fn score(&mut self) -> Score {
        self.found.get(self.at).map_or(0.0, |(_, score)| *score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_count_only_phrases_wholly_in_range() {
        let range = 100..200;
        // One word: its positions in range.
        assert_eq!(occurrences(&[vec![5, 100, 150, 200]], &[0], &range), 2);
        // Two words at offsets 0 and 2: at 100/102 and 198/200 (the second leaves the range).
        let words = [vec![10, 100, 150, 198], vec![12, 102, 160, 200]];
        assert_eq!(occurrences(&words, &[0, 2], &range), 1);
        assert_eq!(occurrences(&words, &[0, 2], &(0..300)), 3);
        assert_eq!(occurrences(&[vec![], vec![1]], &[0, 1], &range), 0);
        assert_eq!(occurrences(&[], &[], &range), 0);
    }
}
