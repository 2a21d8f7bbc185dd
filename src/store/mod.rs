//! The sled store: records, raw source bytes, versions, agencies and rejected files.
//!
//! One `sled::Db` per process, one tree per kind, big-endian keys. The bulk values (records and
//! raw bytes) are appended to value files beside sled ([`values`]); their trees keep only where
//! each lies. An agency is its name and its place (the GB/T 2260 code of `record.region.code`):
//! same-named bodies of different places (朝阳区人民政府 of 北京市 and of 长春市) are different
//! agencies. Records (JSON, their cells after it in postcard's compact encoding) and raw bytes
//! are stored zstd-compressed, each kind with a frozen dictionary (data/zstd/) so that every
//! value does not pay again for the template's labels and the record's keys. A record's `checks` are not stored: they are a pure function of its tables
//! and facts, recomputed by the archive when it loads a record. The store is not the only copy
//! of anything that matters: records can be rebuilt from the raw bytes (`nianbao reparse`) and
//! the full-text index from the records (`nianbao reindex`). Calls only [`crate::record`]; knows
//! nothing of tantivy.

use crate::record::{Kind, Level, Record, Region};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use values::{Location, ValueFiles, LOCATION_BYTES};

mod values;

/// Version of the store layout (trees, keys, value encodings). Bump when they change.
/// 3: records and raw bytes are in value files, their trees hold locations (values of 2, kept
/// inline, still read); 2: versions and agencies are keyed by name and place; 1 keyed them by
/// name only.
pub const SCHEMA_VERSION: u32 = 3;

/// The layout that kept records and raw bytes inline in sled; this version reads those values
/// as they are, so opening one only records the new version.
const SCHEMA_INLINE: u32 = 2;

/// The layout that keyed versions and agencies by agency name only; opening one migrates it
/// (see [`Store::regroup`]).
const SCHEMA_BY_NAME: u32 = 1;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds sled's lock on the database.
    #[error("{path}: the archive is open in another process{holder}; stop it (e.g. `nianbao serve`) or pass another --data")]
    Locked {
        /// The database directory.
        path: PathBuf,
        /// ", held by …" when the holder file names it, else empty.
        holder: String,
    },
    /// The stored schema version is neither the one this program writes nor one it migrates.
    #[error("{path}: archive schema version {found}, this nianbao writes version {expected} and migrates only versions 1 and 2; import into a new --data directory")]
    SchemaMismatch {
        /// The database directory.
        path: PathBuf,
        /// Version found on disk.
        found: u32,
        /// Version this program writes.
        expected: u32,
    },
    /// sled failed.
    #[error("{path}: storage error: {source}")]
    Sled {
        /// The database directory.
        path: PathBuf,
        /// The underlying error.
        source: sled::Error,
    },
    /// A value file cannot be created, written or read.
    #[error("{path}: value file error: {source}; check the disk (space, permissions); `nianbao verify` lists what is readable")]
    Values {
        /// The value file directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A value's location points past what its value file holds.
    #[error("{path}: stored {what} {key} cannot be read: {reason}; import its report file again (`nianbao verify` lists every such record)")]
    Unreadable {
        /// The database directory.
        path: PathBuf,
        /// What kind of value.
        what: &'static str,
        /// Its key, readable.
        key: String,
        /// The read error, naming the value file.
        reason: String,
    },
    /// A stored value does not decode.
    #[error("{path}: stored {what} {key} is corrupt: {reason}; run `nianbao reparse` to rebuild records from the raw texts")]
    Corrupt {
        /// The database directory.
        path: PathBuf,
        /// What kind of value.
        what: &'static str,
        /// Its key, readable.
        key: String,
        /// The decode error.
        reason: String,
    },
    /// A record id that is not 16 hex digits.
    #[error("invalid record id {0:?}: expected 16 hexadecimal digits")]
    BadId(String),
}

/// Result alias of this module.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One version of an agency's report for one year, oldest first in [`Store::versions`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionEntry {
    /// Record id.
    pub id: String,
    /// Import sequence number (larger = newer).
    pub seq: u64,
    /// Source file name.
    pub file: String,
}

/// A file that could not be parsed into a record; its bytes are kept in the raw tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// Id derived from its bytes like a record id.
    pub id: String,
    /// Source file name.
    pub file: String,
    /// Why it was rejected.
    pub reason: String,
}

/// What the store knows of one agency without loading its records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyEntry {
    /// Statistics year → current record id.
    pub years: BTreeMap<i32, String>,
    /// Region of the newest report.
    pub region: Region,
    /// Level of the newest report.
    pub level: Level,
    /// Kind of the newest report.
    pub kind: Option<Kind>,
    /// Whether the agency's reports are generated demo data.
    pub demo: bool,
}

impl AgencyEntry {
    /// Notes `id` as the current report of `year`; the newest year's report gives the agency
    /// its region, level, kind and demo flag.
    fn add_year(&mut self, year: i32, id: &str, report: &Record) {
        if self
            .years
            .keys()
            .next_back()
            .is_none_or(|newest| year >= *newest)
        {
            self.region = report.region.clone();
            self.level = report.level;
            self.kind = report.kind;
            self.demo = report.demo;
        }
        self.years.insert(year, id.to_string());
    }
}

/// A record and its source bytes, compressed and ready to store.
#[derive(Debug, Clone)]
pub struct Packed {
    record: Vec<u8>,
    raw: Vec<u8>,
}

/// What storing one record of a batch did, and its group's versions after the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// New, a new version, or unchanged.
    pub outcome: PutOutcome,
    /// The version list of the record's agency, place and year, oldest first; empty when
    /// unchanged.
    pub versions: Vec<VersionEntry>,
}

impl Stored {
    fn unchanged() -> Self {
        Stored {
            outcome: PutOutcome::Unchanged,
            versions: Vec::new(),
        }
    }
}

/// A record of a batch that is not in the store yet, with its values already appended.
struct Fresh<'r> {
    record: &'r Record,
    key: [u8; 8],
    value: [u8; LOCATION_BYTES],
    raw: [u8; LOCATION_BYTES],
    entry: VersionEntry,
    vkey: Vec<u8>,
    agency_year: Option<(Vec<u8>, i32)>,
}

/// What storing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// Same bytes were stored before: nothing changed.
    Unchanged,
    /// First report of its agency (name and place) and year.
    New,
    /// Another file for the same agency, place and year: kept as the new current version.
    NewVersion,
}

/// The open store. Cheap to share by reference; sled is internally synchronised.
pub struct Store {
    path: PathBuf,
    db: sled::Db,
    records: sled::Tree,
    raw: sled::Tree,
    versions: sled::Tree,
    agencies: sled::Tree,
    rejected: sled::Tree,
    meta: sled::Tree,
    /// The records' and raw bytes' values.
    values: ValueFiles,
    /// The schema version this open migrated from, if it did.
    migrated_from: Option<u32>,
}

const SCHEMA_KEY: &[u8] = b"schema_version";
/// sled's log segment size. sled writes a page larger than a quarter of a segment into a blob
/// file of its own, which is why the multi-KB values live in value files ([`values`]); with
/// those inline, larger segments were measured (100k demo reports, 932 MB: 32 KiB 110 s, store
/// 1,192 MB; 128 KiB 117 s, 1,316 MB; 256 KiB 105 s, 1,543 MB) and 32 KiB kept. With the value
/// files, 1 MiB segments made sled smaller (71–84 MB instead of 132 MB at 100k) but the import
/// no faster (96–102 s against 88.7 s), so 32 KiB still.
const SEGMENT_BYTES: usize = 32 << 10;
/// zstd level for raw bytes: with the dictionary, 1 compresses them a quarter faster than 3
/// (310 against 251 MB/s over 1,000 demo reports, `zstd -b`) for 3 % more bytes (x3.09 instead
/// of x3.19). The level only affects writing: every level reads back the same.
const RAW_ZSTD_LEVEL: i32 = 1;
/// zstd level for record JSON: with the dictionary, 1 compresses it 1.85× as fast as 3 (311 vs
/// 168 MB/s over 100 demo records) for 1.7 % more bytes (x5.65 instead of x5.75). The level
/// only affects writing: every level reads back the same.
const RECORD_ZSTD_LEVEL: i32 = 1;

