//! The URL table, and nothing else: every public URL of the web archive and its handler.
//! Ids are 16 hex digits, routed with a pattern so that `.json` is never part of the id; a
//! `.json` route is registered before its HTML twin where a name could swallow the suffix.

use crate::web::views::{agency, browse, home, meta, report, search, upload};
use actix_web::web;

/// A report id in a route.
const ID: &str = "{id:[0-9a-f]{16}}";

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home::home))
        .route("/.json", web::get().to(home::home))
        .route("/index.json", web::get().to(home::home))
        .route("/search", web::get().to(search::search))
        .route("/search.json", web::get().to(search::search))
        .route("/search.csv", web::get().to(search::search))
        .route("/search.jsonl", web::get().to(search::search))
        .route(&format!("/reports/{ID}"), web::get().to(report::report))
        .route(
            &format!("/reports/{ID}.json"),
            web::get().to(report::report),
        )
        .route(
            &format!("/reports/{ID}.csv"),
            web::get().to(report::report_csv),
        )
        .route(
            &format!("/reports/{ID}/raw"),
            web::get().to(report::report_raw),
        )
        .route("/agencies/{name}.json", web::get().to(agency::agency))
        .route("/agencies/{name}", web::get().to(agency::agency))
        .route("/browse", web::get().to(browse::browse))
        .route("/browse.json", web::get().to(browse::browse))
        .route("/-/agencies.json", web::get().to(meta::agency_suggestions))
        .route("/api/openapi.json", web::get().to(meta::openapi))
        .route("/api/reports", web::post().to(upload::upload))
        .route("/static/{file}", web::get().to(meta::static_file));
}
