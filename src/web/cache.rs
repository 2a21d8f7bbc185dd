//! Search results kept for requests that come again. A search link is shared, a facet link is
//! followed by many readers, and every visit to the home page asks for the same counts. A search
//! is a pure function of the request and the index generation, so its results are kept under
//! both (the least recently used are dropped). A commit moves the generation on, after which
//! the older entries are never looked up again and age out.

use crate::archive::{Archive, ArchiveError};
use crate::index::{SearchRequest, SearchResults};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// Searches kept by default: each holds one page of hits (snippets included) and the facets,
/// typically 10–40 KB, so a full cache is a few MB.
pub const DEFAULT_CAPACITY: usize = 256;

/// Pages larger than this many hits are searched every time rather than kept (a few such
/// entries would cost more memory than hundreds of ordinary pages).
const LARGEST_KEPT_PAGE: usize = 100;

/// The least recently used searches by request and index generation.
pub struct SearchCache {
    entries: Mutex<LruCache<(u64, String), Arc<SearchResults>>>,
}

impl std::fmt::Debug for SearchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchCache").finish_non_exhaustive()
    }
}

impl SearchCache {
    /// A cache of at most `capacity` searches; 0 keeps nothing.
    pub fn new(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        SearchCache {
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    /// The kept results of `request` on the archive's current index, if any: never searches,
    /// so the web can answer a kept search without a blocking thread.
    pub fn kept(&self, archive: &Archive, request: &SearchRequest) -> Option<Arc<SearchResults>> {
        if request.limit > LARGEST_KEPT_PAGE {
            return None;
        }
        self.lock().get(&Self::key(archive, request)).cloned()
    }

    /// The results of `request` on the archive's current index, searched only when they are
    /// not kept already.
    pub fn search(
        &self,
        archive: &Archive,
        request: &SearchRequest,
    ) -> Result<Arc<SearchResults>, ArchiveError> {
        if request.limit > LARGEST_KEPT_PAGE {
            return Ok(Arc::new(archive.search(request)?));
        }
        // The generation is read before searching: a commit during the search then files the
        // results under the older generation, where nobody looks them up again.
        let key = Self::key(archive, request);
        if let Some(kept) = self.lock().get(&key) {
            return Ok(kept.clone());
        }
        let results = Arc::new(archive.search(request)?);
        self.lock().put(key, results.clone());
        Ok(results)
    }

    fn key(archive: &Archive, request: &SearchRequest) -> (u64, String) {
        (
            archive.index_generation(),
            serde_json::to_string(request).expect("a search request always serializes"),
        )
    }

    /// Number of searches kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<(u64, String), Arc<SearchResults>>> {
        // The cache holds no invariant a panicking holder could break.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Silent;
    use crate::demo::{generate, DemoFormat, DemoOptions};

    /// Writes `count` generated text reports (seed `seed`) into `dir` and imports them.
    fn import_demo(archive: &Archive, dir: &std::path::Path, seed: u64, count: usize) {
        let options = DemoOptions {
            count,
            seed,
            broken_share: 0.0,
            format: Some(DemoFormat::Text),
        };
        let files: Vec<std::path::PathBuf> = generate(&options)
            .map(|report| {
                let path = dir.join(&report.file_name);
                std::fs::write(&path, &report.bytes).expect("write report");
                path
            })
            .collect();
        archive.import(&files, &Silent).expect("import");
    }

    #[test]
    fn a_search_is_kept_until_a_commit_changes_the_index() {
        let data = tempfile::tempdir().expect("temp dir");
        let files = tempfile::tempdir().expect("temp dir");
        let archive = Archive::open(data.path()).expect("archive");
        import_demo(&archive, files.path(), 1, 3);
        let cache = SearchCache::new(8);
        let all = SearchRequest::default();

        let first = cache.search(&archive, &all).expect("search");
        assert_eq!(first.total, 3);
        let again = cache.search(&archive, &all).expect("search");
        assert!(
            Arc::ptr_eq(&first, &again),
            "the second search is the kept one"
        );
        let other_page = SearchRequest {
            offset: 1,
            ..SearchRequest::default()
        };
        let page = cache.search(&archive, &other_page).expect("search");
        assert!(!Arc::ptr_eq(&first, &page));
        assert_eq!(cache.len(), 2);

        import_demo(&archive, files.path(), 2, 2);
        let after = cache.search(&archive, &all).expect("search");
        assert_eq!(after.total, 5, "a commit makes the kept results stale");

        // Pages too large to keep are searched every time.
        let large = SearchRequest {
            limit: LARGEST_KEPT_PAGE + 1,
            ..SearchRequest::default()
        };
        let a = cache.search(&archive, &large).expect("search");
        let b = cache.search(&archive, &large).expect("search");
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn the_least_recently_used_search_goes_first() {
        let data = tempfile::tempdir().expect("temp dir");
        let files = tempfile::tempdir().expect("temp dir");
        let archive = Archive::open(data.path()).expect("archive");
        import_demo(&archive, files.path(), 3, 2);
        let cache = SearchCache::new(2);
        let year = |y| SearchRequest {
            year_from: Some(y),
            year_to: Some(y),
            ..SearchRequest::default()
        };
        let kept = cache.search(&archive, &year(2020)).expect("search");
        cache.search(&archive, &year(2021)).expect("search");
        cache.search(&archive, &year(2020)).expect("search");
        cache.search(&archive, &year(2022)).expect("search");
        assert_eq!(cache.len(), 2);
        let again = cache.search(&archive, &year(2020)).expect("search");
        assert!(Arc::ptr_eq(&kept, &again), "2021 was dropped, not 2020");
    }
}