/// Which zstd dictionary a value is compressed with (data/zstd/README.md: frozen files).
#[derive(Clone, Copy)]
enum Dictionary {
    Raw,
    Record,
}

impl Dictionary {
    fn bytes(self) -> &'static [u8] {
        match self {
            Dictionary::Raw => include_bytes!("../../data/zstd/raw.dict"),
            Dictionary::Record => include_bytes!("../../data/zstd/record.dict"),
        }
    }

    fn encoder(self) -> &'static zstd::dict::EncoderDictionary<'static> {
        static RAW: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
        static RECORD: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
        let cell = match self {
            Dictionary::Raw => &RAW,
            Dictionary::Record => &RECORD,
        };
        let level = match self {
            Dictionary::Raw => RAW_ZSTD_LEVEL,
            Dictionary::Record => RECORD_ZSTD_LEVEL,
        };
        cell.get_or_init(|| zstd::dict::EncoderDictionary::copy(self.bytes(), level))
    }

    fn decoder(self) -> &'static zstd::dict::DecoderDictionary<'static> {
        static RAW: OnceLock<zstd::dict::DecoderDictionary<'static>> = OnceLock::new();
        static RECORD: OnceLock<zstd::dict::DecoderDictionary<'static>> = OnceLock::new();
        let cell = match self {
            Dictionary::Raw => &RAW,
            Dictionary::Record => &RECORD,
        };
        cell.get_or_init(|| zstd::dict::DecoderDictionary::copy(self.bytes()))
    }
}

thread_local! {
    /// This thread's zstd contexts, one per dictionary: a context costs a few hundred KB of
    /// tables to set up, more than compressing one report, so each packing thread keeps its own.
    static COMPRESSORS: RefCell<[Option<zstd::bulk::Compressor<'static>>; 2]> =
        const { RefCell::new([None, None]) };
}

fn pack(bytes: &[u8], dictionary: Dictionary) -> Vec<u8> {
    COMPRESSORS.with(|compressors| {
        let mut compressors = compressors.borrow_mut();
        let slot = &mut compressors[dictionary as usize];
        if slot.is_none() {
            *slot = Some(
                zstd::bulk::Compressor::with_prepared_dictionary(dictionary.encoder())
                    .expect("zstd allocates a compression context"),
            );
        }
        slot.as_mut()
            .expect("set above")
            .compress(bytes)
            .expect("zstd compresses any input in memory")
    })
}

fn unpack(bytes: &[u8], dictionary: Dictionary) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::with_prepared_dictionary(bytes, dictionary.decoder())?
        .read_to_end(&mut out)?;
    Ok(out)
}

/// Separates a stored record's JSON from its cells ([`StoredCell`]): JSON never holds a raw NUL
/// byte (control characters in strings are escaped), so a value without one is a record
/// written before cells were stored apart (2026-12-07), whose JSON holds them.
const CELLS_FOLLOW: u8 = 0;

/// One entry of `record.cells` as stored after the JSON, in postcard's varint encoding. As JSON
/// the cells were two thirds of a record and three quarters of the time spent encoding it
/// (76 of 105 µs per demo record, docs/benchmarks.md item 47).
#[derive(Serialize, Deserialize)]
struct StoredCell<'a> {
    key: std::borrow::Cow<'a, str>,
    text: std::borrow::Cow<'a, str>,
    note: Option<std::borrow::Cow<'a, str>>,
    line: u64,
    start: u64,
    end: u64,
}

/// A record as stored: compressed, its JSON without the (recomputable) checks and without the
/// cells, which follow in [`StoredCell`]s. Checks and cells are taken out for the serialization
/// and put back, rather than serializing a copy of the record: the copy and its drop cost as
/// much as the JSON itself.
fn encode_record(record: &mut Record) -> Vec<u8> {
    let checks = std::mem::take(&mut record.checks);
    let cells = std::mem::take(&mut record.cells);
    let mut payload = serde_json::to_vec(&*record).expect("a Record always serializes");
    record.checks = checks;
    record.cells = cells;
    payload.push(CELLS_FOLLOW);
    let stored: Vec<StoredCell> = record
        .cells
        .iter()
        .map(|(key, cell)| StoredCell {
            key: key.into(),
            text: cell.text.as_str().into(),
            note: cell.note.as_deref().map(Into::into),
            line: cell.line as u64,
            start: cell.start as u64,
            end: cell.end as u64,
        })
        .collect();
    let payload = postcard::to_extend(&stored, payload).expect("cells always serialize");
    pack(&payload, Dictionary::Record)
}

/// The record of an unpacked value of [`encode_record`] (or of a JSON record of before).
fn decode_record_payload(payload: &[u8]) -> std::result::Result<Record, String> {
    let (json, cells) = match memchr::memchr(CELLS_FOLLOW, payload) {
        Some(at) => (&payload[..at], Some(&payload[at + 1..])),
        None => (payload, None),
    };
    let mut record: Record = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    if let Some(cells) = cells {
        let stored: Vec<StoredCell> =
            postcard::from_bytes(cells).map_err(|e| format!("cells: {e}"))?;
        record.cells = stored
            .into_iter()
            .map(|cell| {
                let source = crate::record::CellSource {
                    text: cell.text.into_owned(),
                    note: cell.note.map(std::borrow::Cow::into_owned),
                    line: usize::try_from(cell.line).unwrap_or(usize::MAX),
                    start: usize::try_from(cell.start).unwrap_or(usize::MAX),
                    end: usize::try_from(cell.end).unwrap_or(usize::MAX),
                };
                (cell.key.into_owned(), source)
            })
            .collect();
    }
    Ok(record)
}

/// The segment size an existing store was created with: sled refuses to open a store with
/// another, so an archive made by a build with other segments (256 KiB for a day) keeps them.
fn existing_segment_size(dir: &Path) -> Option<usize> {
    let conf = std::fs::read(dir.join("conf")).ok()?;
    let text = String::from_utf8_lossy(&conf);
    text.lines()
        .find_map(|line| line.strip_prefix("segment_size: "))
        .and_then(|value| value.trim().parse().ok())
}

const HOLDER_FILE: &str = "holder";

/// Directory of the value files inside sled's directory (sled touches only its own files).
const VALUES_DIR: &str = "values";

