//! The archive: the sled store and the full-text index opened together, and the read functions
//! both front ends (web and CLI) use.
//!
//! Import writes the store first, then the index, so the index can always be rebuilt from the
//! store; on open the two are compared and the difference repaired. Calls parse, checks, store
//! and index; never web or cli.

use crate::checks;
use crate::index::{FullTextIndex, IndexDocument, IndexError, SearchRequest, SearchResults};
use crate::parse::{self, ParseError};
use crate::record::{self, Check, Kind, Level, Record, Region};
use crate::store::{AgencyEntry, Packed, PutOutcome, Rejected, Store, StoreError, VersionEntry};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// sled's page cache: explicit, because its default (1 GiB) is far more than we need, and small,
/// because sled's real memory use is several times this figure: with 64 MiB a 100k import grew
/// past 770 MB of heap; with 16 MiB it levels off near 390 MB (docs/benchmarks.md).
const STORE_CACHE_BYTES: u64 = 16 << 20;
/// Files parsed in parallel and then stored in order, per step of an import.
const IMPORT_CHUNK: usize = 256;
/// Chunks an import reads ahead of the parsers: parsers that read their own files waited on
/// each read with their cores idle (100k demo import, alternating builds: warm page cache
/// 62 s -> 51-59 s, cold 67.5 s -> 64.7 s; docs/benchmarks.md item 25).
const READ_AHEAD_CHUNKS: usize = 2;
/// File in the data directory that says the last process closed the archive cleanly.
const CLEAN_MARKER: &str = "closed-cleanly";
/// Documents between index commits during an import (bounds memory and lost work on a crash).
const COMMIT_EVERY: usize = 5_000;

/// Everything that can go wrong in the archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Writing an export failed (e.g. the reader went away).
    #[error("export: {0}")]
    Export(#[source] std::io::Error),
}

/// Result alias of this module.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// Progress of a long operation; the CLI draws a bar, tests ignore it.
pub trait Progress: Sync {
    /// The operation starts with this many items and bytes (bytes 0 when unknown).
    fn start(&self, _items: u64, _bytes: u64) {}
    /// One item of this many bytes is done.
    fn advance(&self, _bytes: u64) {}
    /// The operation has finished.
    fn finish(&self) {}
}

/// Progress that reports nothing.
pub struct Silent;
impl Progress for Silent {}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Files seen.
    pub files: u64,
    /// New reports stored.
    pub imported: u64,
    /// Files whose bytes were already stored.
    pub unchanged: u64,
    /// Files stored as a newer version of an agency's report for a year.
    pub new_versions: u64,
    /// Of the imported and new versions, those stored with parser warnings.
    pub with_warnings: u64,
    /// Files that gave no record, with the reason (their bytes are kept when they could be read).
    pub failed: Vec<Failure>,
    /// Files in the given directories passed over because their extension is not a report's
    /// (e.g. .json, .md, .png); files named one by one are always tried.
    pub skipped: u64,
    /// Bytes read.
    pub bytes: u64,
}

/// One file that gave no record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    /// The file.
    pub file: String,
    /// Why.
    pub reason: String,
}

/// State of the archive, for `nianbao verify`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Store schema version.
    pub schema_version: u32,
    /// Record layout version.
    pub record_version: u32,
    /// Stored records (every version).
    pub records: u64,
    /// Current records (newest version per agency, place and year).
    pub current: u64,
    /// Agencies (a name in a place: same-named agencies of two places count twice).
    pub agencies: u64,
    /// Files kept without a record.
    pub rejected: u64,
    /// Documents in the full-text index.
    pub indexed: u64,
    /// Current records the index lacks.
    pub missing_from_index: Vec<String>,
    /// Index documents that are not current records.
    pub extra_in_index: Vec<String>,
    /// Records whose raw bytes are missing.
    pub missing_raw: Vec<String>,
    /// Records and rejected files whose record or raw bytes lie past the end of their value
    /// file (a crash cut it short): re-import their files.
    pub values_past_end: Vec<String>,
    /// Bytes on disk: store and index.
    pub store_bytes: u64,
    /// Bytes on disk of the full-text index.
    pub index_bytes: u64,
}

impl VerifyReport {
    /// True when store and index agree and nothing is missing.
    pub fn is_consistent(&self) -> bool {
        self.missing_from_index.is_empty()
            && self.extra_in_index.is_empty()
            && self.missing_raw.is_empty()
            && self.values_past_end.is_empty()
    }
}

/// One report with what its page shows besides the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportData {
    /// The record.
    pub record: Record,
    /// The decoded source text that `record.cells` offsets refer to.
    pub raw_text: String,
    /// Every version of this agency's report for this year, oldest first.
    pub versions: Vec<VersionEntry>,
    /// Whether this record is the current version.
    pub is_current: bool,
}

