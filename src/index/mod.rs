//! The Chinese full-text index of the reports (tantivy + jieba): one [`FullTextIndex`] per
//! process, written through an [`IndexWriterHandle`], searched with a [`SearchRequest`] into
//! [`SearchResults`].
//!
//! - `schema.rs` names every field and the filterable statistics ([`STAT_KEYS`]);
//!   `document.rs` turns a [`Record`] into a document.
//! - `tokenizer.rs` cuts text with one shared jieba and the domain dictionary
//!   (`data/userdict.txt`) into terms at compact positions.
//! - `query.rs` builds the query in code from the request (never QueryParser on user text);
//!   `collector.rs` gathers matches, sort keys and facet counts in one pass;
//!   `snippet.rs` makes the highlighted snippets.
//!
//! The index can always be rebuilt from the store: when its schema or dictionary version differs
//! from this build's, [`FullTextIndex::open`] answers [`IndexError::Stale`] and the caller
//! rebuilds it ([`FullTextIndex::recreate`], then every record again). Calls `record` only;
//! knows nothing of the store, the web or the CLI.

mod collector;
mod document;
mod query;
mod results;
mod schema;
mod snippet;
mod tokenizer;

pub use document::stat_value;
pub use query::{Condition, Op, SearchRequest, Sort};
pub use results::{FacetCount, Facets, Hit, SearchResults};
pub use schema::{SCHEMA_VERSION, STAT_KEYS};
pub use tokenizer::dictionary_version;

use crate::record::Record;
use collector::{Match, MatchCollector, SortSource, SortValue, Tally};
use document::StoredReport;
use schema::Fields;
use serde::{Deserialize, Serialize};
use snippet::Snippets;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, TantivyError, Term,
};
use tokenizer::{IndexTokenizer, TOKENIZER_NAME};

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
        })
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

    /// Run a search: total, the requested page of hits with snippets, and facets.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, IndexError> {
        let searcher = self.reader.searcher();
        let built = query::build(req, &self.fields)?;
        let sort = effective_sort(&req.sort, built.has_text);
        let collector = MatchCollector {
            sort: sort_source(&sort)?,
            scoring: sort == Sort::Relevance,
            facets: true,
        };
        let (mut matches, tally) = searcher
            .search(&*built.query, &collector)
            .map_err(|e| self.tantivy_error(e))?;
        sort_matches(&mut matches, &sort);
        let total = matches.len();
        let page: Vec<&Match> = matches.iter().skip(req.offset).take(req.limit).collect();
        let mut hits = Vec::with_capacity(page.len());
        if !page.is_empty() {
            let snippets =
                Snippets::new(&searcher, built.text_query.as_deref(), built.snippet_field)
                    .map_err(|e| self.tantivy_error(e))?;
            for m in page {
                let stored = self.stored(&searcher, m)?;
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
                    id: stored.id,
                    agency: stored.agency,
                    year: stored.year,
                    title: stored.title,
                    level: stored.level,
                    kind: stored.kind,
                    template: stored.template,
                    region: stored.region,
                    figures: stored.figures,
                    failed_checks: stored.failed_checks,
                    demo: stored.demo,
                });
            }
        }
        Ok(SearchResults {
            total,
            hits,
            facets: facets(tally),
        })
    }

    /// The ids of every match, in the request's order, ignoring offset and limit (for
    /// streaming exports).
    pub fn matching_ids(&self, req: &SearchRequest) -> Result<Vec<String>, IndexError> {
        let searcher = self.reader.searcher();
        let built = query::build(req, &self.fields)?;
        let sort = effective_sort(&req.sort, built.has_text);
        let collector = MatchCollector {
            sort: sort_source(&sort)?,
            scoring: sort == Sort::Relevance,
            facets: false,
        };
        let (mut matches, _) = searcher
            .search(&*built.query, &collector)
            .map_err(|e| self.tantivy_error(e))?;
        sort_matches(&mut matches, &sort);
        let mut columns = HashMap::new();
        let mut ids = Vec::with_capacity(matches.len());
        for m in &matches {
            let segment = m.addr.segment_ord;
            if !columns.contains_key(&segment) {
                let column = searcher
                    .segment_reader(segment)
                    .fast_fields()
                    .str(schema::names::ID)
                    .map_err(|e| self.tantivy_error(e))?;
                columns.insert(segment, column);
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
        let collector = MatchCollector {
            sort: SortSource::None,
            scoring: false,
            facets: true,
        };
        let Ok((_, tally)) = searcher.search(&AllQuery, &collector) else {
            return Vec::new();
        };
        let prefix = prefix.trim();
        let mut found: Vec<(bool, String, u64)> = tally
            .agency
            .into_iter()
            .filter(|(name, _)| name.contains(prefix))
            .map(|(name, count)| (!name.starts_with(prefix), name, count))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, name, count)| (name, count))
            .collect()
    }

    /// The stored part of a matching document.
    fn stored(&self, searcher: &Searcher, m: &Match) -> Result<StoredReport, IndexError> {
        let doc: TantivyDocument = searcher.doc(m.addr).map_err(|e| self.tantivy_error(e))?;
        let corrupt = |problem: String| IndexError::Corrupt {
            path: self.path.clone(),
            problem,
        };
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| corrupt(format!("{:?} has no stored report", m.addr)))?;
        serde_json::from_str(&json).map_err(|e| corrupt(format!("{:?}: {e}", m.addr)))
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