/// How long an open waits for a lock that this process's own dropped store may still hold.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl Store {
    /// Opens (or creates) the store in `dir`, with an explicit cache size.
    pub fn open(dir: &Path, cache_bytes: u64) -> Result<Store> {
        let path = dir.to_path_buf();
        let config = sled::Config::new()
            .path(&path)
            .cache_capacity(cache_bytes)
            .segment_size(existing_segment_size(&path).unwrap_or(SEGMENT_BYTES));
        let started = std::time::Instant::now();
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(sled::Error::Io(io)) if io.to_string().contains("could not acquire lock") => {
                    // sled's background threads let go of the file lock a moment after its
                    // last handle is dropped, so this process may still hold it when it opens
                    // the store again (a reopen, a test): then wait for it. Another process's
                    // lock is reported at once.
                    let holder = read_holder(&path);
                    let ours = holder.is_empty()
                        || holder.contains(&format!("pid {} ", std::process::id()));
                    if !ours || started.elapsed() > RELEASE_WAIT {
                        return Err(StoreError::Locked {
                            holder,
                            path: path.clone(),
                        });
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(source) => {
                    return Err(StoreError::Sled {
                        path: path.clone(),
                        source,
                    })
                }
            }
        };
        let tree = |name: &str| {
            db.open_tree(name).map_err(|source| StoreError::Sled {
                path: path.clone(),
                source,
            })
        };
        let values_dir = path.join(VALUES_DIR);
        let values = ValueFiles::open(&values_dir).map_err(|source| StoreError::Values {
            path: values_dir,
            source,
        })?;
        let mut store = Store {
            values,
            records: tree("records")?,
            raw: tree("raw")?,
            versions: tree("versions")?,
            agencies: tree("agencies")?,
            rejected: tree("rejected")?,
            meta: tree("meta")?,
            db,
            path: path.clone(),
            migrated_from: None,
        };
        match store.meta.get(SCHEMA_KEY).map_err(|e| store.sled(e))? {
            None => {
                store
                    .meta
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| store.sled(e))?;
            }
            Some(v) => {
                let found = u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4]));
                if found == SCHEMA_BY_NAME {
                    // Records and raw bytes are the same in both layouts; only the trees
                    // derived from them are keyed differently, so they are rebuilt. The version
                    // is written last: an interrupted migration runs again on the next open.
                    store.regroup()?;
                    store
                        .meta
                        .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                        .map_err(|e| store.sled(e))?;
                    store.flush()?;
                    store.migrated_from = Some(found);
                } else if found == SCHEMA_INLINE {
                    store
                        .meta
                        .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                        .map_err(|e| store.sled(e))?;
                } else if found != SCHEMA_VERSION {
                    return Err(StoreError::SchemaMismatch {
                        path,
                        found,
                        expected: SCHEMA_VERSION,
                    });
                }
            }
        }
        // Name this process as the holder so a second one can say who has the lock.
        let _ = std::fs::write(
            path.join(HOLDER_FILE),
            format!(
                "pid {} ({})",
                std::process::id(),
                std::env::args().collect::<Vec<_>>().join(" ")
            ),
        );
        Ok(store)
    }

    fn sled(&self, source: sled::Error) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: &'static str, key: &str, reason: impl ToString) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what,
            key: key.to_string(),
            reason: reason.to_string(),
        }
    }

    fn values_error(&self, source: std::io::Error) -> StoreError {
        StoreError::Values {
            path: self.path.join(VALUES_DIR),
            source,
        }
    }

    /// Appends values to the value files; returns what their trees keep for each.
    fn append<const N: usize>(&self, values: [&[u8]; N]) -> Result<[[u8; LOCATION_BYTES]; N]> {
        let locations = self
            .values
            .append(values)
            .map_err(|e| self.values_error(e))?;
        Ok(locations.map(|at| at.encode()))
    }

    /// The keys of `tree` (records or raw bytes) whose value is in the value files, with its
    /// location; values kept inline (schema 2) are passed over.
    fn located<'t>(
        &'t self,
        tree: &'t sled::Tree,
    ) -> impl Iterator<Item = Result<(sled::IVec, Location)>> + 't {
        tree.iter().filter_map(move |item| match item {
            Err(e) => Some(Err(self.sled(e))),
            Ok((key, value)) => Location::decode(&value).map(|at| Ok((key, at))),
        })
    }

    /// The decompressed value of `key` (readable, for errors) whose tree holds `value`: a
    /// location in the value files, or (schema 2) the compressed bytes themselves.
    fn unpack_value(
        &self,
        what: &'static str,
        key: &str,
        value: &[u8],
        dictionary: Dictionary,
    ) -> Result<Vec<u8>> {
        let unpacked = match Location::decode(value) {
            Some(location) => {
                let packed = self
                    .values
                    .read(location)
                    .map_err(|e| StoreError::Unreadable {
                        path: self.path.clone(),
                        what,
                        key: key.to_string(),
                        reason: e.to_string(),
                    })?;
                unpack(&packed, dictionary)
            }
            None => unpack(value, dictionary),
        };
        unpacked.map_err(|e| self.corrupt(what, key, e))
    }

    /// The schema version on disk.
    pub fn schema_version(&self) -> u32 {
        SCHEMA_VERSION
    }

    /// The schema version this open migrated the store from, if it did: then the set of
    /// current records may have changed (same-named agencies of two places were one group
    /// before), and the caller's index must be compared with the store again.
    pub fn migrated_from(&self) -> Option<u32> {
        self.migrated_from
    }

    /// Compresses a record and its source bytes for [`Store::put_packed`]: the costly part of
    /// storing, which needs no store and so can run on any thread. The record is borrowed
    /// mutably only to leave its checks out of the JSON; it is unchanged on return.
    pub fn pack(record: &mut Record, raw: &[u8]) -> Packed {
        Packed {
            record: encode_record(record),
            raw: pack(raw, Dictionary::Raw),
        }
    }

    /// Stores a parsed record with its source bytes (see [`Store::put_packed`]).
    pub fn put(&self, record: &Record, raw: &[u8]) -> Result<PutOutcome> {
        // A copy, because packing borrows the record mutably (see `encode_record`); the import
        // packs on its parsing threads instead and does not come here.
        self.put_packed(record, Store::pack(&mut record.clone(), raw))
    }

    /// Stores one record packed by [`Store::pack`] (see [`Store::put_batch`]).
    pub fn put_packed(&self, record: &Record, packed: Packed) -> Result<PutOutcome> {
        let mut stored = self.put_batch(vec![(record, packed)])?;
        Ok(stored.pop().map_or(PutOutcome::Unchanged, |s| s.outcome))
    }

    /// Stores records packed by [`Store::pack`], in order: each record, its raw bytes, its
    /// version list and its agency's year map, all in one sled transaction, so a crash leaves
    /// all of the batch or none of it. One transaction for many records because each one seals
    /// sled's log buffer and writes it out: per record, that was a sixth of an import's CPU.
    /// Returns what happened to each record, with its group's version list after the batch
    /// (empty when unchanged). Only the records' metadata is read (id, source, agency, year,
    /// region, level, kind, demo): the values are in `Packed`, and the import passes records
    /// whose sections and tables it has already dropped.
    pub fn put_batch(&self, items: Vec<(&Record, Packed)>) -> Result<Vec<Stored>> {
        let mut seen = HashSet::new();
        let mut fresh = Vec::with_capacity(items.len());
        let mut outcomes = Vec::with_capacity(items.len());
        for (record, packed) in items {
            let key = id_key(&record.id)?;
            // Same bytes stored before, or twice in this batch: nothing to write.
            if !seen.insert(key) || self.records.contains_key(key).map_err(|e| self.sled(e))? {
                outcomes.push(None);
                continue;
            }
            let [value, raw] = self.append([&packed.record, &packed.raw])?;
            let entry = VersionEntry {
                id: record.id.clone(),
                seq: self.db.generate_id().map_err(|e| self.sled(e))?,
                file: record.source.file.clone(),
            };
            let agency_year = match (&record.agency, record.year) {
                (Some(a), Some(y)) => Some((agency_key(a, place(record)), y)),
                _ => None,
            };
            outcomes.push(Some(fresh.len()));
            fresh.push(Fresh {
                record,
                key,
                value,
                raw,
                entry,
                vkey: version_key(record),
                agency_year,
            });
        }
        if fresh.is_empty() {
            return Ok(outcomes.iter().map(|_| Stored::unchanged()).collect());
        }
        let result = (&self.records, &self.raw, &self.versions, &self.agencies).transaction(
            |(records, raws, versions, agencies)| {
                // sled may run this again on a conflict: the stored lists start anew each time.
                let mut stored = Vec::with_capacity(fresh.len());
                for item in &fresh {
                    let mut list: Vec<VersionEntry> = match versions.get(&item.vkey)? {
                        Some(v) => serde_json::from_slice(&v).unwrap_or_default(),
                        None => Vec::new(),
                    };
                    let outcome = if list.is_empty() {
                        PutOutcome::New
                    } else {
                        PutOutcome::NewVersion
                    };
                    list.push(item.entry.clone());
                    versions.insert(
                        item.vkey.as_slice(),
                        serde_json::to_vec(&list).expect("serializes"),
                    )?;
                    records.insert(&item.key, &item.value)?;
                    raws.insert(&item.key, &item.raw)?;
                    if let Some((agency, year)) = &item.agency_year {
                        let mut known: AgencyEntry = match agencies.get(agency.as_slice())? {
                            Some(v) => serde_json::from_slice(&v).unwrap_or_default(),
                            None => AgencyEntry::default(),
                        };
                        known.add_year(*year, &item.entry.id, item.record);
                        agencies.insert(
                            agency.as_slice(),
                            serde_json::to_vec(&known).expect("serializes"),
                        )?;
                    }
                    stored.push(Stored {
                        outcome,
                        versions: list,
                    });
                }
                Ok::<_, ConflictableTransactionError<()>>(stored)
            },
        );
        let mut stored = result
            .map_err(|e| match e {
                TransactionError::Storage(source) => self.sled(source),
                TransactionError::Abort(()) => unreachable!("the transaction never aborts"),
            })?
            .into_iter()
            .map(Some)
            .collect::<Vec<_>>();
        Ok(outcomes
            .into_iter()
            .map(|at| {
                at.and_then(|i| stored.get_mut(i).and_then(Option::take))
                    .unwrap_or_else(Stored::unchanged)
            })
            .collect())
    }

    /// Replaces a stored record in place (reparse): same id, same versions.
    pub fn replace(&self, record: &Record) -> Result<()> {
        let key = id_key(&record.id)?;
        let [value] = self.append([&encode_record(&mut record.clone())])?;
        self.records.insert(key, &value).map_err(|e| self.sled(e))?;
        Ok(())
    }

    /// Keeps the bytes of a file that gave no record, with the reason, so nothing is lost.
    pub fn put_rejected(&self, rejected: &Rejected, raw: &[u8]) -> Result<bool> {
        let key = id_key(&rejected.id)?;
        if self.rejected.contains_key(key).map_err(|e| self.sled(e))? {
            return Ok(false);
        }
        let value = serde_json::to_vec(rejected).expect("serializes");
        let [raw] = self.append([&pack(raw, Dictionary::Raw)])?;
        (&self.raw, &self.rejected)
            .transaction(|(raws, rejects)| {
                raws.insert(&key, &raw)?;
                rejects.insert(&key, value.as_slice())?;
                Ok::<_, ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(source) => self.sled(source),
                TransactionError::Abort(()) => unreachable!("the transaction never aborts"),
            })?;
        Ok(true)
    }

    /// Drops a rejected entry (a later parser read the file).
    pub fn remove_rejected(&self, id: &str) -> Result<()> {
        self.rejected
            .remove(id_key(id)?)
            .map_err(|e| self.sled(e))?;
        Ok(())
    }

    /// One record by id, without its checks (see the module header).
    pub fn record(&self, id: &str) -> Result<Option<Record>> {
        let Ok(key) = id_key(id) else {
            return Ok(None);
        };
        match self.records.get(key).map_err(|e| self.sled(e))? {
            None => Ok(None),
            Some(v) => self.decode_record(id, &v).map(Some),
        }
    }

    fn decode_record(&self, id: &str, value: &[u8]) -> Result<Record> {
        let payload = self.unpack_value("record", id, value, Dictionary::Record)?;
        decode_record_payload(&payload).map_err(|e| self.corrupt("record", id, e))
    }

    /// The source bytes of a record or rejected file.
    pub fn raw(&self, id: &str) -> Result<Option<Vec<u8>>> {
        let Ok(key) = id_key(id) else {
            return Ok(None);
        };
        match self.raw.get(key).map_err(|e| self.sled(e))? {
            None => Ok(None),
            Some(v) => self
                .unpack_value("raw text", id, &v, Dictionary::Raw)
                .map(Some),
        }
    }

    /// Whether a record with this id is stored.
    pub fn contains(&self, id: &str) -> Result<bool> {
        let Ok(key) = id_key(id) else {
            return Ok(false);
        };
        self.records.contains_key(key).map_err(|e| self.sled(e))
    }

    /// Every version of the report group the record belongs to, oldest first.
    pub fn versions(&self, record: &Record) -> Result<Vec<VersionEntry>> {
        match self
            .versions
            .get(version_key(record))
            .map_err(|e| self.sled(e))?
        {
            None => Ok(Vec::new()),
            Some(v) => {
                serde_json::from_slice(&v).map_err(|e| self.corrupt("version list", &record.id, e))
            }
        }
    }

    /// Ids of current records (the newest version of each agency, place and year), in key order.
    pub fn current_ids(&self) -> impl Iterator<Item = Result<String>> + '_ {
        self.versions.iter().filter_map(move |item| match item {
            Err(e) => Some(Err(self.sled(e))),
            Ok((_, v)) => match serde_json::from_slice::<Vec<VersionEntry>>(&v) {
                Ok(list) => list.last().map(|e| Ok(e.id.clone())),
                Err(e) => Some(Err(self.corrupt("version list", "?", e))),
            },
        })
    }

    /// Ids of records (all versions) whose raw bytes are not stored: should be none.
    pub fn records_without_raw(&self) -> Result<Vec<String>> {
        let mut missing = Vec::new();
        for item in self.records.iter().keys() {
            let key = item.map_err(|e| self.sled(e))?;
            if !self.raw.contains_key(&key).map_err(|e| self.sled(e))? {
                missing.push(key_id(&key));
            }
        }
        Ok(missing)
    }

    /// Ids of records and rejected files with a value (record or raw bytes) that its value
    /// file does not hold: the file is missing or ends before it (a crash before the file
    /// reached the disk). Reads only the locations and the files' sizes.
    pub fn values_past_end(&self) -> Result<Vec<String>> {
        let sizes = self.values.sizes().map_err(|e| self.values_error(e))?;
        let mut ids = BTreeSet::new();
        for tree in [&self.records, &self.raw] {
            for item in self.located(tree) {
                let (key, at) = item?;
                let end = at.offset.saturating_add(u64::from(at.len));
                if sizes.get(&at.file).is_none_or(|size| end > *size) {
                    ids.insert(key_id(&key));
                }
            }
        }
        Ok(ids.into_iter().collect())
    }

    /// Every stored record (all versions), in key order, without checks.
    pub fn records(&self) -> impl Iterator<Item = Result<Record>> + '_ {
        self.records.iter().map(move |item| {
            let (k, v) = item.map_err(|e| self.sled(e))?;
            self.decode_record(&key_id(&k), &v)
        })
    }

    /// Agencies with what the store knows of them, in name order; the places of one name are
    /// adjacent, the unknown place (no code) first. Items are (name, code, entry).
    pub fn agencies(
        &self,
    ) -> impl Iterator<Item = Result<(String, Option<String>, AgencyEntry)>> + '_ {
        self.agencies
            .iter()
            .map(move |item| self.decode_agency(item.map_err(|e| self.sled(e))?))
    }

    fn decode_agency(
        &self,
        (key, value): (sled::IVec, sled::IVec),
    ) -> Result<(String, Option<String>, AgencyEntry)> {
        let (name, code) = split_agency_key(&key);
        let entry = serde_json::from_slice(&value).map_err(|e| self.corrupt("agency", &name, e))?;
        Ok((name, code, entry))
    }

    /// One agency, by name and place (`None`: the place is unknown): its years → current
    /// record id, region and level.
    pub fn agency(&self, name: &str, code: Option<&str>) -> Result<Option<AgencyEntry>> {
        match self
            .agencies
            .get(agency_key(name, code))
            .map_err(|e| self.sled(e))?
        {
            None => Ok(None),
            Some(v) => serde_json::from_slice(&v)
                .map(Some)
                .map_err(|e| self.corrupt("agency", name, e)),
        }
    }

    /// Every place of an agency name, as (code, entry), in code order (the unknown place
    /// first); empty for an unknown name.
    pub fn agency_places(&self, name: &str) -> Result<Vec<(Option<String>, AgencyEntry)>> {
        let mut prefix = name.as_bytes().to_vec();
        prefix.push(0);
        let mut places = Vec::new();
        for item in self.agencies.scan_prefix(&prefix) {
            let (found, code, entry) = self.decode_agency(item.map_err(|e| self.sled(e))?)?;
            // A name holding a NUL (`A\0B`) would share the prefix of `A`.
            if found == name {
                places.push((code, entry));
            }
        }
        Ok(places)
    }

    /// Rebuilds the version lists and the agencies from the stored records: what opening a
    /// store of the by-name layout does, and what a reparse needs when records changed their
    /// agency, year or place. The order of versions is the import order, which only the
    /// version lists record (`seq`); their values have the same shape in every layout, so
    /// they are read as they are, whatever their keys. A record no list names (none should
    /// be) counts as the oldest of its group. Each tree is replaced in one atomic batch, so an
    /// interruption leaves lists that a second run reads the same way.
    pub fn regroup(&self) -> Result<()> {
        let mut imported: HashMap<String, VersionEntry> = HashMap::new();
        for item in self.versions.iter() {
            let (key, value) = item.map_err(|e| self.sled(e))?;
            let list: Vec<VersionEntry> = serde_json::from_slice(&value)
                .map_err(|e| self.corrupt("version list", &String::from_utf8_lossy(&key), e))?;
            for entry in list {
                imported.insert(entry.id.clone(), entry);
            }
        }
        let mut groups: BTreeMap<Vec<u8>, Vec<(VersionEntry, Record)>> = BTreeMap::new();
        for record in self.records() {
            let record = record?;
            let entry = imported.remove(&record.id).unwrap_or_else(|| VersionEntry {
                id: record.id.clone(),
                seq: 0,
                file: record.source.file.clone(),
            });
            // Only what keys and agency entries need is kept: whole records of a large
            // archive would not fit in memory.
            let slim = Record {
                id: record.id,
                agency: record.agency,
                year: record.year,
                region: record.region,
                level: record.level,
                kind: record.kind,
                demo: record.demo,
                ..Record::default()
            };
            groups
                .entry(version_key(&slim))
                .or_default()
                .push((entry, slim));
        }
        let mut versions = sled::Batch::default();
        for key in self.versions.iter().keys() {
            versions.remove(key.map_err(|e| self.sled(e))?);
        }
        let mut agencies: BTreeMap<Vec<u8>, AgencyEntry> = BTreeMap::new();
        for (key, mut group) in groups {
            group.sort_by_key(|(entry, _)| entry.seq);
            let (current, record) = group.last().expect("a group holds at least one record");
            if let (Some(agency), Some(year)) = (&record.agency, record.year) {
                agencies
                    .entry(agency_key(agency, place(record)))
                    .or_default()
                    .add_year(year, &current.id, record);
            }
            let list: Vec<&VersionEntry> = group.iter().map(|(entry, _)| entry).collect();
            versions.insert(key, serde_json::to_vec(&list).expect("serializes"));
        }
        let mut agency_batch = sled::Batch::default();
        for key in self.agencies.iter().keys() {
            agency_batch.remove(key.map_err(|e| self.sled(e))?);
        }
        for (key, entry) in agencies {
            agency_batch.insert(key, serde_json::to_vec(&entry).expect("serializes"));
        }
        self.versions
            .apply_batch(versions)
            .map_err(|e| self.sled(e))?;
        self.agencies
            .apply_batch(agency_batch)
            .map_err(|e| self.sled(e))?;
        Ok(())
    }

    /// Files kept without a record.
    pub fn rejected(&self) -> impl Iterator<Item = Result<Rejected>> + '_ {
        self.rejected.iter().map(move |item| {
            let (k, v) = item.map_err(|e| self.sled(e))?;
            serde_json::from_slice(&v).map_err(|e| self.corrupt("rejected entry", &key_id(&k), e))
        })
    }

    /// Counts of stored records (all versions), current records, agencies and rejected files.
    pub fn counts(&self) -> StoreCounts {
        StoreCounts {
            records: self.records.len() as u64,
            current: self.versions.len() as u64,
            agencies: self.agencies.len() as u64,
            rejected: self.rejected.len() as u64,
            raw: self.raw.len() as u64,
        }
    }

    /// Number of agencies (a name in a place). Reads only the agencies tree: [`Store::counts`]
    /// walks every tree, records and raw bytes included, which at 100k reports takes over a
    /// second and leaves sled holding hundreds of MB.
    pub fn agency_count(&self) -> u64 {
        self.agencies.len() as u64
    }

    /// Gives back the space of replaced values (see [`Store::replace`]) once they are a quarter
    /// of the value files or more: copies the values still in use out of every file holding
    /// garbage into a new file, points their trees there, and deletes the old files. Returns
    /// the bytes given back. Run by a writer with no other writer about (reparse).
    pub fn compact_values(&self) -> Result<u64> {
        let sizes = self.values.sizes().map_err(|e| self.values_error(e))?;
        let mut live: BTreeMap<u32, u64> = BTreeMap::new();
        for item in self.located(&self.records).chain(self.located(&self.raw)) {
            let (_, at) = item?;
            *live.entry(at.file).or_default() += u64::from(at.len);
        }
        let total: u64 = sizes.values().sum();
        let garbage = total.saturating_sub(live.values().sum());
        if garbage == 0 || garbage < total / 4 {
            return Ok(0);
        }
        let target = self
            .values
            .start_new_file()
            .map_err(|e| self.values_error(e))?;
        let old: Vec<(u32, u64)> = sizes
            .into_iter()
            .filter(|(file, size)| *file != target && live.get(file).copied().unwrap_or(0) < *size)
            .collect();
        let is_old = |file: u32| old.iter().any(|(f, _)| *f == file);
        let mut copied = 0u64;
        for tree in [&self.records, &self.raw] {
            let mut moves = sled::Batch::default();
            for item in self.located(tree) {
                let (key, at) = item?;
                if !is_old(at.file) {
                    continue;
                }
                let bytes = self
                    .values
                    .read(at)
                    .map_err(|e| self.corrupt("value", &key_id(&key), e))?;
                let [moved] = self.append([&bytes])?;
                moves.insert(key, &moved);
                copied += u64::from(at.len);
            }
            tree.apply_batch(moves).map_err(|e| self.sled(e))?;
        }
        // The copies and their locations are durable before the originals go.
        self.flush()?;
        for (file, _) in &old {
            self.values
                .remove(*file)
                .map_err(|e| self.values_error(e))?;
        }
        Ok(old.iter().map(|(_, size)| size).sum::<u64>() - copied)
    }

    /// Bytes used on disk by the database and its value files.
    pub fn size_on_disk(&self) -> u64 {
        self.db.size_on_disk().unwrap_or(0) + self.values.size_on_disk()
    }

    /// Makes every write so far durable: the value files first, so that no location sled
    /// keeps points past what is on disk.
    pub fn flush(&self) -> Result<()> {
        self.values.sync().map_err(|e| self.values_error(e))?;
        self.db.flush().map_err(|e| self.sled(e))?;
        Ok(())
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.values.sync();
        let _ = self.db.flush();
        let _ = std::fs::remove_file(self.path.join(HOLDER_FILE));
    }
}

