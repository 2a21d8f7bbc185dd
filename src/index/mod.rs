//! The Chinese full-text index of the reports (tantivy + jieba): one [`FullTextIndex`] per
//! process, written through an [`IndexWriterHandle`], searched with a [`SearchRequest`] into
//! [`SearchResults`].
//!
//! - `schema.rs` names every field and the filterable statistics ([`STAT_KEYS`]);
//!   `document.rs` turns a [`Record`] into a document.
//! - `tokenizer.rs` cuts text with one shared jieba and the domain dictionary
//!   (`data/userdict.txt`) into terms at compact positions.
//! - `query.rs` builds the query in code from the request (never QueryParser on user text);
//!   `collector.rs` gathers matches, sort keys and facet counts in one pass; `clauses.rs`
//!   runs searches of common words from the kept matches and scores of their clauses;
//!   `snippet.rs` makes the highlighted snippets.
//!
//! The index can always be rebuilt from the store: when its schema or dictionary version differs
//! from this build's, [`FullTextIndex::open`] answers [`IndexError::Stale`] and the caller
//! rebuilds it ([`FullTextIndex::recreate`], then every record again). Calls `record` only;
//! knows nothing of the store, the web or the CLI.

mod clauses;
mod collector;
mod document;
mod in_section;
mod query;
mod results;
mod schema;
mod snippet;
pub mod tokenizer;

pub use document::stat_value;
pub use query::{Condition, Op, SearchRequest, Sort};
pub use results::{FacetCount, Facets, Hit, SearchResults};
pub use schema::{SCHEMA_VERSION, STAT_KEYS};
pub use tokenizer::dictionary_version;

use crate::record::Record;
use clauses::KeptClauses;
#[cfg(test)]
use clauses::KEPT_BYTES;
use collector::{
    Collected, FacetDictionary, FacetField, Match, MatchCollector, SegmentFacetValues, SortSource,
    Tally,
};
use document::StoredReport;
use schema::Fields;
use serde::{Deserialize, Serialize};
use snippet::Snippets;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tantivy::index::SegmentId;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};
use tokenizer::{IndexTokenizer, TOKENIZER_NAME};

/// Stored reports of recent hits kept parsed ([`FullTextIndex::stored`]): a few KB each.
const KEPT_STORED_REPORTS: usize = 4096;

/// The kept stored reports, least recently used first out.
type KeptReports = lru::LruCache<(SegmentId, tantivy::DocId), Arc<StoredReport>>;

/// The file beside tantivy's that records which schema and dictionary built the index.
const VERSION_FILE: &str = "nianbao-index.json";

/// Writer memory over all threads (tantivy needs at least 15 MB per thread).
const WRITER_HEAP_BYTES: usize = 150_000_000;

/// Facet `agency` lists this many agencies.
const AGENCY_FACET_SIZE: usize = 20;

/// What can go wrong in the index.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A file or directory of the index could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// tantivy failed.
    #[error("{path}: index error: {source}")]
    Tantivy {
        /// The index directory.
        path: PathBuf,
        /// The cause.
        source: TantivyError,
    },
    /// The index was built with another schema or dictionary: rebuild it.
    #[error(
        "{path}: index was built with {found}, this build needs {expected}; rebuild it (nianbao reindex)"
    )]
    Stale {
        /// The index directory.
        path: PathBuf,
        /// The version found.
        found: String,
        /// The version this build writes.
        expected: String,
    },
    /// Another writer holds the index.
    #[error("{path}: another writer is open on this index; commit or drop it first")]
    WriterBusy {
        /// The index directory.
        path: PathBuf,
    },
    /// A stored document could not be read back.
    #[error("{path}: stored document {problem}; rebuild the index (nianbao reindex)")]
    Corrupt {
        /// The index directory.
        path: PathBuf,
        /// What was wrong.
        problem: String,
    },
    /// A statistic key that is not one of [`STAT_KEYS`].
    #[error("unknown statistic \"{key}\"; accepted: {}", STAT_KEYS.join(", "))]
    UnknownStatKey {
        /// The key as given.
        key: String,
    },
    /// A condition that does not parse.
    #[error(
        "condition \"{text}\": {problem}; expected <statistic><operator><integer> with an operator of < <= = != >= >, e.g. requests.new.total>=5"
    )]
    BadCondition {
        /// The condition as given.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A section number outside 1..=6.
    #[error("section {section}: expected a number from 1 to {max}")]
    BadSection {
        /// The number given.
        section: u8,
        /// The largest section number.
        max: u8,
    },
}

/// Which schema and dictionary an index was built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IndexVersion {
    schema: u32,
    dictionary: String,
}

impl IndexVersion {
    fn current() -> Self {
        IndexVersion {
            schema: schema::SCHEMA_VERSION,
            dictionary: tokenizer::dictionary_version(),
        }
    }
}

impl std::fmt::Display for IndexVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "schema {} and dictionary {}",
            self.schema, self.dictionary
        )
    }
}

