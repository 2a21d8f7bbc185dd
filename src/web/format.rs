//! The response format of a request (HTML, JSON, CSV, JSON Lines), chosen by the path's suffix
//! or else the Accept header; the JSON envelope (`"ok": true` beside the data); CSV and JSON
//! Lines content types. Knows nothing of pages or the archive.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

/// What a request asks to get back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A page for people.
    Html,
    /// The page's JSON twin.
    Json,
    /// Comma-separated values with a UTF-8 BOM.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format of a request: a `.json`, `.csv` or `.jsonl` suffix of the path wins, then an
    /// Accept header that asks for JSON and not for HTML; otherwise HTML.
    pub fn of(req: &HttpRequest) -> Format {
        let path = req.path();
        if path.ends_with(".json") {
            return Format::Json;
        }
        if path.ends_with(".jsonl") {
            return Format::Jsonl;
        }
        if path.ends_with(".csv") {
            return Format::Csv;
        }
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.contains("application/json") && !accept.contains("text/html") {
            Format::Json
        } else {
            Format::Html
        }
    }

    /// The HTTP content type of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson; charset=utf-8",
        }
    }

    /// The file suffix of the format, with its dot (empty for HTML).
    pub fn suffix(self) -> &'static str {
        match self {
            Format::Html => "",
            Format::Json => ".json",
            Format::Csv => ".csv",
            Format::Jsonl => ".jsonl",
        }
    }
}

/// The JSON envelope: `{"ok": true, …the data's own keys…}`.
#[derive(Debug, Serialize)]
pub struct Envelope<'a, T: Serialize> {
    /// Always true: errors have their own shape (see `error.rs`).
    pub ok: bool,
    /// The data, its keys at top level.
    #[serde(flatten)]
    pub data: &'a T,
}

/// A 200 JSON response of `data` in the envelope.
pub fn json_response<T: Serialize>(data: &T) -> HttpResponse {
    match serde_json::to_vec(&Envelope { ok: true, data }) {
        Ok(body) => HttpResponse::Ok()
            .content_type(Format::Json.content_type())
            .body(body),
        Err(e) => {
            log_internal(&e.to_string());
            HttpResponse::InternalServerError()
                .content_type(Format::Json.content_type())
                .body(r#"{"ok":false,"error":"内部错误","status":500}"#)
        }
    }
}

/// An HTML response with `status`.
pub fn html_response(status: actix_web::http::StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(Format::Html.content_type())
        .body(body)
}

/// A `Content-Disposition: attachment` header naming the download.
pub fn attachment(file_name: &str) -> (header::HeaderName, HeaderValue) {
    // File names here are ASCII (ids, "search"); anything else is replaced to keep the header
    // valid.
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    )
}

/// Internal errors are written to standard error at the boundary where they become a 500.
pub fn log_internal(message: &str) {
    eprintln!("nianbao web: internal error: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn suffix_wins_over_accept() {
        let req = TestRequest::get()
            .uri("/search.csv")
            .insert_header((header::ACCEPT, "application/json"))
            .to_http_request();
        assert_eq!(Format::of(&req), Format::Csv);
        let req = TestRequest::get()
            .uri("/search")
            .insert_header((header::ACCEPT, "application/json"))
            .to_http_request();
        assert_eq!(Format::of(&req), Format::Json);
        let req = TestRequest::get()
            .uri("/search")
            .insert_header((header::ACCEPT, "text/html,application/json;q=0.9"))
            .to_http_request();
        assert_eq!(Format::of(&req), Format::Html);
    }

    #[test]
    fn envelope_puts_ok_beside_the_data() {
        #[derive(Serialize)]
        struct Data {
            total: u32,
        }
        let json = serde_json::to_value(Envelope {
            ok: true,
            data: &Data { total: 3 },
        })
        .unwrap();
        assert_eq!(json, serde_json::json!({"ok": true, "total": 3}));
    }
}