/// Key figures shown per year on an agency page and per hit.
pub const KEY_FIGURES: [&str; 8] = [
    "requests.new.total",
    "requests.carried_over.total",
    "requests.granted.total",
    "requests.partly_granted.total",
    "requests.total.total",
    "requests.carried_forward.total",
    "review.reconsideration.total",
    "review.litigation_direct.total",
];

/// One year of an agency's history; `id` is `None` for a missing year (a gap).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgencyYear {
    /// Statistics year.
    pub year: i32,
    /// Current record of that year, if any.
    pub id: Option<String>,
    /// Template of that report.
    pub template: Option<record::Template>,
    /// [`KEY_FIGURES`] → value, when printed.
    pub figures: BTreeMap<String, i64>,
    /// Ids of failed checks of that report.
    pub failed_checks: Vec<String>,
}

/// One agency's reports over the years.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgencyHistory {
    /// The agency.
    pub agency: String,
    /// Its region (newest report).
    pub region: Region,
    /// Its level.
    pub level: Level,
    /// Its kind.
    pub kind: Option<Kind>,
    /// Whether these are demo reports.
    pub demo: bool,
    /// Every year from the first to the last report, gaps included, oldest first.
    pub years: Vec<AgencyYear>,
    /// Rules 6 and 7 across consecutive years.
    pub checks: Vec<Check>,
}

/// One agency (a name in a place) in the browse listing and among a name's places.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgencySummary {
    /// The agency.
    pub agency: String,
    /// Its region; `region.code` is the place that tells it from same-named agencies.
    pub region: Region,
    /// Its level.
    pub level: Level,
    /// Year → current record id.
    pub years: BTreeMap<i32, String>,
    /// Demo data.
    pub demo: bool,
}

/// Output format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// One JSON record per line.
    Jsonl,
    /// One row per record, one column per schema key, UTF-8 with BOM.
    Csv,
}

/// Column names of a CSV export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CsvHeaders {
    /// Dotted schema keys.
    #[default]
    Keys,
    /// The template's Chinese labels.
    Chinese,
}

/// The archive in a data directory.
pub struct Archive {
    dir: PathBuf,
    store: Store,
    index: FullTextIndex,
    /// Set while a write (import, reparse, reindex, repair) is under way or failed: then the
    /// archive is not marked as closed cleanly, and the next open repairs it.
    dirty: std::sync::atomic::AtomicBool,
}

impl Archive {
    /// Opens (or creates) the archive in `dir`: the store in `dir/store`, the index in
    /// `dir/search`. A stale index is rebuilt; a difference between store and index is repaired.
    pub fn open(dir: &Path) -> Result<Archive> {
        std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let store = Store::open(&dir.join("store"), STORE_CACHE_BYTES)?;
        let index_dir = dir.join("search");
        let (index, rebuilt) = match FullTextIndex::open(&index_dir) {
            Ok(index) => (index, false),
            Err(IndexError::Stale { .. }) => (FullTextIndex::recreate(&index_dir)?, true),
            Err(e) => return Err(e.into()),
        };
        let archive = Archive {
            dir: dir.to_path_buf(),
            store,
            index,
            dirty: std::sync::atomic::AtomicBool::new(false),
        };
        // The marker of a clean close says store and index agreed then; without it (a crash,
        // a kill -9) the two are compared and repaired, which reads every id of both.
        let was_clean = std::fs::remove_file(dir.join(CLEAN_MARKER)).is_ok();
        if rebuilt {
            archive.reindex(&Silent)?;
        } else if !was_clean || archive.store.migrated_from().is_some() {
            // A migrated store may have more current records than the index: reports that
            // were taken for versions of a same-named agency elsewhere are current again.
            archive.repair()?;
        }
        Ok(archive)
    }

