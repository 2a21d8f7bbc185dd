//! The web archive: server-rendered pages (askama) with a JSON twin for each, CSV and JSON
//! Lines downloads, a small API (agency suggestions, OpenAPI document, token-guarded upload).
//!
//! - `routes.rs` is the URL table; `views/` has one file per page family (data gathering,
//!   page struct, handler) and `templates/` mirrors it.
//! - `params.rs` turns query strings into typed parameters (400 naming the parameter),
//!   `format.rs` picks HTML, JSON, CSV or JSON Lines, `error.rs` renders errors in that format.
//! - `download.rs` streams exports from a blocking thread, `chart.rs` draws SVG charts,
//!   `highlight.rs` marks query words in narrative text.
//!
//! One [`Archive`] is shared by every worker (it is Send + Sync); its calls block, so handlers
//! run them through `web::block`. Calls `archive`, `index` (request types) and `record`.

pub mod cache;
pub mod chart;
pub mod download;
pub mod error;
pub mod format;
pub mod highlight;
pub mod params;
pub mod routes;
pub mod views;

use crate::archive::{Archive, ArchiveError};
use crate::index::{SearchRequest, SearchResults};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, HttpServer};
use cache::SearchCache;
use error::WebError;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// Threads per worker that run archive calls (searches and the data of pages; downloads and
/// uploads run on threads of their own, see [`on_own_thread`]). The calls are short and
/// CPU-bound, and there is a worker per core: with one thread each, a call waits its turn in
/// the worker's queue and then runs at full speed. More at once only share the cores, so each
/// takes several times as long, the costliest longest: with 4 per worker the slowest answers
/// came later (wrk, distinct searches at 32 connections, 100k reports, alternating builds:
/// p99 52–57 ms against 32–37 ms, 1,044–1,260 against 1,299–1,496 searches/s), and with
/// actix's default (512 / workers) each thread kept a heap (peak RSS 699 MB).
pub const BLOCKING_THREADS_PER_WORKER: usize = 1;

/// Largest request body read (an upload), in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Everything the handlers share.
pub struct WebState {
    /// The archive.
    pub archive: Archive,
    /// Uploads (`POST /api/reports`) exist only when this is set; they must carry it as a
    /// bearer token.
    pub upload_token: Option<String>,
    /// Imports take the index writer, which allows one at a time.
    pub import_lock: Mutex<()>,
    /// Searches answered before, for links that are followed again.
    pub search_cache: SearchCache,
}

impl WebState {
    /// State over an opened archive.
    pub fn new(archive: Archive, upload_token: Option<String>) -> WebState {
        WebState {
            archive,
            upload_token: upload_token.filter(|t| !t.is_empty()),
            import_lock: Mutex::new(()),
            search_cache: SearchCache::new(cache::DEFAULT_CAPACITY),
        }
    }

    /// A search through the cache of searches answered before.
    pub fn search(&self, request: &SearchRequest) -> Result<Arc<SearchResults>, ArchiveError> {
        self.search_cache.search(&self.archive, request)
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to bind (127.0.0.1:8080 unless told otherwise).
    pub addr: SocketAddr,
    /// Worker threads.
    pub workers: usize,
}

/// The application: every route over shared state. Tests wrap it in `test::init_service`.
pub fn app(
    state: web::Data<WebState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .configure(routes::configure)
        .default_service(web::to(views::meta::not_found))
}

/// Serves the archive on `options.addr` until the process is stopped.
pub async fn serve(state: WebState, options: ServeOptions) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(options.addr)?;
    serve_listener(state, listener, options.workers).await
}

/// Serves the archive on a bound listener (tests bind port 0 and read the port first).
pub async fn serve_listener(
    state: WebState,
    listener: std::net::TcpListener,
    workers: usize,
) -> std::io::Result<()> {
    serve_shared(web::Data::new(state), listener, workers).await
}

/// Serves shared state on a bound listener (tests keep a handle on the state).
pub async fn serve_shared(
    state: web::Data<WebState>,
    listener: std::net::TcpListener,
    workers: usize,
) -> std::io::Result<()> {
    HttpServer::new(move || app(state.clone()))
        .workers(workers.max(1))
        .worker_max_blocking_threads(BLOCKING_THREADS_PER_WORKER)
        .listen(listener)?
        .run()
        .await
}

/// Runs a long blocking call (an upload's import) on a thread of its own, so it does not hold
/// up the worker's blocking thread ([`BLOCKING_THREADS_PER_WORKER`]).
pub async fn on_own_thread<T, F>(name: &str, call: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, WebError> + Send + 'static,
{
    let (answer, answered) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            // The caller may have gone (a closed connection): nobody to answer then.
            let _ = answer.send(call());
        })
        .map_err(|e| WebError::Internal {
            detail: format!("starting a thread for {name}: {e}"),
        })?;
    answered.await.map_err(|_| WebError::Internal {
        detail: format!("{name} stopped without an answer"),
    })?
}

/// Runs a blocking archive call on the blocking thread pool.
pub async fn blocking<T, F>(state: &web::Data<WebState>, call: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&Archive) -> Result<T, ArchiveError> + Send + 'static,
{
    blocking_with_state(state, move |state| call(&state.archive)).await
}

/// Runs a blocking call that needs more of the state than the archive (the search cache).
pub async fn blocking_with_state<T, F>(state: &web::Data<WebState>, call: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&WebState) -> Result<T, ArchiveError> + Send + 'static,
{
    let state = state.clone();
    Ok(web::block(move || call(&state)).await??)
}