/// The full-text index of one archive. Send + Sync: share one per process.
pub struct FullTextIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Facet values of each segment seen, read once: segments never change.
    segment_values: Mutex<HashMap<SegmentId, Arc<SegmentFacetValues>>>,
    /// The facet dictionary of the searcher generation searched last.
    dictionary: Mutex<Option<(u64, Arc<FacetDictionary>)>>,
    /// The clauses of recent searches of common words, evaluated.
    kept: KeptClauses,
    /// The stored reports of recent hits, parsed, by segment and document.
    stored_reports: Mutex<KeptReports>,
    /// Stored reports read from tantivy's store (tests see whether a hit was kept).
    #[cfg(test)]
    stored_reads: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for FullTextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FullTextIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl FullTextIndex {
    /// Open the index in `dir`, creating it when the directory holds none. An index built with
    /// another schema or dictionary gives [`IndexError::Stale`]: rebuild it.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema::build();
        let expected = IndexVersion::current();
        let version_path = dir.join(VERSION_FILE);
        let tv = |source| IndexError::Tantivy {
            path: dir.to_path_buf(),
            source,
        };
        let index = if dir.join("meta.json").exists() {
            let found = std::fs::read_to_string(&version_path)
                .ok()
                .and_then(|text| serde_json::from_str::<IndexVersion>(&text).ok());
            let stale = |found: String| IndexError::Stale {
                path: dir.to_path_buf(),
                found,
                expected: expected.to_string(),
            };
            match found {
                Some(found) if found == expected => {}
                Some(found) => return Err(stale(found.to_string())),
                None => return Err(stale(format!("no readable {VERSION_FILE}"))),
            }
            let index = Index::open_in_dir(dir).map_err(tv)?;
            if index.schema() != schema {
                return Err(stale("another field layout".into()));
            }
            index
        } else {
            let index = Index::create_in_dir(dir, schema).map_err(tv)?;
            let json = serde_json::to_string(&expected).expect("a version always serializes");
            std::fs::write(&version_path, json).map_err(|source| IndexError::Io {
                path: version_path.clone(),
                source,
            })?;
            index
        };
        index.tokenizers().register(TOKENIZER_NAME, IndexTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(tv)?;
        Ok(FullTextIndex {
            path: dir.to_path_buf(),
            index,
            reader,
            fields,
            segment_values: Mutex::new(HashMap::new()),
            dictionary: Mutex::new(None),
            kept: KeptClauses::new(),
            stored_reports: Mutex::new(KeptReports::new(
                std::num::NonZeroUsize::new(KEPT_STORED_REPORTS).expect("not zero"),
            )),
            #[cfg(test)]
            stored_reads: Default::default(),
        })
    }

    /// The same index with other limits on kept clauses (tests run every plan both ways).
    #[cfg(test)]
    fn with_kept_clauses(mut self, kept: KeptClauses) -> Self {
        self.kept = kept;
        self
    }

    /// Delete the index in `dir` (only if `dir` holds an index or nothing) and open a new,
    /// empty one: the way out of [`IndexError::Stale`].
    pub fn recreate(dir: &Path) -> Result<Self, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        if dir.exists() {
            let is_index = dir.join("meta.json").exists() || dir.join(VERSION_FILE).exists();
            let is_empty = std::fs::read_dir(dir).map_err(io)?.next().is_none();
            if is_index {
                std::fs::remove_dir_all(dir).map_err(io)?;
            } else if !is_empty {
                return Err(io(std::io::Error::other(
                    "not an index directory and not empty; refusing to delete it",
                )));
            }
        }
        Self::open(dir)
    }

    fn tantivy_error(&self, source: TantivyError) -> IndexError {
        match source {
            TantivyError::LockFailure(..) => IndexError::WriterBusy {
                path: self.path.clone(),
            },
            source => IndexError::Tantivy {
                path: self.path.clone(),
                source,
            },
        }
    }

    /// The index document of a record, built apart from a writer so that any thread can do
    /// it (the import builds it on the thread that parsed the record).
    pub fn document(&self, record: &Record) -> IndexDocument {
        IndexDocument {
            id: record.id.clone(),
            doc: document::build(record, &self.fields),
        }
    }

    /// A writer: add (upsert), delete, commit. One at a time per index.
    pub fn writer(&self) -> Result<IndexWriterHandle, IndexError> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 2);
        let writer = self
            .index
            .writer_with_num_threads(threads, WRITER_HEAP_BYTES)
            .map_err(|e| self.tantivy_error(e))?;
        Ok(IndexWriterHandle {
            path: self.path.clone(),
            writer,
            reader: self.reader.clone(),
            fields: self.fields.clone(),
        })
    }

    /// Number of indexed reports.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// A number that changes whenever a commit changes what searches see: results computed
    /// at one generation hold until it changes.
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Run a search: total, the requested page of hits with snippets, and facets.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        let searcher = self.reader.searcher();
        let built = query::build(req, &self.fields)?;
        let keep = req.offset.saturating_add(req.limit);
        let collected = self.collect(&searcher, &built, req, keep, true)?;
        let sort = effective_sort(&req.sort, built.has_text);
        let page: Vec<&Match> = collected.matches.iter().skip(req.offset).collect();
        let mut hits = Vec::with_capacity(page.len());
        if !page.is_empty() {
            let snippets = Snippets::new(
                &searcher,
                built.text_query.as_deref(),
                self.fields.narrative,
            )
            .map_err(|e| self.tantivy_error(e))?;
            for m in page {
                let stored = self.stored(&searcher, m)?;
                let stored = stored.as_ref();
                let (text, opening) = match req.section {
                    Some(n) => (stored.section(n).to_string(), stored.section(n)),
                    None => (stored.narrative(), stored.opening()),
                };
                let opening = if opening.is_empty() {
                    stored.opening()
                } else {
                    opening
                };
                let snippet = snippets.html(&text, opening);
                hits.push(Hit {
                    snippet,
                    score: if sort == Sort::Relevance {
                        m.score
                    } else {
                        0.0
                    },
                    id: stored.id.clone(),
                    agency: stored.agency.clone(),
                    year: stored.year,
                    title: stored.title.clone(),
                    level: stored.level,
                    kind: stored.kind,
                    template: stored.template,
                    region: stored.region.clone(),
                    figures: stored.figures.clone(),
                    failed_checks: stored.failed_checks,
                    demo: stored.demo,
                });
            }
        }
        Ok(SearchResults {
            total: collected.total,
            hits,
            facets: facets(collected.tally),
        })
    }

    /// Run the built query: the total, the best `keep` matches in order and, with `facets`,
    /// the facet tally.
    fn collect(
        &self,
        searcher: &Searcher,
        built: &query::BuiltQuery,
        req: &SearchRequest,
        keep: usize,
        facets: bool,
    ) -> Result<Collected, IndexError> {
        let sort = effective_sort(&req.sort, built.has_text);
        let (segments, dictionary) = self.facet_values(searcher)?;
        let collector = MatchCollector {
            source: sort_source(&sort)?,
            sort,
            keep,
            facets,
            segments,
            dictionary,
            counts: Default::default(),
        };
        if let Some(collected) = self
            .kept
            .search(searcher, &built.plan, &collector)
            .map_err(|e| self.tantivy_error(e))?
        {
            return Ok(collected);
        }
        searcher
            .search(&*built.plan.to_query(), &collector)
            .map_err(|e| self.tantivy_error(e))
    }

    /// The facet values of every segment of `searcher`, by segment ordinal (read for the
    /// segments not seen before; segments that merges removed are forgotten), and their
    /// dictionary (built once per searcher generation).
    fn facet_values(
        &self,
        searcher: &Searcher,
    ) -> Result<(Vec<Arc<SegmentFacetValues>>, Arc<FacetDictionary>), IndexError> {
        let readers = searcher.segment_readers();
        let segments = {
            let mut cache = self
                .segment_values
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut segments = Vec::with_capacity(readers.len());
            for reader in readers {
                let values = match cache.get(&reader.segment_id()) {
                    Some(values) => values.clone(),
                    None => {
                        let values = Arc::new(
                            SegmentFacetValues::read(reader).map_err(|e| self.tantivy_error(e))?,
                        );
                        cache.insert(reader.segment_id(), values.clone());
                        values
                    }
                };
                segments.push(values);
            }
            if cache.len() > readers.len() {
                let live: HashSet<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
                cache.retain(|id, _| live.contains(id));
            }
            segments
        };
        let generation = searcher.generation().generation_id();
        let mut kept = self
            .dictionary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let dictionary = match &*kept {
            Some((built_for, dictionary)) if *built_for == generation => dictionary.clone(),
            _ => {
                let dictionary = Arc::new(FacetDictionary::build(&segments));
                *kept = Some((generation, dictionary.clone()));
                dictionary
            }
        };
        Ok((segments, dictionary))
    }

    /// The ids of every match, in the request's order, ignoring offset and limit (for
    /// streaming exports).
    pub fn matching_ids(&self, req: &SearchRequest) -> Result<Vec<String>, IndexError> {
        let searcher = self.reader.searcher();
        let built = query::build(req, &self.fields)?;
        let matches = self
            .collect(&searcher, &built, req, usize::MAX, false)?
            .matches;
        let mut columns = HashMap::new();
        let mut ids = Vec::with_capacity(matches.len());
        for m in &matches {
            let segment = m.addr.segment_ord;
            if let std::collections::hash_map::Entry::Vacant(slot) = columns.entry(segment) {
                let column = searcher
                    .segment_reader(segment)
                    .fast_fields()
                    .str(schema::names::ID)
                    .map_err(|e| self.tantivy_error(e))?;
                slot.insert(column);
            }
            if let Some(Some(column)) = columns.get(&segment) {
                if let Some(id) = str_at(column, m.addr.doc_id) {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }

    /// Every indexed id (to verify the index against the store).
    pub fn ids(&self) -> Result<HashSet<String>, IndexError> {
        let searcher = self.reader.searcher();
        let mut ids = HashSet::new();
        for segment in searcher.segment_readers() {
            let column = segment
                .fast_fields()
                .str(schema::names::ID)
                .map_err(|e| self.tantivy_error(e))?;
            let Some(column) = column else { continue };
            for doc in segment.doc_ids_alive() {
                if let Some(id) = str_at(&column, doc) {
                    ids.insert(id);
                }
            }
        }
        Ok(ids)
    }

    /// Agencies for suggestions with their report counts: names starting with `prefix` first,
    /// then names containing it, each by count; at most `limit`.
    pub fn agencies(&self, prefix: &str, limit: usize) -> Vec<(String, u64)> {
        let searcher = self.reader.searcher();
        let Ok((segments, dictionary)) = self.facet_values(&searcher) else {
            return Vec::new();
        };
        let collector = MatchCollector {
            sort: Sort::YearDesc,
            source: SortSource::None,
            keep: 0,
            facets: true,
            segments,
            dictionary,
            counts: Default::default(),
        };
        let Ok(Collected { tally, .. }) = searcher.search(&AllQuery, &collector) else {
            return Vec::new();
        };
        let prefix = prefix.trim();
        let mut found: Vec<(bool, &Arc<str>, u64)> = tally
            .values(FacetField::Agency)
            .filter(|(name, _)| name.contains(prefix))
            .map(|(name, count)| (!name.starts_with(prefix), name, count))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(b.1)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, name, count)| (name.to_string(), count))
            .collect()
    }

    /// The stored part of a matching document, kept for the next searches. A hit otherwise
    /// decompresses its 16 KB block of tantivy's store and parses its JSON, an eighth of a
    /// search of common words; and the reports that rank high for common words come back
    /// search after search. Segments never change, so a kept report stays true; one of a
    /// segment merged away is never asked for again and ages out.
    fn stored(&self, searcher: &Searcher, m: &Match) -> Result<Arc<StoredReport>, IndexError> {
        let key = (
            searcher.segment_reader(m.addr.segment_ord).segment_id(),
            m.addr.doc_id,
        );
        if let Some(report) = self.kept_reports().get(&key) {
            return Ok(report.clone());
        }
        #[cfg(test)]
        self.stored_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let doc: TantivyDocument = searcher.doc(m.addr).map_err(|e| self.tantivy_error(e))?;
        let corrupt = |problem: String| IndexError::Corrupt {
            path: self.path.clone(),
            problem,
        };
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| corrupt(format!("{:?} has no stored report", m.addr)))?;
        let report: Arc<StoredReport> = Arc::new(
            serde_json::from_str(json).map_err(|e| corrupt(format!("{:?}: {e}", m.addr)))?,
        );
        self.kept_reports().put(key, report.clone());
        Ok(report)
    }

    /// The kept stored reports, whatever a panicking holder left (each entry is whole).
    fn kept_reports(&self) -> std::sync::MutexGuard<'_, KeptReports> {
        self.stored_reports
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The string of a str fast column for a document.
fn str_at(column: &tantivy::columnar::StrColumn, doc: tantivy::DocId) -> Option<String> {
    let ord = column.term_ords(doc).next()?;
    let mut text = String::new();
    matches!(column.ord_to_str(ord, &mut text), Ok(true)).then_some(text)
}