#[cfg(test)]
impl Store {
    /// Rewrites the versions, agencies and schema version as nianbao wrote them before
    /// agencies were keyed by place (schema 1): `name 0x00 year` and `name`, the same-named
    /// agencies of all places in one group, the last imported current.
    pub(crate) fn write_by_name_layout(&self) {
        let mut versions: BTreeMap<Vec<u8>, Vec<VersionEntry>> = BTreeMap::new();
        let mut agencies: BTreeMap<Vec<u8>, AgencyEntry> = BTreeMap::new();
        for item in self.versions.iter() {
            let (key, value) = item.unwrap();
            let list: Vec<VersionEntry> = serde_json::from_slice(&value).unwrap();
            for entry in list {
                let r = self.record(&entry.id).unwrap().unwrap();
                let key = match (&r.agency, r.year) {
                    (Some(name), Some(year)) => {
                        let mut k = name.as_bytes().to_vec();
                        k.push(0);
                        k.extend_from_slice(&(year as u32).to_be_bytes());
                        k
                    }
                    _ => key.to_vec(),
                };
                versions.entry(key).or_default().push(entry);
            }
        }
        for list in versions.values_mut() {
            list.sort_by_key(|e| e.seq);
            let current = self.record(&list.last().unwrap().id).unwrap().unwrap();
            if let (Some(name), Some(year)) = (&current.agency, current.year) {
                let known = agencies.entry(name.as_bytes().to_vec()).or_default();
                known.years.insert(year, current.id.clone());
                known.region = current.region.clone();
            }
        }
        self.versions.clear().unwrap();
        self.agencies.clear().unwrap();
        for (key, list) in versions {
            self.versions
                .insert(key, serde_json::to_vec(&list).unwrap())
                .unwrap();
        }
        for (key, entry) in agencies {
            self.agencies
                .insert(key, serde_json::to_vec(&entry).unwrap())
                .unwrap();
        }
        self.meta
            .insert(SCHEMA_KEY, &SCHEMA_BY_NAME.to_be_bytes())
            .unwrap();
    }
}