    /// Flushes the store and marks the archive as closed cleanly (see [`Archive::open`]).
    /// Also done when the archive is dropped; call it to see the error.
    pub fn close(&self) -> Result<()> {
        self.store.flush()?;
        std::fs::write(self.dir.join(CLEAN_MARKER), b"").map_err(|source| ArchiveError::Io {
            path: self.dir.join(CLEAN_MARKER),
            source,
        })
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One stored record with its checks recomputed (the store keeps records without them).
    fn load(&self, id: &str) -> Result<Option<Record>> {
        Ok(self.store.record(id)?.map(|mut record| {
            record.checks = checks::check_record(&record);
            record
        }))
    }

    /// Makes the index agree with the store's current records: adds what it lacks, removes what
    /// is not current. Returns (added, removed).
    pub fn repair(&self) -> Result<(usize, usize)> {
        self.dirty.store(true, Ordering::SeqCst);
        let current: HashSet<String> = self.store.current_ids().collect::<Result<_, _>>()?;
        let indexed = self.index.ids()?;
        let missing: Vec<&String> = current.iter().filter(|id| !indexed.contains(*id)).collect();
        let extra: Vec<&String> = indexed.iter().filter(|id| !current.contains(*id)).collect();
        if missing.is_empty() && extra.is_empty() {
            self.dirty.store(false, Ordering::SeqCst);
            return Ok((0, 0));
        }
        let mut writer = self.index.writer()?;
        for id in &extra {
            writer.delete(id);
        }
        for id in &missing {
            if let Some(record) = self.load(id)? {
                writer.add(&record)?;
            }
        }
        writer.commit()?;
        self.dirty.store(false, Ordering::SeqCst);
        Ok((missing.len(), extra.len()))
    }

    /// Imports files and directories (recursively): parse → store → index.
    pub fn import(&self, paths: &[PathBuf], progress: &dyn Progress) -> Result<ImportSummary> {
        self.dirty.store(true, Ordering::SeqCst);
        let (files, skipped) = collect_files(paths)?;
        let total_bytes: u64 = files.iter().map(|(_, size)| size).sum();
        progress.start(files.len() as u64, total_bytes);
        let mut summary = ImportSummary {
            skipped,
            ..ImportSummary::default()
        };
        let mut writer = self.index.writer()?;
        let mut since_commit = 0usize;
        // Three stages at once: one thread reads the files of the chunks ahead, the parsers
        // parse and pack the next chunk, and this thread stores the current one.
        let (read_tx, read_rx) = std::sync::mpsc::sync_channel(READ_AHEAD_CHUNKS);
        let (chunks_tx, chunks_rx) = std::sync::mpsc::sync_channel(1);
        let index = &self.index;
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || {
                for chunk in files.chunks(IMPORT_CHUNK) {
                    if read_tx.send(read_chunk(chunk)).is_err() {
                        break; // the parsing side stopped
                    }
                }
            });
            scope.spawn(move || {
                for chunk in read_rx {
                    if chunks_tx.send(parse_in_parallel(chunk, index)).is_err() {
                        break; // the storing side stopped on an error
                    }
                }
            });
            for parsed_chunk in chunks_rx {
                let mut records = Vec::with_capacity(parsed_chunk.len());
                for (path, parsed) in parsed_chunk {
                    summary.files += 1;
                    let name = display_name(&path);
                    let ParsedFile { bytes, result } = match parsed {
                        Ok(parsed) => parsed,
                        Err(reason) => {
                            summary.failed.push(Failure { file: name, reason });
                            progress.advance(0);
                            continue;
                        }
                    };
                    summary.bytes += bytes.len() as u64;
                    progress.advance(bytes.len() as u64);
                    match result {
                        Ok(parsed) => records.push(parsed),
                        Err(error) => {
                            let reason = error.to_string();
                            let rejected = Rejected {
                                id: parse::source_id(&bytes),
                                file: name.clone(),
                                reason: reason.clone(),
                            };
                            self.store.put_rejected(&rejected, &bytes)?;
                            summary.failed.push(Failure { file: name, reason });
                        }
                    }
                }
                since_commit += self.store_records(&mut writer, &mut summary, records)?;
                if since_commit >= COMMIT_EVERY {
                    self.store.flush()?;
                    writer.commit()?;
                    since_commit = 0;
                }
            }
            Ok(())
        })?;
        // Store first: a crash between the two leaves records the index lacks, which `repair`
        // adds on the next open; never index entries without their record.
        self.store.flush()?;
        writer.commit()?;
        progress.finish();
        self.dirty.store(false, Ordering::SeqCst);
        Ok(summary)
    }

    /// Stores a chunk of parsed records in one batch, then indexes those that are new; counts
    /// the outcomes. Returns how many changed the index.
    fn store_records(
        &self,
        writer: &mut crate::index::IndexWriterHandle,
        summary: &mut ImportSummary,
        parsed: Vec<Parsed>,
    ) -> Result<usize> {
        let mut heads = Vec::with_capacity(parsed.len());
        let mut packs = Vec::with_capacity(parsed.len());
        let mut documents = Vec::with_capacity(parsed.len());
        for Parsed {
            head,
            packed,
            document,
        } in parsed
        {
            heads.push(head);
            packs.push(packed);
            documents.push(document);
        }
        let stored = self.store.put_batch(heads.iter().zip(packs).collect())?;
        let mut changed = 0;
        for ((record, document), stored) in heads.iter().zip(documents).zip(stored) {
            match stored.outcome {
                PutOutcome::Unchanged => {
                    summary.unchanged += 1;
                    continue;
                }
                PutOutcome::New => summary.imported += 1,
                PutOutcome::NewVersion => summary.new_versions += 1,
            }
            if !record.warnings.is_empty() {
                summary.with_warnings += 1;
            }
            index_current(writer, &record.id, document, &stored.versions)?;
            changed += 1;
        }
        Ok(changed)
    }

    /// Re-parses every stored raw text with this version of the parser and replaces the
    /// records; files rejected before are tried again. Then reindexes.
    pub fn reparse(&self, progress: &dyn Progress) -> Result<ImportSummary> {
        self.dirty.store(true, Ordering::SeqCst);
        let mut summary = ImportSummary::default();
        let counts = self.store.counts();
        progress.start(counts.records + counts.rejected, 0);
        let ids: Vec<(String, String)> = self
            .store
            .records()
            .map(|r| r.map(|r| (r.id, r.source.file)))
            .collect::<Result<_, _>>()?;
        for (id, file) in ids {
            summary.files += 1;
            let raw = self.store.raw(&id)?.unwrap_or_default();
            progress.advance(raw.len() as u64);
            match parse::parse_for_import(&raw, &file) {
                Ok(mut record) => {
                    record.id = id.clone();
                    if !record.warnings.is_empty() {
                        summary.with_warnings += 1;
                    }
                    self.store.replace(&record)?;
                    summary.imported += 1;
                }
                Err(e) => summary.failed.push(Failure {
                    file,
                    reason: format!("{e} (the previous record is kept)"),
                }),
            }
        }
        let rejected: Vec<Rejected> = self.store.rejected().collect::<Result<_, _>>()?;
        for entry in rejected {
            summary.files += 1;
            let raw = self.store.raw(&entry.id)?.unwrap_or_default();
            progress.advance(raw.len() as u64);
            if let Ok(record) = parse::parse_for_import(&raw, &entry.file) {
                self.store.put(&record, &raw)?;
                self.store.remove_rejected(&entry.id)?;
                summary.imported += 1;
            }
        }
        // A reparsed record may name another agency, year or place than when it was stored;
        // version lists and agencies follow the records.
        self.store.regroup()?;
        self.store.compact_values()?;
        self.store.flush()?;
        progress.finish();
        self.reindex(&Silent)?;
        Ok(summary)
    }

    /// Rebuilds the full-text index from the stored current records.
    pub fn reindex(&self, progress: &dyn Progress) -> Result<u64> {
        self.dirty.store(true, Ordering::SeqCst);
        let ids: Vec<String> = self.store.current_ids().collect::<Result<_, _>>()?;
        progress.start(ids.len() as u64, 0);
        let mut writer = self.index.writer()?;
        writer.delete_all()?;
        let mut n = 0;
        for id in ids {
            if let Some(record) = self.load(&id)? {
                writer.add(&record)?;
                n += 1;
            }
            progress.advance(0);
        }
        writer.commit()?;
        progress.finish();
        self.dirty.store(false, Ordering::SeqCst);
        Ok(n)
    }

    /// Counts and consistency of store and index.
    pub fn verify(&self) -> Result<VerifyReport> {
        let counts = self.store.counts();
        let current: HashSet<String> = self.store.current_ids().collect::<Result<_, _>>()?;
        let indexed = self.index.ids()?;
        let mut missing_from_index: Vec<String> = current.difference(&indexed).cloned().collect();
        let mut extra_in_index: Vec<String> = indexed.difference(&current).cloned().collect();
        missing_from_index.sort();
        extra_in_index.sort();
        let missing_raw = self.store.records_without_raw()?;
        Ok(VerifyReport {
            schema_version: self.store.schema_version(),
            record_version: record::RECORD_VERSION,
            records: counts.records,
            current: counts.current,
            agencies: counts.agencies,
            rejected: counts.rejected,
            indexed: self.index.num_docs(),
            missing_from_index,
            extra_in_index,
            missing_raw,
            values_past_end: self.store.values_past_end()?,
            store_bytes: dir_size(&self.dir.join("store")),
            index_bytes: dir_size(&self.dir.join("search")),
        })
    }

    /// Ranked, filtered search with facets.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        Ok(self.index.search(request)?)
    }

    /// Changes whenever an import, reparse, reindex or repair changes what searches see
    /// (see [`FullTextIndex::generation`]).
    pub fn index_generation(&self) -> u64 {
        self.index.generation()
    }

    /// Agency names starting with `prefix` (for suggestions), with report counts.
    pub fn suggest_agencies(&self, prefix: &str, limit: usize) -> Vec<(String, u64)> {
        self.index.agencies(prefix, limit)
    }

    /// One report with its raw text and versions; `None` for an unknown id.
    pub fn report(&self, id: &str) -> Result<Option<ReportData>> {
        let Some(record) = self.load(id)? else {
            return Ok(None);
        };
        let raw = self.store.raw(id)?.unwrap_or_default();
        let raw_text = parse::decode(&raw).map(|d| d.text).unwrap_or_default();
        let versions = self.store.versions(&record)?;
        let is_current = versions.last().is_none_or(|v| v.id == record.id);
        Ok(Some(ReportData {
            record,
            raw_text,
            versions,
            is_current,
        }))
    }

    /// Number of agencies (a name in a place), without walking the other trees.
    pub fn agency_count(&self) -> u64 {
        self.store.agency_count()
    }

    /// Counts of the store's trees (records, current, agencies, rejected).
    pub fn counts(&self) -> crate::store::StoreCounts {
        self.store.counts()
    }

    /// Files kept without a record, with the reason they were refused.
    pub fn rejected(&self) -> Result<Vec<Rejected>> {
        Ok(self.store.rejected().collect::<Result<_, _>>()?)
    }

    /// The source bytes of a report, as imported.
    pub fn raw(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.store.raw(id)?)
    }

    /// One agency's reports year by year, with gaps and the cross-year checks. An agency is a
    /// name in a place: `place` is the GB/T 2260 code of its region (`record.region.code`),
    /// `None` for the reports whose place is unknown; [`Archive::agency_places`] lists a
    /// name's places. `None` when the name has no reports in that place.
    pub fn agency_history(
        &self,
        agency: &str,
        place: Option<&str>,
    ) -> Result<Option<AgencyHistory>> {
        let Some(entry) = self.store.agency(agency, place)? else {
            return Ok(None);
        };
        let mut records = Vec::new();
        for id in entry.years.values() {
            if let Some(record) = self.load(id)? {
                records.push(record);
            }
        }
        let (Some(first), Some(last)) = (entry.years.keys().next(), entry.years.keys().next_back())
        else {
            return Ok(None);
        };
        let years = (*first..=*last)
            .map(|year| {
                let record = records.iter().find(|r| r.year == Some(year));
                AgencyYear {
                    year,
                    id: record.map(|r| r.id.clone()),
                    template: record.map(|r| r.template),
                    figures: record.map(key_figures).unwrap_or_default(),
                    failed_checks: record
                        .map(|r| {
                            r.checks
                                .iter()
                                .filter(|c| !c.passed)
                                .map(|c| c.id.clone())
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let refs: Vec<&Record> = records.iter().collect();
        Ok(Some(AgencyHistory {
            agency: agency.to_string(),
            // The code looked up: the place's page links back to itself.
            region: Region {
                code: place.map(str::to_string),
                ..entry.region
            },
            level: entry.level,
            kind: entry.kind,
            demo: entry.demo,
            years,
            checks: checks::check_history(&refs),
        }))
    }

    /// Every agency with its region and years, in name order; same-named agencies of
    /// different places are separate entries, adjacent, told apart by `region.code`.
    pub fn agencies(&self) -> Result<Vec<AgencySummary>> {
        self.store
            .agencies()
            .map(|item| {
                let (agency, code, entry) = item?;
                Ok(summary(agency, code, entry))
            })
            .collect()
    }

    /// The places that have reports of an agency name (one for most names; 朝阳区人民政府 has
    /// two), in code order, the unknown place first; empty for an unknown name.
    pub fn agency_places(&self, agency: &str) -> Result<Vec<AgencySummary>> {
        Ok(self
            .store
            .agency_places(agency)?
            .into_iter()
            .map(|(code, entry)| summary(agency.to_string(), code, entry))
            .collect())
    }

    /// Streams every record matching `request` (all pages, in its order) to `out`.
    /// Returns the number of records written.
    pub fn export(
        &self,
        request: &SearchRequest,
        format: ExportFormat,
        headers: CsvHeaders,
        out: &mut dyn Write,
    ) -> Result<u64> {
        let ids = self.index.matching_ids(request)?;
        let mut export = Exporter::new(format, headers, out)?;
        for id in ids {
            if let Some(record) = self.load(&id)? {
                export.write(&record)?;
            }
        }
        export.finish()
    }
}

impl Drop for Archive {
    fn drop(&mut self) {
        // Every write that returned Ok committed the index, so unless one failed, the index
        // holds exactly the stored current records.
        if !self.dirty.load(Ordering::SeqCst) {
            let _ = self.close();
        } else {
            let _ = self.store.flush();
        }
    }
}

/// Writes records one at a time as JSON Lines or CSV: the same code for the CLI and the web.
pub struct Exporter<'a> {
    format: ExportFormat,
    csv: Option<csv::Writer<&'a mut dyn Write>>,
    out: Option<&'a mut dyn Write>,
    written: u64,
}

impl<'a> Exporter<'a> {
    /// Starts an export; a CSV gets its BOM and header row now.
    pub fn new(format: ExportFormat, headers: CsvHeaders, out: &'a mut dyn Write) -> Result<Self> {
        match format {
            ExportFormat::Jsonl => Ok(Exporter {
                format,
                csv: None,
                out: Some(out),
                written: 0,
            }),
            ExportFormat::Csv => {
                // A UTF-8 BOM so that Excel shows Chinese instead of mojibake.
                out.write_all(b"\xEF\xBB\xBF").map_err(export_error)?;
                let mut csv = csv::Writer::from_writer(out);
                let names = record::columns().iter().map(|c| match headers {
                    CsvHeaders::Keys => c.key.as_str(),
                    CsvHeaders::Chinese => c.label_zh.as_str(),
                });
                csv.write_record(names).map_err(export_error)?;
                Ok(Exporter {
                    format,
                    csv: Some(csv),
                    out: None,
                    written: 0,
                })
            }
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<()> {
        match self.format {
            ExportFormat::Jsonl => {
                let out = self.out.as_mut().expect("jsonl exporter has a writer");
                serde_json::to_writer(&mut **out, record).map_err(export_error)?;
                out.write_all(b"\n").map_err(export_error)?;
            }
            ExportFormat::Csv => {
                let csv = self.csv.as_mut().expect("csv exporter has a writer");
                csv.write_record(csv_row(record)).map_err(export_error)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Flushes and returns the number of records written.
    pub fn finish(mut self) -> Result<u64> {
        if let Some(csv) = self.csv.as_mut() {
            csv.flush().map_err(export_error)?;
        }
        if let Some(out) = self.out.as_mut() {
            out.flush().map_err(export_error)?;
        }
        Ok(self.written)
    }
}

fn export_error(e: impl Into<std::io::Error>) -> ArchiveError {
    ArchiveError::Export(e.into())
}

/// A record as one CSV row in [`record::columns`] order; absent values are empty cells.
pub fn csv_row(record: &Record) -> Vec<String> {
    let flat: BTreeMap<String, serde_json::Value> = record.flatten().into_iter().collect();
    let failed: Vec<&str> = record
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.id.as_str())
        .collect();
    record::columns()
        .iter()
        .map(|col| {
            if col.key == "failed_checks" {
                return failed.join(" ");
            }
            match flat.get(&col.key) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            }
        })
        .collect()
}

/// What a listing shows of an agency in one place. The region's code is the one the agency is
/// stored under, so that it always finds the agency again ([`Archive::agency_history`]).
fn summary(agency: String, code: Option<String>, entry: AgencyEntry) -> AgencySummary {
    let AgencyEntry {
        years,
        region,
        level,
        demo,
        ..
    } = entry;
    AgencySummary {
        agency,
        region: Region { code, ..region },
        level,
        years,
        demo,
    }
}

/// [`KEY_FIGURES`] of a record, where printed.
pub fn key_figures(record: &Record) -> BTreeMap<String, i64> {
    KEY_FIGURES
        .iter()
        .filter_map(|key| {
            record
                .get(key)
                .and_then(|v| v.as_i64())
                .map(|v| (key.to_string(), v))
        })
        .collect()
}

struct ParsedFile {
    bytes: Vec<u8>,
    result: std::result::Result<Parsed, ParseError>,
}

/// A parsed report as the import stores and indexes it: its metadata, its packed values and
/// its index document. The rest of the record (sections, tables, cells, checks: about a
/// thousand allocations) is dropped on the parsing thread that made it; dropped on the storing
/// thread instead, each free took mimalloc's slower cross-thread path (5 % of an import).
struct Parsed {
    /// The record without sections, tables, facts, checks or cells: what storing needs.
    head: Record,
    packed: Packed,
    document: IndexDocument,
}

impl Parsed {
    fn new(mut record: Record, raw: &[u8], index: &FullTextIndex) -> Self {
        let packed = Store::pack(&mut record, raw);
        let document = index.document(&record);
        let head = Record {
            id: record.id,
            source: record.source,
            agency: record.agency,
            year: record.year,
            title: record.title,
            template: record.template,
            level: record.level,
            kind: record.kind,
            region: record.region,
            published: record.published,
            warnings: record.warnings,
            demo: record.demo,
            ..Record::default()
        };
        Parsed {
            head,
            packed,
            document,
        }
    }
}

/// Indexes a newly stored record if it is the newest of `versions` (its group's version list
/// after storing it), replacing the versions it supersedes.
fn index_current(
    writer: &mut crate::index::IndexWriterHandle,
    id: &str,
    document: IndexDocument,
    versions: &[VersionEntry],
) -> Result<()> {
    let Some((newest, older)) = versions.split_last() else {
        return Ok(());
    };
    for older in older {
        writer.delete(&older.id);
    }
    if newest.id == id {
        writer.add_document(document)?;
    }
    Ok(())
}

/// A chunk of files as read: each path with its bytes, or why they could not be read.
type ReadChunk = Vec<(PathBuf, std::result::Result<Vec<u8>, String>)>;

/// Reads a chunk of files, in order.
fn read_chunk(chunk: &[(PathBuf, u64)]) -> ReadChunk {
    chunk
        .iter()
        .map(|(path, _)| {
            let bytes =
                std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()));
            (path.clone(), bytes)
        })
        .collect()
}

/// Parses, packs (compresses for the store) and builds the index documents of a chunk of
/// files on every core; results come back in input order so that the newest of two versions
/// in one import is always the later file.
fn parse_in_parallel(
    chunk: ReadChunk,
    index: &FullTextIndex,
) -> Vec<(PathBuf, std::result::Result<ParsedFile, String>)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chunk.len().max(1));
    let mut slots = Vec::new();
    slots.resize_with(chunk.len(), || None);
    let queue = std::sync::Mutex::new(chunk.into_iter().enumerate());
    let results = std::sync::Mutex::new(slots);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let next = queue
                    .lock()
                    .expect("no worker panics while holding the lock")
                    .next();
                let Some((i, (path, read))) = next else { break };
                let parsed = read.map(|bytes| {
                    let result = parse::parse_for_import(&bytes, &display_name(&path))
                        .map(|record| Parsed::new(record, &bytes, index));
                    ParsedFile { bytes, result }
                });
                results
                    .lock()
                    .expect("no worker panics while holding the lock")[i] = Some((path, parsed));
            });
        }
    });
    // Every slot is filled: a worker that panicked would have ended the scope with its panic.
    let slots = results.into_inner().expect("workers have finished");
    slots.into_iter().flatten().collect()
}