/// Relevance means nothing without words: then newest first.
fn effective_sort(sort: &Sort, has_text: bool) -> Sort {
    match sort {
        Sort::Relevance if !has_text => Sort::YearDesc,
        other => other.clone(),
    }
}

fn sort_source(sort: &Sort) -> Result<SortSource, IndexError> {
    Ok(match sort {
        Sort::Stat { key, .. } => {
            if !STAT_KEYS.contains(&key.as_str()) {
                return Err(IndexError::UnknownStatKey { key: key.clone() });
            }
            SortSource::Int(schema::stat_field_name(key))
        }
        Sort::Agency => SortSource::Agency,
        _ => SortSource::None,
    })
}

/// Facet lists from the tally: years newest first, the rest most frequent first.
fn facets(tally: Tally) -> Facets {
    let by_count = |field: FacetField, limit: usize| -> Vec<FacetCount> {
        tally
            .top(field, limit)
            .into_iter()
            .map(|(value, count)| FacetCount {
                value: value.to_string(),
                count,
            })
            .collect()
    };
    let mut years: Vec<(i64, u64)> = tally.year.iter().map(|(&y, &c)| (y, c)).collect();
    years.sort_by_key(|&(year, _)| std::cmp::Reverse(year));
    Facets {
        year: years
            .into_iter()
            .map(|(year, count)| FacetCount {
                value: year.to_string(),
                count,
            })
            .collect(),
        level: by_count(FacetField::Level, usize::MAX),
        province: by_count(FacetField::Province, usize::MAX),
        agency: by_count(FacetField::Agency, AGENCY_FACET_SIZE),
        template: by_count(FacetField::Template, usize::MAX),
    }
}

/// The index document of one record ([`FullTextIndex::document`]), for
/// [`IndexWriterHandle::add_document`].
pub struct IndexDocument {
    id: String,
    doc: TantivyDocument,
}

/// Adds, replaces and deletes reports; nothing is visible to searches until [`commit`].
/// Dropping the handle without committing discards the changes.
///
/// [`commit`]: IndexWriterHandle::commit
pub struct IndexWriterHandle {
    path: PathBuf,
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
}

impl IndexWriterHandle {
    fn tantivy_error(&self, source: TantivyError) -> IndexError {
        IndexError::Tantivy {
            path: self.path.clone(),
            source,
        }
    }

    /// Add a record, replacing any document with the same id (upsert).
    pub fn add(&mut self, record: &Record) -> Result<(), IndexError> {
        self.add_document(IndexDocument {
            id: record.id.clone(),
            doc: document::build(record, &self.fields),
        })
    }

    /// Add (upsert) a document built by [`FullTextIndex::document`].
    pub fn add_document(&mut self, document: IndexDocument) -> Result<(), IndexError> {
        self.delete(&document.id);
        self.writer
            .add_document(document.doc)
            .map_err(|e| self.tantivy_error(e))?;
        Ok(())
    }