/// Sizes of the store's trees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCounts {
    /// Stored records, every version.
    pub records: u64,
    /// Current records (one per agency, place and year, or per file without agency or year).
    pub current: u64,
    /// Agencies (name and place).
    pub agencies: u64,
    /// Files kept without a record.
    pub rejected: u64,
    /// Raw sources kept.
    pub raw: u64,
}

fn read_holder(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .map(|h| format!(", held by {}", h.trim()))
        .unwrap_or_default()
}

/// Record id (16 hex digits) → 8-byte big-endian key.
pub fn id_key(id: &str) -> Result<[u8; 8]> {
    if id.len() != 16 {
        return Err(StoreError::BadId(id.to_string()));
    }
    u64::from_str_radix(id, 16)
        .map(|n| n.to_be_bytes())
        .map_err(|_| StoreError::BadId(id.to_string()))
}

fn key_id(key: &[u8]) -> String {
    match <[u8; 8]>::try_from(key) {
        Ok(b) => format!("{:016x}", u64::from_be_bytes(b)),
        Err(_) => String::from_utf8_lossy(key).into_owned(),
    }
}

/// The place an agency is keyed by: its region's GB/T 2260 code, `None` when unknown.
fn place(record: &Record) -> Option<&str> {
    record.region.code.as_deref().filter(|c| !c.is_empty())
}

