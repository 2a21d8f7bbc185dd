//! Small endpoints beside the pages: agency suggestions `/-/agencies.json?prefix=`, the OpenAPI
//! document `/api/openapi.json`, the embedded static files `/static/{file}` (a fixed list
//! compiled into the binary: no file system access) and the 404 of every unknown URL.

use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::params::Pairs;
use crate::web::WebState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// The static files: name, content type, content.
const STATIC_FILES: [(&str, &str, &str); 2] = [
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../../static/style.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../../static/app.js"),
    ),
];

/// The hand-written OpenAPI 3 document.
const OPENAPI: &str = include_str!("../openapi.json");

/// Suggestions answered at most.
const MAX_SUGGESTIONS: usize = 50;

/// One suggested agency.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suggestion {
    /// Agency name.
    pub name: String,
    /// Its reports.
    pub reports: u64,
}

/// What `/-/agencies.json` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Suggestions {
    /// The prefix asked for.
    pub prefix: String,
    /// Names starting with it first, then names containing it.
    pub agencies: Vec<Suggestion>,
}

/// `GET /-/agencies.json?prefix=…&_size=…`.
pub async fn agency_suggestions(
    req: HttpRequest,
    state: web::Data<WebState>,
) -> Result<HttpResponse, FormattedError> {
    let run = async {
        let mut pairs = Pairs::parse(req.query_string())?;
        let prefix = pairs.take("prefix")?.unwrap_or_default();
        if prefix.chars().count() > 50 {
            return Err(WebError::bad_param("prefix", "longer than 50 characters"));
        }
        let size = pairs
            .take_parsed("_size", |v| match v.parse::<usize>() {
                Ok(n) if (1..=MAX_SUGGESTIONS).contains(&n) => Ok(n),
                _ => Err(format!(
                    "expected a number from 1 to {MAX_SUGGESTIONS}, got \"{v}\""
                )),
            })?
            .unwrap_or(10);
        pairs.finish(&["prefix", "_size"])?;
        let state = state.clone();
        let query = prefix.clone();
        let found = web::block(move || state.archive.suggest_agencies(&query, size)).await?;
        Ok(json_response(&Suggestions {
            prefix,
            agencies: found
                .into_iter()
                .map(|(name, reports)| Suggestion { name, reports })
                .collect(),
        }))
    };
    run.await.map_err(|e| e.respond_as(Format::Json))
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(Format::Json.content_type())
        .body(OPENAPI)
}

/// `GET /static/{file}`: only the embedded files.
pub async fn static_file(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    match STATIC_FILES
        .iter()
        .find(|(name, _, _)| *name == file.as_str())
    {
        Some((_, content_type, body)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .body(*body),
        None => crate::web::error::render(
            &WebError::not_found(format!("static file {}", file.as_str())),
            Format::of(&req),
        ),
    }
}

/// Every URL the route table does not know.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let path: String = req.path().chars().take(200).collect();
    crate::web::error::render(&WebError::not_found(path), Format::of(&req))
}
