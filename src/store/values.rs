//! Value files: the store's bulk values (compressed records and raw bytes) appended to numbered
//! files beside sled, which keeps only a [`Location`] for each.
//!
//! Why: sled writes a tree page larger than a quarter of its segment into a blob file of its
//! own, so a leaf of sixteen multi-KB values was created as a file and deleted again at every
//! rewrite; importing 10k demo reports spent 5 of its 13 s there. Appending the values instead
//! costs one `write` per record. Files are only appended to, never rewritten in place: a value
//! that is replaced (reparse) leaves garbage behind, which [`super::Store::compact_values`]
//! copies away from. Knows nothing of records or sled.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// A file is closed for appends once it is this big, so that compaction copies a bounded
/// amount and a file's garbage can be given back to the file system.
const MAX_FILE_BYTES: u64 = 256 << 20;

/// First byte of an encoded [`Location`]. Values stored inline (schema 2) are zstd frames,
/// whose first byte is 0x28, so the two never mix up.
const LOCATION_TAG: u8 = b'@';

/// Length of an encoded [`Location`]: tag, file number, offset, length.
pub const LOCATION_BYTES: usize = 1 + 4 + 8 + 4;

/// Where one value lies: file number, byte offset and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Number of the value file (its name is the number, zero-padded, `.values`).
    pub file: u32,
    /// Offset of the first byte in the file.
    pub offset: u64,
    /// Length in bytes.
    pub len: u32,
}

impl Location {
    /// The bytes sled keeps for this value.
    pub fn encode(&self) -> [u8; LOCATION_BYTES] {
        let mut out = [0u8; LOCATION_BYTES];
        out[0] = LOCATION_TAG;
        out[1..5].copy_from_slice(&self.file.to_be_bytes());
        out[5..13].copy_from_slice(&self.offset.to_be_bytes());
        out[13..17].copy_from_slice(&self.len.to_be_bytes());
        out
    }

    /// The location in a stored value, or `None` when the value is stored inline.
    pub fn decode(value: &[u8]) -> Option<Location> {
        if value.len() != LOCATION_BYTES || value[0] != LOCATION_TAG {
            return None;
        }
        Some(Location {
            file: u32::from_be_bytes(value[1..5].try_into().ok()?),
            offset: u64::from_be_bytes(value[5..13].try_into().ok()?),
            len: u32::from_be_bytes(value[13..17].try_into().ok()?),
        })
    }
}

/// The file being appended to.
struct Appender {
    number: u32,
    file: Arc<File>,
    len: u64,
}

/// The value files of one store directory. Reads may run on any thread; appends are
/// serialised by a lock (the store has one writer at a time anyway).
pub struct ValueFiles {
    dir: PathBuf,
    /// Open handles by file number, for positional reads.
    readers: RwLock<BTreeMap<u32, Arc<File>>>,
    appender: Mutex<Option<Appender>>,
}

impl ValueFiles {
    /// Opens the value files in `dir` (created when missing).
    pub fn open(dir: &Path) -> std::io::Result<ValueFiles> {
        std::fs::create_dir_all(dir)?;
        Ok(ValueFiles {
            dir: dir.to_path_buf(),
            readers: RwLock::new(BTreeMap::new()),
            appender: Mutex::new(None),
        })
    }

    fn path(&self, number: u32) -> PathBuf {
        self.dir.join(format!("{number:08}.values"))
    }