/// An agency: `name 0x00 code`, the code empty when the place is unknown. Name first, so that
/// the tree iterates in name order with one name's places adjacent.
fn agency_key(name: &str, code: Option<&str>) -> Vec<u8> {
    let mut k = name.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(code.unwrap_or("").as_bytes());
    k
}

/// (name, code) of an agency key. The code is cut at the last NUL: codes are digits, while a
/// name read from a report could hold anything.
fn split_agency_key(key: &[u8]) -> (String, Option<String>) {
    match key.iter().rposition(|b| *b == 0) {
        Some(i) => {
            let code = String::from_utf8_lossy(&key[i + 1..]).into_owned();
            (
                String::from_utf8_lossy(&key[..i]).into_owned(),
                (!code.is_empty()).then_some(code),
            )
        }
        None => (String::from_utf8_lossy(key).into_owned(), None),
    }
}

/// Groups versions by agency, place and year: `agency 0x00 code 0x00 year(u32 BE)` (the code
/// empty when the place is unknown); a record without agency or year is a group of its own:
/// `0xFF id(u64 BE)` (0xFF never starts a UTF-8 name).
fn version_key(record: &Record) -> Vec<u8> {
    match (&record.agency, record.year) {
        (Some(agency), Some(year)) => {
            let mut k = agency_key(agency, place(record));
            k.push(0);
            k.extend_from_slice(&(year as u32).to_be_bytes());
            k
        }
        _ => {
            let mut k = vec![0xFF];
            k.extend_from_slice(&id_key(&record.id).unwrap_or([0; 8]));
            k
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, agency: &str, year: i32) -> Record {
        Record {
            id: id.into(),
            agency: Some(agency.into()),
            year: Some(year),
            ..Default::default()
        }
    }

    fn cell(text: &str, note: Option<&str>, line: usize) -> crate::record::CellSource {
        crate::record::CellSource {
            text: text.into(),
            note: note.map(Into::into),
            line,
            start: line * 10,
            end: line * 10 + text.len(),
        }
    }

    #[test]
    fn a_record_reads_back_with_its_cells_and_a_record_stored_as_json_still_reads() {
        let mut r = record("a", "某局", 2023);
        r.title = Some("标题\u{0}含空字符".into());
        r.cells.insert(
            "requests.new.total".into(),
            cell("22（其中修订16件）", Some("其中修订16件"), 7),
        );
        r.cells
            .insert("review.reconsideration.total".into(), cell("", None, 0));
        r.cells
            .insert("x\u{0}y".into(), cell("\u{0}", None, usize::MAX / 16));
        r.checks = vec![crate::record::Check::default()];
        let before = r.clone();
        let packed = encode_record(&mut r);
        assert_eq!(r, before, "encoding leaves the record as it was");
        let payload = unpack(&packed, Dictionary::Record).unwrap();
        let back = decode_record_payload(&payload).unwrap();
        let mut expected = r.clone();
        expected.checks.clear();
        assert_eq!(back, expected);
        // A value of before: the whole record, cells included, as JSON.
        let old = pack(&serde_json::to_vec(&expected).unwrap(), Dictionary::Record);
        let payload = unpack(&old, Dictionary::Record).unwrap();
        assert_eq!(decode_record_payload(&payload).unwrap(), expected);
        // Cells cut short are an error, not a panic.
        let payload = unpack(&packed, Dictionary::Record).unwrap();
        let cut = &payload[..payload.len() - 3];
        assert!(decode_record_payload(cut).unwrap_err().contains("cells"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        /// Any cells read back as written.
        #[test]
        fn any_cells_read_back(
            cells in proptest::collection::btree_map(
                ".{0,12}",
                (".{0,8}", proptest::option::of(".{0,8}"), 0usize..1 << 40, 0usize..1 << 40),
                0..12,
            )
        ) {
            let mut r = record("b", "某局", 2022);
            for (key, (text, note, line, start)) in cells {
                let end = start + text.len();
                r.cells.insert(key, crate::record::CellSource { text, note, line, start, end });
            }
            let payload = unpack(&encode_record(&mut r), Dictionary::Record).unwrap();
            proptest::prop_assert_eq!(decode_record_payload(&payload).unwrap(), r);
        }
    }

    #[test]
    fn a_store_made_with_other_segments_opens_with_its_own() {
        let dir = tempfile::tempdir().unwrap();
        {
            // An archive made with other segments than this build's.
            let db = sled::Config::new()
                .path(dir.path())
                .segment_size(256 << 10)
                .open()
                .unwrap();
            db.flush().unwrap();
        }
        assert_eq!(existing_segment_size(dir.path()), Some(256 << 10));
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let a = record("00000000000000a1", "某县教育局", 2023);
        assert_eq!(store.put(&a, b"one").unwrap(), PutOutcome::New);
        assert!(store.contains("00000000000000a1").unwrap());
        drop(store);
        let fresh = tempfile::tempdir().unwrap();
        assert_eq!(existing_segment_size(fresh.path()), None);
        drop(Store::open(fresh.path(), 8 << 20).unwrap());
        assert_eq!(existing_segment_size(fresh.path()), Some(SEGMENT_BYTES));
    }

    #[test]
    fn put_is_idempotent_and_versions_stack() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let a = record("00000000000000a1", "某县教育局", 2023);
        assert_eq!(store.put(&a, b"one").unwrap(), PutOutcome::New);
        assert_eq!(store.put(&a, b"one").unwrap(), PutOutcome::Unchanged);
        let b = record("00000000000000b2", "某县教育局", 2023);
        assert_eq!(store.put(&b, b"two").unwrap(), PutOutcome::NewVersion);
        let versions = store.versions(&b).unwrap();
        assert_eq!(
            versions.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
            ["00000000000000a1", "00000000000000b2"]
        );
        let current: Vec<String> = store.current_ids().map(|r| r.unwrap()).collect();
        assert_eq!(current, ["00000000000000b2"]);
        assert_eq!(
            store.agency("某县教育局", None).unwrap().unwrap().years[&2023],
            "00000000000000b2"
        );
        assert_eq!(store.raw("00000000000000a1").unwrap().unwrap(), b"one");
        assert_eq!(store.counts().records, 2);
    }

    #[test]
    fn a_batch_stores_in_order_and_sees_its_own_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let before = record("00000000000000a1", "某县教育局", 2023);
        assert_eq!(store.put(&before, b"one").unwrap(), PutOutcome::New);

        let again = record("00000000000000a1", "某县教育局", 2023);
        let b = record("00000000000000b2", "某县教育局", 2023);
        let twice = record("00000000000000b2", "某县教育局", 2023);
        let c = record("00000000000000c3", "某县教育局", 2023);
        let other = record("00000000000000d4", "某县民政局", 2024);
        let batch = [
            (&again, b"one".as_slice()),
            (&b, b"two"),
            (&twice, b"two"),
            (&c, b"three"),
            (&other, b"four"),
        ];
        let stored = store
            .put_batch(
                batch
                    .iter()
                    .map(|(r, raw)| (*r, Store::pack(&mut (*r).clone(), raw)))
                    .collect(),
            )
            .unwrap();
        let outcomes: Vec<PutOutcome> = stored.iter().map(|s| s.outcome).collect();
        assert_eq!(
            outcomes,
            [
                PutOutcome::Unchanged,
                PutOutcome::NewVersion,
                PutOutcome::Unchanged,
                PutOutcome::NewVersion,
                PutOutcome::New,
            ]
        );
        // Each record's list is its group's as it stood after that record: the index adds b
        // as newest, then c replaces it.
        let ids = |s: &Stored| s.versions.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&stored[1]), ["00000000000000a1", "00000000000000b2"]);
        assert_eq!(
            ids(&stored[3]),
            ["00000000000000a1", "00000000000000b2", "00000000000000c3"]
        );
        assert!(stored[2].versions.is_empty());
        assert_eq!(
            store.agency("某县教育局", None).unwrap().unwrap().years[&2023],
            "00000000000000c3"
        );
        assert_eq!(store.raw("00000000000000c3").unwrap().unwrap(), b"three");
        assert_eq!(store.raw("00000000000000d4").unwrap().unwrap(), b"four");
        assert_eq!(store.counts().records, 4);
        let current: Vec<String> = store.current_ids().map(|r| r.unwrap()).collect();
        assert_eq!(current, ["00000000000000c3", "00000000000000d4"]);
    }
    #[test]
    fn a_store_with_values_inline_is_read_and_marked_version_3() {
        let dir = tempfile::tempdir().unwrap();
        let a = record("00000000000000a1", "某县教育局", 2023);
        {
            let store = Store::open(dir.path(), 8 << 20).unwrap();
            store.put(&a, "原文".as_bytes()).unwrap();
            // Schema 2 kept the compressed bytes in the trees themselves.
            for tree in [&store.records, &store.raw] {
                let value = tree.get(id_key(&a.id).unwrap()).unwrap().unwrap();
                let at = Location::decode(&value).expect("a location");
                tree.insert(id_key(&a.id).unwrap(), store.values.read(at).unwrap())
                    .unwrap();
            }
            store
                .meta
                .insert(SCHEMA_KEY, &SCHEMA_INLINE.to_be_bytes())
                .unwrap();
            for file in store.values.sizes().unwrap().keys() {
                store.values.remove(*file).unwrap();
            }
        }
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        assert_eq!(store.migrated_from(), None);
        let stored = store.meta.get(SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(stored.as_ref(), SCHEMA_VERSION.to_be_bytes());
        assert_eq!(store.record(&a.id).unwrap().unwrap().agency, a.agency);
        assert_eq!(store.raw(&a.id).unwrap().unwrap(), "原文".as_bytes());
    }

    #[test]
    fn compaction_gives_back_replaced_values_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let ids: Vec<String> = (0..20).map(|i| format!("{i:016x}")).collect();
        for (i, id) in ids.iter().enumerate() {
            let raw = format!("第{i}份报告的原文，内容各不相同：{}", "数".repeat(i * 7));
            store
                .put(&record(id, &format!("机关{i}"), 2023), raw.as_bytes())
                .unwrap();
        }
        // Nothing replaced yet: nothing to give back.
        assert_eq!(store.compact_values().unwrap(), 0);
        let before = store.values.size_on_disk();
        for id in &ids {
            let mut changed = store.record(id).unwrap().unwrap();
            changed.title = Some("重新解析".into());
            store.replace(&changed).unwrap();
        }
        let with_garbage = store.values.size_on_disk();
        assert!(with_garbage > before);
        let given_back = store.compact_values().unwrap();
        assert_eq!(store.values.size_on_disk(), with_garbage - given_back);
        assert!(given_back > before / 4, "{given_back} of {with_garbage}");
        let files = store.values.sizes().unwrap();
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(store.compact_values().unwrap(), 0);
        for (i, id) in ids.iter().enumerate() {
            let reread = store.record(id).unwrap().unwrap();
            assert_eq!(reread.title.as_deref(), Some("重新解析"));
            let raw = String::from_utf8(store.raw(id).unwrap().unwrap()).unwrap();
            assert!(raw.starts_with(&format!("第{i}份报告")), "{raw}");
        }
        drop(store);
        let reopened = Store::open(dir.path(), 8 << 20).unwrap();
        assert_eq!(reopened.records().count(), ids.len());
        assert!(reopened.records().all(|r| r.is_ok()));
    }

    #[test]
    fn values_a_shortened_file_lacks_are_listed_and_read_as_errors() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let a = record("00000000000000a1", "某县教育局", 2022);
        let b = record("00000000000000b2", "某县教育局", 2023);
        store.put(&a, "第一份".as_bytes()).unwrap();
        store.put(&b, "第二份".as_bytes()).unwrap();
        store.flush().unwrap();
        assert!(store.values_past_end().unwrap().is_empty());
        // As a crash may leave it: the file lost its last bytes (b's raw bytes).
        let (file, size) = store.values.sizes().unwrap().into_iter().next().unwrap();
        let path = dir
            .path()
            .join(VALUES_DIR)
            .join(format!("{file:08}.values"));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(size - 3)
            .unwrap();
        assert_eq!(store.values_past_end().unwrap(), ["00000000000000b2"]);
        let error = store.raw(&b.id).unwrap_err().to_string();
        assert!(
            error.contains("00000000000000b2") && error.contains(".values"),
            "{error}"
        );
        assert_eq!(store.raw(&a.id).unwrap().unwrap(), "第一份".as_bytes());
    }

    /// One step of [`every_value_reads_back_after_puts_replaces_compactions_and_a_reopen`].
    #[derive(Debug, Clone)]
    enum Step {
        Put(u8, Vec<u8>),
        Replace(u8, String),
        Compact,
        Reopen,
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0u8..6, proptest::collection::vec(any::<u8>(), 0..300))
                .prop_map(|(i, raw)| Step::Put(i, raw)),
            4 => (0u8..6, "[一二三四五六七八九十]{0,40}").prop_map(|(i, t)| Step::Replace(i, t)),
            2 => Just(Step::Compact),
            1 => Just(Step::Reopen),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

        /// Whatever the order of puts, replacements, compactions and a reopen, every record and
        /// raw text reads back as last written, and nothing is left behind unreadable.
        #[test]
        fn every_value_reads_back_after_puts_replaces_compactions_and_a_reopen(
            steps in proptest::collection::vec(step(), 1..40)
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Some(Store::open(dir.path(), 1 << 20).unwrap());
            // id → (title, raw) as last written.
            let mut model: BTreeMap<String, (Option<String>, Vec<u8>)> = BTreeMap::new();
            let mut reopened = false;
            for step in steps {
                let s = store.as_ref().unwrap();
                match step {
                    Step::Put(i, raw) => {
                        let id = format!("{i:016x}");
                        if let std::collections::btree_map::Entry::Vacant(slot) = model.entry(id) {
                            s.put(&record(slot.key(), &format!("机关{i}"), 2023), &raw)
                                .unwrap();
                            slot.insert((None, raw));
                        }
                    }
                    Step::Replace(i, title) => {
                        let id = format!("{i:016x}");
                        if let Some((old, _)) = model.get_mut(&id) {
                            let mut changed = s.record(&id).unwrap().unwrap();
                            changed.title = Some(title.clone());
                            s.replace(&changed).unwrap();
                            *old = Some(title);
                        }
                    }
                    Step::Compact => {
                        s.compact_values().unwrap();
                    }
                    Step::Reopen if !reopened => {
                        reopened = true;
                        drop(store.take());
                        store = Some(Store::open(dir.path(), 1 << 20).unwrap());
                    }
                    Step::Reopen => {}
                }
            }
            let s = store.as_ref().unwrap();
            for (id, (title, raw)) in &model {
                proptest::prop_assert_eq!(&s.record(id).unwrap().unwrap().title, title);
                proptest::prop_assert_eq!(&s.raw(id).unwrap().unwrap(), raw);
            }
            proptest::prop_assert!(s.values_past_end().unwrap().is_empty());
        }
    }

    fn placed(id: &str, agency: &str, year: i32, code: &str, city: &str) -> Record {
        Record {
            region: Region {
                province: Some(
                    if code.starts_with("11") {
                        "北京市"
                    } else {
                        "吉林省"
                    }
                    .into(),
                ),
                city: Some(city.into()),
                county: Some("朝阳区".into()),
                code: Some(code.into()),
            },
            ..record(id, agency, year)
        }
    }

    #[test]
    fn keys_put_name_then_place_then_year() {
        let name = "朝阳区人民政府";
        let mut expected = name.as_bytes().to_vec();
        expected.push(0);
        expected.extend_from_slice(b"110105");
        assert_eq!(agency_key(name, Some("110105")), expected);
        assert_eq!(
            split_agency_key(&expected),
            (name.to_string(), Some("110105".to_string()))
        );
        let beijing = placed("00000000000000a1", name, 2023, "110105", "北京市");
        expected.push(0);
        expected.extend_from_slice(&2023u32.to_be_bytes());
        assert_eq!(version_key(&beijing), expected);

        // Without a code the place is empty, and the name alone was the key before.
        let unplaced = record("00000000000000a2", name, 2023);
        let mut bare = name.as_bytes().to_vec();
        bare.push(0);
        assert_eq!(agency_key(name, place(&unplaced)), bare);
        assert_eq!(split_agency_key(&bare), (name.to_string(), None));
        bare.push(0);
        bare.extend_from_slice(&2023u32.to_be_bytes());
        assert_eq!(version_key(&unplaced), bare);

        // Byte order: one name's places are adjacent (the unknown place first), before any
        // longer name that starts with it.
        let mut keys = [
            agency_key("朝阳区人民政府办公室", Some("110105")),
            agency_key(name, Some("220104")),
            agency_key(name, None),
            agency_key(name, Some("110105")),
        ];
        keys.sort();
        let order: Vec<(String, Option<String>)> =
            keys.iter().map(|k| split_agency_key(k)).collect();
        let place_of = |n: &str, c: Option<&str>| (n.to_string(), c.map(str::to_string));
        assert_eq!(
            order,
            [
                place_of(name, None),
                place_of(name, Some("110105")),
                place_of(name, Some("220104")),
                place_of("朝阳区人民政府办公室", Some("110105")),
            ]
        );
    }

    #[test]
    fn same_name_in_two_places_is_two_agencies() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        let name = "朝阳区人民政府";
        let beijing = placed("00000000000000a1", name, 2023, "110105", "北京市");
        let changchun = placed("00000000000000b2", name, 2023, "220104", "长春市");
        assert_eq!(store.put(&beijing, b"one").unwrap(), PutOutcome::New);
        assert_eq!(store.put(&changchun, b"two").unwrap(), PutOutcome::New);
        assert_eq!(store.versions(&changchun).unwrap().len(), 1);
        let places: Vec<Option<String>> = store
            .agency_places(name)
            .unwrap()
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        assert_eq!(places, [Some("110105".into()), Some("220104".into())]);
        let years = |code| store.agency(name, Some(code)).unwrap().unwrap().years;
        assert_eq!(years("110105")[&2023], "00000000000000a1");
        assert_eq!(years("220104")[&2023], "00000000000000b2");
        assert!(store.agency(name, None).unwrap().is_none());
        assert_eq!(store.counts().agencies, 2);
        assert_eq!(store.counts().current, 2);
    }

    #[test]
    fn a_by_name_store_is_migrated_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let name = "朝阳区人民政府";
        let beijing = placed("00000000000000a1", name, 2023, "110105", "北京市");
        let changchun = placed("00000000000000b2", name, 2023, "220104", "长春市");
        let corrected = placed("00000000000000c3", name, 2023, "110105", "北京市");
        let older = placed("00000000000000d4", name, 2022, "110105", "北京市");
        {
            let store = Store::open(dir.path(), 8 << 20).unwrap();
            for (r, raw) in [
                (&beijing, "one"),
                (&changchun, "two"),
                (&corrected, "three"),
                (&older, "four"),
            ] {
                store.put(r, raw.as_bytes()).unwrap();
            }
            store.write_by_name_layout();
            assert_eq!(store.counts().current, 2, "one group per name and year");
            assert_eq!(store.counts().agencies, 1);
        }
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        assert_eq!(store.migrated_from(), Some(SCHEMA_BY_NAME));
        let ids = |r: &Record| -> Vec<String> {
            store
                .versions(r)
                .unwrap()
                .into_iter()
                .map(|v| v.id)
                .collect()
        };
        // Import order survives: the corrected Beijing report stays the newer version.
        assert_eq!(ids(&beijing), ["00000000000000a1", "00000000000000c3"]);
        assert_eq!(ids(&changchun), ["00000000000000b2"]);
        let mut current: Vec<String> = store.current_ids().map(|r| r.unwrap()).collect();
        current.sort();
        assert_eq!(
            current,
            ["00000000000000b2", "00000000000000c3", "00000000000000d4"]
        );
        let beijing_years = store.agency(name, Some("110105")).unwrap().unwrap().years;
        assert_eq!(
            beijing_years,
            BTreeMap::from([
                (2022, "00000000000000d4".to_string()),
                (2023, "00000000000000c3".to_string())
            ])
        );
        assert_eq!(store.counts().agencies, 2);
        drop(store);
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        assert_eq!(store.migrated_from(), None, "the migration is written once");
        assert_eq!(store.counts().agencies, 2);
    }

    #[test]
    fn an_unknown_schema_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path(), 8 << 20).unwrap();
            store
                .meta
                .insert(SCHEMA_KEY, &(SCHEMA_VERSION + 1).to_be_bytes())
                .unwrap();
        }
        match Store::open(dir.path(), 8 << 20) {
            Err(e @ StoreError::SchemaMismatch { .. }) => {
                assert!(e.to_string().contains("new --data directory"), "{e}")
            }
            Err(e) => panic!("expected SchemaMismatch, got {e}"),
            Ok(_) => panic!("a newer layout must not be opened"),
        }
    }

    #[test]
    fn second_open_names_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Store::open(dir.path(), 8 << 20).unwrap();
        // sled takes an flock per open file, so a second open fails even within one process.
        match Store::open(dir.path(), 8 << 20) {
            Err(e @ StoreError::Locked { .. }) => {
                assert!(e.to_string().contains("open in another process"), "{e}")
            }
            Err(e) => panic!("expected Locked, got {e}"),
            Ok(_) => panic!("a second open of a held archive must fail"),
        }
    }

    #[test]
    fn bad_ids_are_errors_not_panics() {
        assert!(id_key("xyz").is_err());
        assert!(id_key("zzzzzzzzzzzzzzzz").is_err());
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), 8 << 20).unwrap();
        assert!(store.record("../../etc/passwd").unwrap().is_none());
    }
}