    /// Delete the document of a record id (no error when there is none).
    pub fn delete(&mut self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Delete every document: a rebuild starts here.
    pub fn delete_all(&mut self) -> Result<(), IndexError> {
        self.writer
            .delete_all_documents()
            .map_err(|e| self.tantivy_error(e))?;
        Ok(())
    }

    /// Make every change so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit().map_err(|e| self.tantivy_error(e))?;
        self.reader.reload().map_err(|e| self.tantivy_error(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Applicants, Check, Level, Region, Requests, Section, Template};

    /// A record with section 一 holding `text`.
    fn report(id: &str, year: i32, text: &str) -> Record {
        Record {
            id: id.into(),
            agency: Some(format!("测试{id}局")),
            year: Some(year),
            template: Template::T2021,
            level: Level::County,
            sections: vec![Section {
                number: "一".into(),
                heading: "总体情况".into(),
                text: text.into(),
            }],
            ..Default::default()
        }
    }

    fn with_new_requests(mut record: Record, total: i64) -> Record {
        record.requests = Some(Requests {
            new: Some(Applicants {
                total: Some(total),
                ..Default::default()
            }),
            ..Default::default()
        });
        record
    }

    fn index_of(records: &[Record]) -> (tempfile::TempDir, FullTextIndex) {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = FullTextIndex::open(dir.path()).expect("open");
        let mut writer = index.writer().expect("writer");
        for record in records {
            writer.add(record).expect("add");
        }
        writer.commit().expect("commit");
        (dir, index)
    }

    fn query(q: &str) -> SearchRequest {
        SearchRequest {
            q: q.into(),
            ..Default::default()
        }
    }

    fn ids(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.id.as_str()).collect()
    }

    fn search(index: &FullTextIndex, req: &SearchRequest) -> SearchResults {
        index.search(req).expect("search")
    }

    fn sorted(mut v: Vec<&str>) -> Vec<&str> {
        v.sort();
        v
    }

    /// A facet list as (value, count) pairs.
    fn pairs(list: &[FacetCount]) -> Vec<(String, u64)> {
        list.iter().map(|c| (c.value.clone(), c.count)).collect()
    }

    #[test]
    fn compound_word_finds_every_spelling_and_ranks_phrases_first() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "本年度共办理建议提案9件，均按期办结。"),
            report("b", 2023, "本年度共办理建议、提案9件，均按期办结。"),
            report("c", 2023, "本年度共办理人大代表建议和政协委员提案9件。"),
            report("d", 2023, "本年度主动公开政府信息600条。"),
        ]);
        let results = search(&index, &query("建议提案"));
        assert_eq!(results.total, 3, "{:?}", ids(&results));
        let order = ids(&results);
        assert_eq!(order.last(), Some(&"c"), "{order:?}");
        assert!(!order.contains(&"d"));
        let a = &results.hits[order.iter().position(|id| *id == "a").unwrap_or(0)];
        assert!(a.snippet.contains("<b>建议提案</b>"), "{}", a.snippet);

        let phrase = search(&index, &query("\"建议提案\""));
        assert_eq!(ids(&phrase), vec!["a", "b"]);
        let b = &phrase.hits[1];
        assert!(b.snippet.contains("<b>建议、提案</b>"), "{}", b.snippet);
        let split = search(&index, &query("人大代表建议和政协委员提案"));
        assert_eq!(ids(&split), vec!["c"]);
    }

    #[test]
    fn words_inside_longer_words_and_sentences_bound_phrases() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "依据中华人民共和国政府信息公开条例开展工作。"),
            report("b", 2023, "我们认真办理建议。提案工作另行报告。"),
            report("c", 2023, "区工信局认真落实政务公开要求。"),
        ]);
        assert_eq!(ids(&search(&index, &query("人民共和国"))), vec!["a"]);
        assert_eq!(
            ids(&search(&index, &query("\"建议提案\""))),
            Vec::<&str>::new()
        );
        assert_eq!(ids(&search(&index, &query("建议 提案"))), vec!["b"]);
        assert_eq!(ids(&search(&index, &query("区工信局"))), vec!["c"]);
        assert_eq!(ids(&search(&index, &query("\"区工信局\""))), vec!["c"]);
    }

    #[test]
    fn exclusion_and_or() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "本年度收到行政复议申请1件。"),
            report("b", 2023, "本年度发生行政诉讼案件1件。"),
            report("c", 2023, "本年度行政复议和行政诉讼均为零。"),
        ]);
        let excluded = search(&index, &query("行政复议 -行政诉讼"));
        assert_eq!(ids(&excluded), vec!["a"]);
        let either = search(&index, &query("行政复议 OR 行政诉讼"));
        assert_eq!(sorted(ids(&either)), vec!["a", "b", "c"]);
        let only_exclusion = search(&index, &query("-行政复议"));
        assert_eq!(ids(&only_exclusion), vec!["b"]);
    }

    #[test]
    fn filters_year_statistic_failed_checks_section_region() {
        let mut a = with_new_requests(report("a", 2022, "收到申请。"), 3);
        a.region = Region {
            province: Some("山东省".into()),
            city: Some("淄博市".into()),
            county: Some("高青县".into()),
            code: None,
        };
        let mut b = with_new_requests(report("b", 2023, "收到申请。"), 0);
        b.checks.push(Check {
            rule: 1,
            passed: false,
            ..Default::default()
        });
        b.region.province = Some("河北省".into());
        let mut c = report("c", 2024, "没有表格。");
        c.sections.push(Section {
            number: "五".into(),
            heading: "存在的主要问题及改进情况".into(),
            text: "网站栏目更新不及时。".into(),
        });
        let (_dir, index) = index_of(&[a, b, c]);

        let year = |from, to| SearchRequest {
            year_from: from,
            year_to: to,
            ..Default::default()
        };
        assert_eq!(
            ids(&search(&index, &year(Some(2023), Some(2023)))),
            vec!["b"]
        );
        assert_eq!(
            ids(&search(&index, &year(Some(2023), None))),
            vec!["c", "b"]
        );
        assert_eq!(ids(&search(&index, &year(None, Some(2022)))), vec!["a"]);

        let condition = |text: &str| SearchRequest {
            conditions: vec![text.parse().expect("condition")],
            ..Default::default()
        };
        assert_eq!(
            ids(&search(&index, &condition("requests.new.total>=1"))),
            vec!["a"]
        );
        // A report without the table never matches, not even >= 0.
        let at_least_zero = search(&index, &condition("requests.new.total>=0"));
        assert_eq!(ids(&at_least_zero), vec!["b", "a"]);
        assert_eq!(
            ids(&search(&index, &condition("requests.new.total!=3"))),
            vec!["b"]
        );

        let failed = SearchRequest {
            failed_checks: true,
            ..Default::default()
        };
        let failed = search(&index, &failed);
        assert_eq!(ids(&failed), vec!["b"]);
        assert!(failed.hits[0].failed_checks);

        let in_section = |n| SearchRequest {
            q: "网站".into(),
            section: Some(n),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &in_section(5))), vec!["c"]);
        assert_eq!(search(&index, &in_section(1)).total, 0);
        assert!(matches!(
            index.search(&in_section(7)),
            Err(IndexError::BadSection { section: 7, .. })
        ));

        let region = |r: &str| SearchRequest {
            region: Some(r.into()),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &region("淄博市"))), vec!["a"]);
        assert_eq!(ids(&search(&index, &region("高青县"))), vec!["a"]);
        assert_eq!(ids(&search(&index, &region("/山东省/淄博市"))), vec!["a"]);
        assert_eq!(search(&index, &region("北京市")).total, 0);
    }

    #[test]
    fn facets_count_all_matches_and_limit_zero_counts_only() {
        let mut records = vec![
            report("a", 2022, "政务公开。"),
            report("b", 2023, "政务公开。"),
            report("c", 2023, "政务公开。"),
        ];
        records[0].region.province = Some("山东省".into());
        records[1].region.province = Some("山东省".into());
        records[2].template = Template::T2019;
        records[2].agency = records[1].agency.clone();
        let (_dir, index) = index_of(&records);
        let req = SearchRequest {
            q: "政务公开".into(),
            limit: 0,
            ..Default::default()
        };
        let results = search(&index, &req);
        assert_eq!(results.total, 3);
        assert!(results.hits.is_empty());
        let f = &results.facets;
        assert_eq!(pairs(&f.year), vec![("2023".into(), 2), ("2022".into(), 1)]);
        assert_eq!(pairs(&f.province), vec![("山东省".into(), 2)]);
        assert_eq!(pairs(&f.level), vec![("county".into(), 3)]);
        assert_eq!(
            pairs(&f.template),
            vec![("2021".into(), 2), ("2019".into(), 1)]
        );
        assert_eq!(f.agency.first().map(|c| c.count), Some(2));
    }

    #[test]
    fn a_report_without_year_or_province_is_counted_but_has_no_facet_value() {
        let mut records = vec![
            report("a", 2022, "政务公开。"),
            report("b", 2023, "政务公开。"),
            report("c", 2023, "政务公开。"),
        ];
        records[0].year = None;
        records[1].region.province = Some("山东省".into());
        let (_dir, index) = index_of(&records);
        let results = search(&index, &query("政务公开"));
        assert_eq!(results.total, 3);
        let f = &results.facets;
        assert_eq!(pairs(&f.year), vec![("2023".into(), 2)]);
        assert_eq!(pairs(&f.province), vec![("山东省".into(), 1)]);
        assert_eq!(pairs(&f.level), vec![("county".into(), 3)]);
        // Without a year, it comes last when newest come first.
        let newest = search(
            &index,
            &SearchRequest {
                sort: Sort::YearDesc,
                ..query("政务公开")
            },
        );
        assert_eq!(ids(&newest).last(), Some(&"a"));
    }

    #[test]
    fn filters_select_without_changing_scores() {
        let mut records = vec![
            report("a", 2022, "政务公开工作，政务公开培训。"),
            report("b", 2023, "政务公开工作。"),
        ];
        // Year 2022 common, 2023 rare: scored, the year filter would favour b.
        records.extend((0..8).map(|i| report(&format!("f{i}"), 2022, "其他工作。")));
        let (_dir, index) = index_of(&records);
        let scores = |req: &SearchRequest| -> Vec<(String, f32)> {
            search(&index, req)
                .hits
                .iter()
                .map(|h| (h.id.clone(), h.score))
                .collect()
        };
        let plain = scores(&query("政务公开"));
        assert_eq!(plain.len(), 2);
        let filtered = scores(&SearchRequest {
            year_from: Some(2022),
            year_to: Some(2023),
            level: Some(Level::County),
            ..query("政务公开")
        });
        assert_eq!(filtered, plain);
    }

    #[test]
    fn agency_facet_ties_follow_the_names_across_segments() {
        let names: Vec<String> = (0..AGENCY_FACET_SIZE + 2)
            .map(|i| format!("测试{:02}局", AGENCY_FACET_SIZE + 1 - i))
            .collect();
        let with_agency = |i: usize| {
            let mut r = report(&format!("r{i}"), 2023, "政务公开。");
            r.agency = Some(names[i].clone());
            r
        };
        // The first segment holds the later names, the second the earlier ones.
        let (_dir, index) = index_of(&(0..12).map(with_agency).collect::<Vec<_>>());
        let mut writer = index.writer().expect("writer");
        for i in 12..names.len() {
            writer.add(&with_agency(i)).expect("add");
        }
        let mut again = with_agency(0);
        again.id = "again".into();
        writer.add(&again).expect("add");
        writer.commit().expect("commit");
        let results = search(&index, &query("政务公开"));
        let agencies = pairs(&results.facets.agency);
        let mut expected: Vec<(String, u64)> = vec![(names[0].clone(), 2)];
        let mut rest: Vec<String> = names[1..].to_vec();
        rest.sort();
        expected.extend(rest.into_iter().map(|n| (n, 1)));
        expected.truncate(AGENCY_FACET_SIZE);
        assert_eq!(agencies, expected);
    }

    #[test]
    fn facets_merge_the_values_of_every_segment() {
        let (_dir, index) = index_of(&[
            report("a", 2022, "政务公开。"),
            report("b", 2023, "政务公开。"),
        ]);
        // A second commit makes a second segment, whose ordinals differ from the first's.
        let mut writer = index.writer().expect("writer");
        let mut c = report("c", 2023, "政务公开。");
        c.agency = Some("测试b局".into());
        writer.add(&c).expect("add");
        writer.add(&report("d", 2024, "别的。")).expect("add");
        writer.commit().expect("commit");
        assert!(index.reader.searcher().segment_readers().len() >= 2);
        let results = search(&index, &query("政务公开"));
        let agencies = pairs(&results.facets.agency);
        assert_eq!(
            agencies,
            vec![("测试b局".to_string(), 2), ("测试a局".to_string(), 1)]
        );
        let years = pairs(&results.facets.year);
        assert_eq!(years, vec![("2023".into(), 2), ("2022".into(), 1)]);
        assert_eq!(index.agencies("测试", 10).len(), 3);
    }

    #[test]
    fn words_of_the_title_and_agency_are_found_and_year_ranges_are_inclusive() {
        let mut a = report("a", 2021, "正文。");
        a.title = Some("某某2021年度信息公开报告".into());
        let b = report("b", 2022, "正文。");
        let c = report("c", 2023, "正文。");
        let (_dir, index) = index_of(&[a, b, c]);
        assert_eq!(ids(&search(&index, &query("某某"))), vec!["a"]);
        // The agency name of b is 测试b局: its words are found too.
        assert_eq!(ids(&search(&index, &query("测试b局"))), vec!["b"]);
        let range = |from, to| SearchRequest {
            year_from: Some(from),
            year_to: Some(to),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &range(2021, 2022))), vec!["b", "a"]);
        assert_eq!(ids(&search(&index, &range(2022, 2040))), vec!["c", "b"]);
        assert_eq!(search(&index, &range(2023, 2021)).total, 0);
    }

    #[test]
    fn sort_by_statistic_puts_absent_last() {
        let (_dir, index) = index_of(&[
            with_new_requests(report("a", 2022, "申请。"), 5),
            report("b", 2024, "申请。"),
            with_new_requests(report("c", 2023, "申请。"), 9),
        ]);
        let by = |descending| SearchRequest {
            sort: Sort::Stat {
                key: "requests.new.total".into(),
                descending,
            },
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &by(true))), vec!["c", "a", "b"]);
        assert_eq!(ids(&search(&index, &by(false))), vec!["a", "c", "b"]);
        let hit = &search(&index, &by(true)).hits[0];
        assert_eq!(hit.figures.get("requests.new.total"), Some(&9));
        let year_asc = SearchRequest {
            sort: Sort::YearAsc,
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &year_asc)), vec!["a", "c", "b"]);
        assert_eq!(
            index.matching_ids(&by(true)).expect("ids"),
            vec!["c", "a", "b"]
        );
        let unknown = SearchRequest {
            sort: Sort::Stat {
                key: "requests.nope".into(),
                descending: true,
            },
            ..Default::default()
        };
        assert!(matches!(
            index.search(&unknown),
            Err(IndexError::UnknownStatKey { .. })
        ));
    }

    /// Every way a search can be put, over a corpus of two commits with a replaced report:
    /// the plans run from kept clauses (every plan, with room for all leaves and with room for
    /// none) give what tantivy gives: the same total, facets and matches with the same scores
    /// (to float rounding), and for sorts without scores the same order.
    #[test]
    fn kept_clauses_give_what_tantivy_gives() {
        let texts = [
            "本年度共办理建议提案9件，政务公开培训2次。",
            "办理人大代表建议和政协委员提案12件，依申请公开工作规范。",
            "建议、提案答复及时，组织政务公开培训。",
            "依申请公开申请5件，行政复议1件，工作人员培训。",
            "主动公开政府信息，政务新媒体更新及时，建议提案全部公开。",
            "行政复议和行政诉讼均为0件。政务公开工作人员参加培训。",
        ];
        let mut first = Vec::new();
        for i in 0..36 {
            let mut record = report(
                &format!("r{i:02}"),
                2020 + (i % 5) as i32,
                &format!("{}{}", texts[i % texts.len()], texts[(i / 3) % texts.len()]),
            );
            record.level = [Level::County, Level::City, Level::Province][i % 3];
            first.push(with_new_requests(record, (i % 7) as i64 * 3));
        }
        let (dir, index) = index_of(&first);
        let mut writer = index.writer().expect("writer");
        // A second segment, and a report replaced (deleted in the first).
        writer
            .add(&report("r00", 2024, "建议提案改为办理建议提案20件。"))
            .expect("add");
        for i in 36..48 {
            writer
                .add(&report(&format!("r{i:02}"), 2023, texts[i % texts.len()]))
                .expect("add");
        }
        writer.commit().expect("commit");
        drop(writer);

        let tantivy_only = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(u64::MAX, KEPT_BYTES));
        let kept_all = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(0, KEPT_BYTES));
        let kept_none = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(0, 1));

        let mut requests = Vec::new();
        for q in [
            "建议提案",
            "政务公开 培训",
            "\"依申请公开\"",
            "建议提案 -培训",
            "行政复议 OR 政务新媒体",
            "政务公开 工作人员 OR 建议提案",
            "依申请公开 申请",
            "-行政诉讼",
            "",
            "没有的词",
        ] {
            requests.push(query(q));
            let mut year = query(q);
            (year.year_from, year.year_to) = (Some(2022), Some(2023));
            requests.push(year);
            let mut filtered = query(q);
            filtered.level = Some(Level::City);
            filtered.conditions = vec!["requests.new.total>=6".parse().expect("condition")];
            requests.push(filtered);
            let mut section = query(q);
            section.section = Some(1);
            requests.push(section);
            let mut newest = query(q);
            newest.sort = Sort::YearDesc;
            requests.push(newest);
            let mut by_stat = query(q);
            by_stat.sort = Sort::Stat {
                key: "requests.new.total".into(),
                descending: true,
            };
            requests.push(by_stat);
        }
        let matches = |results: &SearchResults| -> Vec<(String, String)> {
            let mut all: Vec<(String, String)> = results
                .hits
                .iter()
                .map(|h| (h.id.clone(), format!("{:.4}", h.score)))
                .collect();
            all.sort();
            all
        };
        let mut kept_searches = 0;
        for mut req in requests {
            req.limit = 100;
            let expected = search(&tantivy_only, &req);
            for index in [&kept_all, &kept_none] {
                let got = search(index, &req);
                assert_eq!(got.total, expected.total, "{req:?}");
                assert_eq!(got.facets, expected.facets, "{req:?}");
                assert_eq!(matches(&got), matches(&expected), "{req:?}");
                if req.sort == Sort::Relevance && !req.q.is_empty() {
                    assert!(got.hits.windows(2).all(|w| w[0].score >= w[1].score));
                } else {
                    assert_eq!(ids(&got), ids(&expected), "{req:?}");
                }
            }
            kept_searches += usize::from(expected.total > 0);
            // A short page: later segments reject what earlier ones already beat.
            req.offset = 1;
            req.limit = 2;
            let expected = search(&tantivy_only, &req);
            for index in [&kept_all, &kept_none] {
                let got = search(index, &req);
                if req.sort == Sort::Relevance && !req.q.is_empty() {
                    let scores = |r: &SearchResults| -> Vec<String> {
                        r.hits.iter().map(|h| format!("{:.4}", h.score)).collect()
                    };
                    assert_eq!(scores(&got), scores(&expected), "{req:?}");
                } else {
                    assert_eq!(ids(&got), ids(&expected), "{req:?}");
                }
            }
        }
        assert!(kept_searches > 30, "most requests match something");
        // The replaced report is found once, in its new version.
        let replaced = search(&kept_all, &query("改为"));
        assert_eq!(ids(&replaced), vec!["r00"]);
    }

    #[test]
    fn words_below_the_page_are_counted_without_scores_and_change_nothing() {
        // 1,000 reports (16 words of 64) of one length, in runs of 100 and 150 whose words
        // recur 1 to 8 times: some words of 64 score less than others.
        let records: Vec<Record> = (0..1000)
            .map(|i| {
                let (training, proposals) = (1 + (i / 100) % 8, 1 + (i / 150) % 5);
                let text = format!(
                    "{}{}{}",
                    "政务公开培训。".repeat(training),
                    "建议提案办理。".repeat(proposals),
                    "本机关认真做好信息公开工作。".repeat(14 - training - proposals)
                );
                report(&format!("r{i:03}"), 2019 + (i % 6) as i32, &text)
            })
            .collect();
        let (dir, tantivy_only) = index_of(&records);
        let tantivy_only =
            tantivy_only.with_kept_clauses(KeptClauses::with_limits(u64::MAX, KEPT_BYTES));
        let kept = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(0, KEPT_BYTES));
        for q in [
            "政务公开 培训",
            "建议提案",
            "培训 OR 建议提案",
            "政务公开 -建议提案",
        ] {
            for (offset, limit) in [
                (0, 1),
                (0, 5),
                (3, 4),
                (0, 20),
                (0, 150),
                (100, 200),
                (0, 1000),
            ] {
                let mut req = query(q);
                (req.offset, req.limit) = (offset, limit);
                let (expected, got) = (search(&tantivy_only, &req), search(&kept, &req));
                assert_eq!(got.total, expected.total, "{req:?}");
                assert_eq!(got.facets, expected.facets, "{req:?}");
                let scores = |r: &SearchResults| -> Vec<String> {
                    r.hits.iter().map(|h| format!("{:.4}", h.score)).collect()
                };
                assert_eq!(scores(&got), scores(&expected), "{req:?}");
            }
        }
        let counted = kept.kept.words_only_counted();
        assert!(
            counted > 20,
            "short pages leave most words unscored: {counted}"
        );
    }

    #[test]
    fn plans_whose_leaves_could_not_stay_kept_go_to_tantivy() {
        let records = [
            report("a", 2023, "政务公开培训。"),
            report("b", 2023, "政务公开。"),
        ];
        let (dir, roomy) = index_of(&records);
        let roomy = roomy.with_kept_clauses(KeptClauses::with_limits(1, KEPT_BYTES));
        let cramped = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(1, 64));
        let req = query("政务公开 培训");
        assert_eq!(ids(&search(&roomy, &req)), vec!["a"]);
        assert!(roomy.kept.kept_bytes() > 0);
        // Five leaves and the clauses of 政务公开 as one: 6 × 9 bytes, more than half of 64.
        assert_eq!(ids(&search(&cramped, &req)), vec!["a"]);
        assert_eq!(cramped.kept.kept_bytes(), 0);
    }

    #[test]
    fn a_search_in_a_section_finds_words_and_phrases_only_there() {
        let section = |number: &str, heading: &str, text: &str| Section {
            number: number.into(),
            heading: heading.into(),
            text: text.into(),
        };
        // a: the phrase 政务公开 in 一, its words apart in 三 (printed before 二).
        let mut a = report("a", 2023, "加强政务公开工作。");
        a.sections
            .push(section("三", "依申请公开情况", "政务服务平台，公开目录。"));
        a.sections.push(section("二", "主动公开情况", "培训两次。"));
        // b: 公开 ends section 一 and 培训 opens 二: no phrase across sections.
        let mut b = report("b", 2023, "做好公开");
        b.sections.push(section("二", "", "培训人员。"));
        // c: the words only in an unnumbered section and the title.
        let mut c = report("c", 2023, "其他。");
        c.sections[0].number = String::new();
        c.title = Some("政务公开培训报告".into());
        let (dir, index) = index_of(&[a, b, c]);
        let tantivy_only = index.with_kept_clauses(KeptClauses::with_limits(u64::MAX, KEPT_BYTES));
        let kept = FullTextIndex::open(dir.path())
            .expect("open")
            .with_kept_clauses(KeptClauses::with_limits(0, KEPT_BYTES));
        let found = |q: &str, n: Option<u8>| {
            let req = SearchRequest {
                q: q.into(),
                section: n,
                ..SearchRequest::default()
            };
            let owned = |r: &SearchResults| -> Vec<String> {
                let mut ids: Vec<String> = r.hits.iter().map(|h| h.id.clone()).collect();
                ids.sort();
                ids
            };
            let got = owned(&search(&tantivy_only, &req));
            assert_eq!(owned(&search(&kept, &req)), got, "{q} in {n:?}");
            got
        };
        assert_eq!(found("政务公开", None), vec!["a", "c"]);
        assert_eq!(found("政务公开", Some(1)), vec!["a"]);
        assert!(found("\"政务 公开\"", Some(3)).is_empty());
        assert_eq!(found("政务 公开", Some(3)), vec!["a"]);
        assert_eq!(found("培训", Some(2)), vec!["a", "b"]);
        assert!(found("培训", Some(1)).is_empty());
        // A heading is part of its section.
        assert_eq!(found("依申请公开", Some(3)), vec!["a"]);
        assert_eq!(found("\"公开培训\"", None), vec!["c"]);
        assert!(found("\"公开培训\"", Some(1)).is_empty());
        assert!(found("\"公开培训\"", Some(2)).is_empty());
        // A word's score counts its occurrences in the section only.
        let in_three = SearchRequest {
            q: "公开".into(),
            section: Some(3),
            ..SearchRequest::default()
        };
        let hits = search(&tantivy_only, &in_three);
        assert_eq!(ids(&hits), vec!["a"]);
        assert!(hits.hits[0].score > 0.0);
    }

    #[test]
    fn a_plan_whose_leaves_are_all_kept_is_answered_from_them_even_when_it_matches_little() {
        // 培训 is in every report, in section 一 only: limited to section 二 it matches none.
        let records: Vec<Record> = (0..40)
            .map(|i| report(&format!("r{i:02}"), 2023, "政务公开培训。"))
            .collect();
        let (_dir, index) = index_of(&records);
        let in_two = SearchRequest {
            q: "培训".into(),
            section: Some(2),
            ..SearchRequest::default()
        };
        assert_eq!(search(&index, &in_two).total, 0);
        assert_eq!(
            index.kept.searches(),
            1,
            "its word is common: kept on first use"
        );
        // Its leaf is kept, with no match: tantivy would read the word's positions again.
        assert_eq!(search(&index, &in_two).total, 0);
        assert_eq!(index.kept.searches(), 2);
    }

    #[test]
    fn the_stored_reports_of_hits_are_kept_and_a_replaced_report_is_read_anew() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "政务公开培训。"),
            report("b", 2023, "培训。"),
        ]);
        let reads = || {
            index
                .stored_reads
                .load(std::sync::atomic::Ordering::Relaxed)
        };
        let first = search(&index, &query("培训"));
        assert_eq!(sorted(ids(&first)), vec!["a", "b"]);
        assert_eq!(reads(), 2);
        let again = search(&index, &query("培训"));
        assert_eq!(reads(), 2, "both hits kept");
        assert_eq!(
            again.hits.iter().map(|h| &h.snippet).collect::<Vec<_>>(),
            first.hits.iter().map(|h| &h.snippet).collect::<Vec<_>>()
        );
        // A new version of a is a new document: its hit is read from the store, not the kept one.
        let mut writer = index.writer().expect("writer");
        let mut replaced = report("a", 2023, "培训新的文字。");
        replaced.agency = Some("改名局".into());
        writer.add(&replaced).expect("add");
        writer.commit().expect("commit");
        let after = search(&index, &query("培训"));
        let a = after.hits.iter().find(|h| h.id == "a").expect("a is a hit");
        assert_eq!(a.agency.as_deref(), Some("改名局"));
        assert!(a.snippet.contains("新的文字"), "{}", a.snippet);
        assert_eq!(reads(), 3);
    }

    #[test]
    fn the_clauses_of_a_word_are_kept_as_one_leaf_and_shared_by_searches() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "政务公开培训，监督。"),
            report("b", 2023, "政务、公开，监督。"),
            report("c", 2023, "培训。"),
        ]);
        let index = index.with_kept_clauses(KeptClauses::with_limits(0, KEPT_BYTES));
        let first = search(&index, &query("政务公开 培训"));
        assert_eq!(ids(&first), vec!["a"]);
        // 政务公开: its two parts, the printed term and the term across punctuation.
        let keys = index.kept.kept_clause_keys();
        assert_eq!(keys.len(), 1, "{keys:?}");
        assert_eq!(keys[0].matches("TermQuery").count(), 4, "{keys:?}");
        // Another search of the word reads the same leaf: the printed word ranks first.
        let second = search(&index, &query("政务公开 监督"));
        assert_eq!(ids(&second), vec!["a", "b"]);
        assert!(second.hits[0].score > second.hits[1].score);
        assert_eq!(index.kept.kept_clause_keys(), keys);
    }

    #[test]
    fn kept_clauses_are_dropped_when_the_index_changes() {
        let (_dir, index) = index_of(&[
            report("a", 2023, "政务公开培训。"),
            report("b", 2023, "政务公开。"),
        ]);
        let index = index.with_kept_clauses(KeptClauses::with_limits(0, KEPT_BYTES));
        assert_eq!(search(&index, &query("政务公开 培训")).total, 1);
        let mut writer = index.writer().expect("writer");
        writer
            .add(&report("c", 2024, "政务公开培训，培训两次。"))
            .expect("add");
        writer.commit().expect("commit");
        let results = search(&index, &query("政务公开 培训"));
        assert_eq!(results.total, 2);
        assert_eq!(sorted(ids(&results)), vec!["a", "c"]);
        writer.delete("a");
        writer.commit().expect("commit");
        assert_eq!(ids(&search(&index, &query("政务公开 培训"))), vec!["c"]);
    }

    #[test]
    fn adding_the_same_id_twice_replaces_it() {
        let (dir, index) =
            index_of(&[report("a", 2022, "旧的文字。"), report("b", 2022, "别的。")]);
        let mut writer = index.writer().expect("writer");
        writer.add(&report("a", 2023, "新的文字。")).expect("add");
        writer.commit().expect("commit");
        assert_eq!(index.num_docs(), 2);
        assert_eq!(search(&index, &query("旧的")).total, 0);
        let hits = search(&index, &query("新的"));
        assert_eq!(hits.hits.first().and_then(|h| h.year), Some(2023));
        let expected: HashSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(index.ids().expect("ids"), expected);
        writer.delete("b");
        writer.commit().expect("commit");
        assert_eq!(index.num_docs(), 1);
        drop(writer);
        drop(index);
        // Reopening keeps the documents.
        let index = FullTextIndex::open(dir.path()).expect("reopen");
        assert_eq!(index.num_docs(), 1);
    }

    #[test]
    fn empty_query_lists_newest_first_with_openings() {
        let long = "本机关认真贯彻落实条例。".repeat(60);
        let (_dir, index) = index_of(&[report("a", 2022, &long), report("b", 2024, "短<文>。")]);
        let results = search(&index, &SearchRequest::default());
        assert_eq!(ids(&results), vec!["b", "a"]);
        assert_eq!(results.hits[0].snippet, "短&lt;文&gt;。");
        assert!(results.hits[1].snippet.ends_with('…'));
        assert!(results.hits[1].snippet.starts_with("本机关"));
        let page = SearchRequest {
            offset: 1,
            limit: 5,
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &page)), vec!["a"]);
    }

    #[test]
    fn long_text_snippet_is_cut_around_the_match() {
        let text = format!(
            "{}本年度办理建议提案9件。{}",
            "前".repeat(400),
            "后".repeat(400)
        );
        let (_dir, index) = index_of(&[report("a", 2022, &text)]);
        let hit = &search(&index, &query("建议提案")).hits[0];
        assert!(hit.snippet.starts_with('…') && hit.snippet.contains("<b>建议提案</b>"));
        assert!(hit.snippet.len() < 600, "{}", hit.snippet.len());
    }

    #[test]
    fn agencies_suggests_by_prefix_then_substring() {
        let mut records = vec![
            report("a", 2022, "。"),
            report("b", 2023, "。"),
            report("c", 2023, "。"),
        ];
        records[0].agency = Some("淄博市工业和信息化局".into());
        records[1].agency = Some("淄博市工业和信息化局".into());
        records[2].agency = Some("高青县工业和信息化局".into());
        let (_dir, index) = index_of(&records);
        assert_eq!(
            index.agencies("淄博", 10),
            vec![("淄博市工业和信息化局".to_string(), 2)]
        );
        let all = index.agencies("工业", 10);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].1, 2);
        assert_eq!(index.agencies("", 1).len(), 1);
        let exact = SearchRequest {
            agency: Some("高青县工业和信息化局".into()),
            ..Default::default()
        };
        assert_eq!(ids(&search(&index, &exact)), vec!["c"]);
    }

    #[test]
    fn index_of_another_version_is_stale_and_can_be_recreated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("index");
        drop(FullTextIndex::open(&path).expect("create"));
        std::fs::write(
            path.join(VERSION_FILE),
            r#"{"schema":0,"dictionary":"old"}"#,
        )
        .expect("write");
        let err = FullTextIndex::open(&path).expect_err("stale");
        assert!(matches!(err, IndexError::Stale { .. }), "{err}");
        let index = FullTextIndex::recreate(&path).expect("recreate");
        assert_eq!(index.num_docs(), 0);
        drop(index);
        assert!(FullTextIndex::open(&path).is_ok());
    }

    /// The five seed records from their expected.json (over a default record), each with a
    /// short narrative of our own; empty when the seeds are not there.
    pub(super) fn seed_records() -> Vec<Record> {
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/seeds");
        let Ok(entries) = std::fs::read_dir(seeds) else {
            return Vec::new();
        };
        let mut records = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let Some(stem) = name.strip_suffix(".expected.json") else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("read seed");
            let seed: serde_json::Value = serde_json::from_str(&text).expect("seed json");
            let mut value = serde_json::to_value(Record::default()).expect("default record");
            if let (Some(into), Some(from)) = (value.as_object_mut(), seed.as_object()) {
                for (k, v) in from.iter().filter(|(k, _)| !k.starts_with('_')) {
                    into.insert(k.clone(), v.clone());
                }
            }
            let mut record: Record = serde_json::from_value(value).expect("seed record");
            record.id = stem.into();
            // Narrative of our own, not the seed's text.
            record.sections = vec![Section {
                number: "一".into(),
                heading: "总体情况".into(),
                text: "本机关持续推进政务公开工作。".into(),
            }];
            records.push(record);
        }
        records
    }

    #[test]
    fn seeds_index_and_filter() {
        let records = seed_records();
        if records.is_empty() {
            return;
        }
        assert_eq!(records.len(), 5);
        let (_dir, index) = index_of(&records);
        let all = search(&index, &query("政务公开"));
        assert_eq!(all.total, 5);
        let expected_new = records
            .iter()
            .filter(|r| stat_value(r, "requests.new.total").is_some_and(|v| v >= 1))
            .count();
        let req = SearchRequest {
            conditions: vec!["requests.new.total>=1".parse().expect("condition")],
            limit: 0,
            ..Default::default()
        };
        assert_eq!(search(&index, &req).total, expected_new);
        let y2024 = SearchRequest {
            year_from: Some(2024),
            year_to: Some(2024),
            ..Default::default()
        };
        let expected_2024 = records.iter().filter(|r| r.year == Some(2024)).count();
        assert_eq!(search(&index, &y2024).total, expected_2024);
        let shandong = all.facets.province.iter().map(|c| c.count).sum::<u64>();
        assert!(shandong >= 1);
    }

    #[test]
    fn index_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<FullTextIndex>();
        fn assert_send<T: Send>() {}
        assert_send::<IndexWriterHandle>();
    }

    #[test]
    fn every_error_renders_its_message() {
        let path = PathBuf::from("/data/index");
        let errors = vec![
            IndexError::Io {
                path: path.clone(),
                source: std::io::Error::other("disk full"),
            },
            IndexError::Tantivy {
                path: path.clone(),
                source: TantivyError::InvalidArgument("bad".into()),
            },
            IndexError::Stale {
                path: path.clone(),
                found: "schema 0".into(),
                expected: "schema 1".into(),
            },
            IndexError::WriterBusy { path: path.clone() },
            IndexError::Corrupt {
                path: path.clone(),
                problem: "is empty".into(),
            },
            IndexError::UnknownStatKey { key: "x.y".into() },
            IndexError::BadCondition {
                text: "a~1".into(),
                problem: "no operator".into(),
            },
            IndexError::BadSection { section: 9, max: 6 },
        ];
        for error in errors {
            let message = error.to_string();
            assert!(!message.ends_with('.'), "{message}");
            assert!(
                message.chars().next().is_some_and(|c| !c.is_uppercase()),
                "{message}"
            );
            match error {
                IndexError::UnknownStatKey { .. } => {
                    assert!(message.contains("x.y") && message.contains("failed_checks"))
                }
                IndexError::Stale { .. } => assert!(message.contains("reindex")),
                IndexError::BadSection { .. } => assert!(message.contains("1 to 6")),
                _ => assert!(message.starts_with("/data/index") || message.contains("a~1")),
            }
        }
    }

    #[test]
    fn arbitrary_queries_never_fail() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let (_dir, index) = index_of(&[
            report("a", 2023, "本年度办理建议提案9件。联系电话:0533-1234567。"),
            report("b", 2022, "行政复议(1)件，行政诉讼0件。"),
        ]);
        let syntax = proptest::string::string_regex(
            "[-\"“”:()（）OR 建议提案人大代表。、，,.!？*a-zA-Z0-9\\\\\t]{0,24}",
        )
        .expect("regex");
        let strategy = prop_oneof![syntax, any::<String>()];
        let mut runner = TestRunner::new(Config {
            cases: 160,
            ..Config::default()
        });
        runner
            .run(&strategy, |q| {
                let req = SearchRequest {
                    q: q.clone(),
                    ..Default::default()
                };
                let result = index.search(&req);
                prop_assert!(result.is_ok(), "{q:?}: {:?}", result.err());
                prop_assert!(index.matching_ids(&req).is_ok());
                Ok(())
            })
            .expect("no query fails");
    }
}