    /// Numbers and sizes of the files on disk.
    pub fn sizes(&self) -> std::io::Result<BTreeMap<u32, u64>> {
        let mut sizes = BTreeMap::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(number) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".values"))
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            sizes.insert(number, entry.metadata()?.len());
        }
        Ok(sizes)
    }

    /// Appends `parts` one after the other with one write and returns where each went.
    pub fn append<const N: usize>(&self, parts: [&[u8]; N]) -> std::io::Result<[Location; N]> {
        if parts.iter().any(|part| u32::try_from(part.len()).is_err()) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "value over 4 GiB",
            ));
        }
        let mut slot = self
            .appender
            .lock()
            .expect("no append panics holding the lock");
        let total: u64 = parts.iter().map(|p| p.len() as u64).sum();
        let full = slot
            .as_ref()
            .is_none_or(|a| a.len > 0 && a.len + total > MAX_FILE_BYTES);
        if full {
            *slot = Some(self.next_appender(slot.take())?);
        }
        let appender = slot.as_mut().expect("set above");
        let mut offset = appender.len;
        let locations = parts.map(|part| {
            let at = Location {
                file: appender.number,
                offset,
                len: part.len() as u32, // checked above
            };
            offset += part.len() as u64;
            at
        });
        if let Err(e) = (&*appender.file).write_all(&parts.concat()) {
            // Part of the buffer may be in the file (a full disk): offsets counted from here
            // would be wrong, so the next append starts a new file.
            *slot = None;
            return Err(e);
        }
        appender.len += total;
        Ok(locations)
    }

    /// A new file after every file on disk, to append to after `current`, which is made
    /// durable first. A process never appends to a file it did not create: after a power
    /// loss a file may be shorter than a location sled kept, and that location must stay an
    /// error (past the end) rather than come to point into later values.
    fn next_appender(&self, current: Option<Appender>) -> std::io::Result<Appender> {
        if let Some(current) = current {
            current.file.sync_data()?;
        }
        let number = self.sizes()?.keys().next_back().map_or(0, |n| n + 1);
        let file = Arc::new(
            std::fs::OpenOptions::new()
                .create_new(true)
                .append(true)
                .read(true)
                .open(self.path(number))?,
        );
        self.readers
            .write()
            .expect("no reader panics holding the lock")
            .insert(number, Arc::clone(&file));
        Ok(Appender {
            number,
            file,
            len: 0,
        })
    }

    /// Starts a new file for the appends that follow (compaction copies into files of its
    /// own, which it does not compact away) and returns its number.
    pub fn start_new_file(&self) -> std::io::Result<u32> {
        let mut appender = self
            .appender
            .lock()
            .expect("no append panics holding the lock");
        let next = self.next_appender(appender.take())?;
        let number = next.number;
        *appender = Some(next);
        Ok(number)
    }

    /// Reads one value.
    pub fn read(&self, location: Location) -> std::io::Result<Vec<u8>> {
        let file = self.reader(location.file)?;
        let mut out = vec![0u8; location.len as usize];
        file.read_exact_at(&mut out, location.offset).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!(
                    "{}: cannot read {} bytes at {}: {e}",
                    self.path(location.file).display(),
                    location.len,
                    location.offset
                ),
            )
        })?;
        Ok(out)
    }

    fn reader(&self, number: u32) -> std::io::Result<Arc<File>> {
        if let Some(file) = self
            .readers
            .read()
            .expect("no reader panics holding the lock")
            .get(&number)
        {
            return Ok(Arc::clone(file));
        }
        let path = self.path(number);
        let file = Arc::new(
            File::open(&path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?,
        );
        self.readers
            .write()
            .expect("no reader panics holding the lock")
            .insert(number, Arc::clone(&file));
        Ok(file)
    }

    /// Makes every append so far durable.
    pub fn sync(&self) -> std::io::Result<()> {
        match &*self
            .appender
            .lock()
            .expect("no append panics holding the lock")
        {
            Some(appender) => appender.file.sync_data(),
            None => Ok(()),
        }
    }

    /// Deletes a file no stored value points into any more.
    pub fn remove(&self, number: u32) -> std::io::Result<()> {
        self.readers
            .write()
            .expect("no reader panics holding the lock")
            .remove(&number);
        std::fs::remove_file(self.path(number))
    }

    /// Total bytes of the files on disk.
    pub fn size_on_disk(&self) -> u64 {
        self.sizes().map_or(0, |sizes| sizes.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_values_read_back_and_locations_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let files = ValueFiles::open(dir.path()).unwrap();
        let first = files.append([b"record", b"raw bytes"]).unwrap();
        let second = files.append([b"another"]).unwrap();
        assert_eq!(files.read(first[0]).unwrap(), b"record");
        assert_eq!(files.read(first[1]).unwrap(), b"raw bytes");
        assert_eq!(files.read(second[0]).unwrap(), b"another");
        assert_eq!(first[1].offset, 6);
        let encoded = second[0].encode();
        assert_eq!(Location::decode(&encoded), Some(second[0]));
        // A zstd frame (inline value of schema 2) is not a location.
        assert_eq!(Location::decode(&[0x28, 0xb5, 0x2f, 0xfd]), None);
    }

    #[test]
    fn each_opening_appends_to_a_new_file_after_every_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let at = {
            let files = ValueFiles::open(dir.path()).unwrap();
            let at = files.append([b"one"]).unwrap()[0];
            assert_eq!(files.start_new_file().unwrap(), at.file + 1);
            assert_eq!(files.append([b"two"]).unwrap()[0].file, at.file + 1);
            at
        };
        // Reopened, the store reads every file and appends to a new one.
        let files = ValueFiles::open(dir.path()).unwrap();
        assert_eq!(files.read(at).unwrap(), b"one");
        let three = files.append([b"three"]).unwrap()[0];
        assert_eq!((three.file, three.offset), (at.file + 2, 0));
        assert_eq!(files.read(three).unwrap(), b"three");
        assert_eq!(files.sizes().unwrap().len(), 3);
    }

    #[test]
    fn after_a_failed_write_the_next_append_starts_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = ValueFiles::open(dir.path()).unwrap();
        let first = files.append([b"kept"]).unwrap()[0];
        // A write that fails (as on a full disk) to the file being appended to.
        *files.appender.lock().unwrap() = Some(Appender {
            number: first.file,
            file: Arc::new(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open("/dev/full")
                    .unwrap(),
            ),
            len: 4,
        });
        assert!(files.append([b"lost"]).is_err());
        let next = files.append([b"next"]).unwrap()[0];
        assert_eq!((next.file, next.offset), (first.file + 1, 0));
        assert_eq!(files.read(next).unwrap(), b"next");
        assert_eq!(files.read(first).unwrap(), b"kept");
    }

    #[test]
    fn a_location_past_the_end_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let files = ValueFiles::open(dir.path()).unwrap();
        let mut at = files.append([b"short"]).unwrap()[0];
        at.len = 100;
        let error = files.read(at).unwrap_err().to_string();
        assert!(error.contains("00000000.values"), "{error}");
    }
}