/// Extensions of files that may be reports, when walking a directory (lowercase; files without
/// an extension are tried too).
const REPORT_EXTENSIONS: [&str; 10] = [
    "txt", "text", "htm", "html", "shtml", "docx", "doc", "wps", "pdf", "md",
];

/// Files a directory walk passes over even with a report extension: notes beside a corpus.
const NOT_REPORTS: [&str; 3] = ["readme.md", "readme.txt", "license.txt"];

/// Every regular file below the given paths, sorted, with its size, and the number of files
/// passed over in directories because they are not reports by their name.
fn collect_files(paths: &[PathBuf]) -> Result<(Vec<(PathBuf, u64)>, u64)> {
    let mut files = Vec::new();
    let mut skipped = 0;
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| ArchiveError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(path, &mut files, &mut skipped)?;
        } else {
            files.push((path.clone(), meta.len()));
        }
    }
    Ok((files, skipped))
}

fn may_be_report(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if NOT_REPORTS.contains(&name.as_str()) {
        return false;
    }
    match path.extension() {
        None => true,
        Some(ext) => REPORT_EXTENSIONS.contains(&ext.to_string_lossy().to_lowercase().as_str()),
    }
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, u64)>, skipped: &mut u64) -> Result<()> {
    let io = |source| ArchiveError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name();
        // Hidden files (.DS_Store, editor swap files) are not reports.
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let meta = entry.metadata().map_err(io)?;
        if meta.is_dir() {
            walk(&path, files, skipped)?;
        } else if meta.is_file() && may_be_report(&path) {
            files.push((path, meta.len()));
        } else if meta.is_file() {
            *skipped += 1;
        }
    }
    Ok(())
}