fn sort_matches(matches: &mut [Match], sort: &Sort) {
    let newest = |a: &Match, b: &Match| absent_last(a.year, b.year, true);
    let address = |a: &Match, b: &Match| {
        (a.addr.segment_ord, a.addr.doc_id).cmp(&(b.addr.segment_ord, b.addr.doc_id))
    };
    matches.sort_by(|a, b| {
        let primary = match sort {
            Sort::Relevance => b.score.total_cmp(&a.score).then(newest(a, b)),
            Sort::YearDesc => newest(a, b),
            Sort::YearAsc => absent_last(a.year, b.year, false),
            Sort::Agency => absent_last(key_of(&a.key), key_of(&b.key), false).then(newest(a, b)),
            Sort::Stat { descending, .. } => {
                absent_last(key_of(&a.key), key_of(&b.key), *descending).then(newest(a, b))
            }
        };
        primary.then(address(a, b))
    });
}

/// Facet lists from the tally: years newest first, the rest most frequent first.
fn facets(tally: Tally) -> Facets {
    fn by_count(counts: HashMap<String, u64>, limit: usize) -> Vec<FacetCount> {
        let mut list: Vec<FacetCount> = counts
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
        list.truncate(limit);
        list
    }
    let mut years: Vec<(i64, u64)> = tally.year.into_iter().collect();
    years.sort_by(|a, b| b.0.cmp(&a.0));
    Facets {
        year: years
            .into_iter()
            .map(|(year, count)| FacetCount {
                value: year.to_string(),
                count,
            })
            .collect(),
        level: by_count(tally.level, usize::MAX),
        province: by_count(tally.province, usize::MAX),
        agency: by_count(tally.agency, AGENCY_FACET_SIZE),
        template: by_count(tally.template, usize::MAX),
    }
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
        self.delete(&record.id);
        let doc = document::build(record, &self.fields);
        self.writer
            .add_document(doc)
            .map_err(|e| self.tantivy_error(e))?;
        Ok(())
    }

    /// Delete the document of a record id (no error when there is none).
    pub fn delete(&mut self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.fields.id, id));
    }

    /// Make every change so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        self.writer.commit().map_err(|e| self.tantivy_error(e))?;
        self.reader.reload().map_err(|e| self.tantivy_error(e))?;
        Ok(())
    }
}