/// The name a record keeps of its file: the file name only, no directories of this machine.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned())
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => total += dir_size(&entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chaoyang(id: &str, code: &str, province: &str, city: &str) -> Record {
        Record {
            id: id.into(),
            agency: Some("朝阳区人民政府".into()),
            year: Some(2023),
            level: Level::County,
            kind: Some(Kind::Government),
            region: Region {
                province: Some(province.into()),
                city: Some(city.into()),
                county: Some("朝阳区".into()),
                code: Some(code.into()),
            },
            sections: vec![record::Section {
                number: "一".into(),
                heading: "总体情况".into(),
                text: format!("{city}朝阳区人民政府全年主动公开政府信息。"),
            }],
            ..Record::default()
        }
    }

    #[test]
    fn reparse_moves_a_record_to_the_place_the_parser_now_finds() {
        let dir = tempfile::tempdir().unwrap();
        let text = "朝阳区人民政府\n2023年政府信息公开工作年度报告\n\
                    一、总体情况\n2023年，北京市朝阳区人民政府主动公开政府信息。\n";
        let parsed = parse::parse(text.as_bytes(), "chaoyang.txt").unwrap();
        assert_eq!(parsed.region.code.as_deref(), Some("110105"), "{parsed:?}");
        // As an older parser, which knew no places, stored it.
        let unplaced = Record {
            region: Region::default(),
            ..parsed
        };
        let archive = Archive::open(dir.path()).unwrap();
        archive.store.put(&unplaced, text.as_bytes()).unwrap();
        assert!(archive
            .agency_history("朝阳区人民政府", None)
            .unwrap()
            .is_some());
        archive.reparse(&Silent).unwrap();
        assert!(archive
            .agency_history("朝阳区人民政府", Some("110105"))
            .unwrap()
            .is_some());
        assert!(archive
            .agency_history("朝阳区人民政府", None)
            .unwrap()
            .is_none());
        let verify = archive.verify().unwrap();
        assert_eq!((verify.agencies, verify.current), (1, 1), "{verify:?}");
        assert!(verify.is_consistent(), "{verify:?}");
    }

    #[test]
    fn files_read_ahead_come_back_parsed_in_order_with_unreadable_ones_named() {
        let dir = tempfile::tempdir().unwrap();
        let report = "朝阳区人民政府\n2023年政府信息公开工作年度报告\n\
                      一、总体情况\n2023年，北京市朝阳区人民政府主动公开政府信息。\n";
        let mut files = Vec::new();
        for i in 0..5 {
            let path = dir.path().join(format!("{i}.txt"));
            std::fs::write(&path, report.replace("2023", &format!("{}", 2019 + i))).unwrap();
            files.push((path, 0));
        }
        let missing = dir.path().join("gone.txt");
        files.insert(2, (missing.clone(), 0));
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, b"").unwrap();
        files.push((empty.clone(), 0));

        let index = FullTextIndex::open(&dir.path().join("index")).unwrap();
        let parsed = parse_in_parallel(read_chunk(&files), &index);
        let paths: Vec<&PathBuf> = parsed.iter().map(|(path, _)| path).collect();
        let expected: Vec<&PathBuf> = files.iter().map(|(path, _)| path).collect();
        assert_eq!(paths, expected);
        let mut years = Vec::new();
        for (path, result) in &parsed {
            match result {
                Err(reason) if path == &missing => {
                    assert!(reason.contains("gone.txt") && reason.contains("cannot read"));
                }
                Ok(ParsedFile { result: Err(_), .. }) if path == &empty => {}
                Ok(ParsedFile {
                    result: Ok(parsed), ..
                }) => years.push(parsed.head.year),
                _ => panic!("{}: unexpected outcome", path.display()),
            }
        }
        let expected: Vec<Option<i32>> = (2019..2024).map(Some).collect();
        assert_eq!(years, expected);
    }

    #[test]
    fn opening_a_by_name_archive_migrates_it_and_indexes_what_became_current() {
        let dir = tempfile::tempdir().unwrap();
        let beijing = chaoyang("00000000000000a1", "110105", "北京市", "北京市");
        let changchun = chaoyang("00000000000000b2", "220104", "吉林省", "长春市");
        {
            let archive = Archive::open(dir.path()).unwrap();
            archive.store.put(&beijing, b"beijing").unwrap();
            archive.store.put(&changchun, b"changchun").unwrap();
            archive.store.write_by_name_layout();
            // What an archive of schema 1 indexed: only the later import, which it took for a
            // new version of the other place's report.
            let mut writer = archive.index.writer().unwrap();
            writer.add(&changchun).unwrap();
            writer.commit().unwrap();
            assert_eq!(archive.verify().unwrap().current, 1);
        }
        // Closed cleanly, so only the migration makes this open compare store and index.
        assert!(dir.path().join(CLEAN_MARKER).exists());
        let archive = Archive::open(dir.path()).unwrap();
        let report = archive.verify().unwrap();
        assert!(report.is_consistent(), "{report:?}");
        assert_eq!(
            (report.current, report.indexed, report.agencies),
            (2, 2, 2),
            "{report:?}"
        );
        let places: Vec<Option<String>> = archive
            .agency_places("朝阳区人民政府")
            .unwrap()
            .into_iter()
            .map(|p| p.region.code)
            .collect();
        assert_eq!(places, [Some("110105".into()), Some("220104".into())]);
        let history = archive
            .agency_history("朝阳区人民政府", Some("110105"))
            .unwrap()
            .unwrap();
        assert_eq!(history.years.len(), 1);
        assert_eq!(history.years[0].id.as_deref(), Some("00000000000000a1"));
        assert!(archive
            .agency_history("朝阳区人民政府", None)
            .unwrap()
            .is_none());
    }
}
