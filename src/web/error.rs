//! WebError (everything a request can fail with) and its rendering in the request's format: a
//! Chinese HTML page with a way back, or JSON `{ok:false, error, status}`. One function maps each
//! variant to its status and message. Calls the error template; no handler logic.

use crate::archive::ArchiveError;
use crate::web::format::{html_response, log_internal, Format};
use crate::web::views::Layout;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything a request can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebError {
    /// A query parameter is invalid: which one and why.
    BadParam {
        /// The parameter's name as given.
        param: String,
        /// What is wrong and what it accepts.
        problem: String,
    },
    /// No such report, agency or page.
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The URL (its query string) is longer than the server reads.
    UriTooLong {
        /// Its length in bytes.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// The upload endpoint needs `Authorization: Bearer TOKEN`.
    Unauthorized,
    /// The request body is larger than allowed.
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The upload is not a multipart form with a file.
    BadUpload {
        /// What is wrong.
        problem: String,
    },
    /// Something failed inside the server; details go to the log, not to the client.
    Internal {
        /// The error chain, for the log.
        detail: String,
    },
}

impl WebError {
    /// A bad value of `param`.
    pub fn bad_param(param: impl Into<String>, problem: impl Into<String>) -> WebError {
        WebError::BadParam {
            param: param.into(),
            problem: problem.into(),
        }
    }

    /// Nothing found under this description.
    pub fn not_found(what: impl Into<String>) -> WebError {
        WebError::NotFound { what: what.into() }
    }

    /// The HTTP status, a short Chinese title and the message shown to the client.
    pub fn describe(&self) -> (StatusCode, &'static str, String) {
        match self {
            WebError::BadParam { param, problem } => (
                StatusCode::BAD_REQUEST,
                "参数有误",
                format!("{param}: {problem}"),
            ),
            WebError::NotFound { what } => (
                StatusCode::NOT_FOUND,
                "未找到",
                format!("not found: {what}"),
            ),
            WebError::UriTooLong { length, limit } => (
                StatusCode::URI_TOO_LONG,
                "网址过长",
                format!("query string: {length} bytes, at most {limit} are read"),
            ),
            WebError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "需要授权",
                "authorization: expected the header \"Authorization: Bearer TOKEN\" with the server's --upload-token".into(),
            ),
            WebError::PayloadTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "上传内容过大",
                format!("body: larger than the limit of {limit} bytes"),
            ),
            WebError::BadUpload { problem } => (
                StatusCode::BAD_REQUEST,
                "上传有误",
                format!("upload: {problem}"),
            ),
            WebError::Internal { .. } => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器内部错误",
                "internal error; it has been logged".into(),
            ),
        }
    }

    /// This error, to be rendered as `format`.
    pub fn respond_as(self, format: Format) -> FormattedError {
        FormattedError {
            error: self,
            format,
        }
    }
}

impl fmt::Display for WebError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe().2)
    }
}

impl std::error::Error for WebError {}

impl From<ArchiveError> for WebError {
    fn from(e: ArchiveError) -> Self {
        WebError::Internal {
            detail: e.to_string(),
        }
    }
}

impl From<actix_web::error::BlockingError> for WebError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        WebError::Internal {
            detail: e.to_string(),
        }
    }
}

/// The JSON shape of an error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorJson {
    /// Always false.
    pub ok: bool,
    /// The message: for a 400 it starts with the parameter's name.
    pub error: String,
    /// The HTTP status code.
    pub status: u16,
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Title, navigation.
    pub layout: Layout,
    /// HTTP status code.
    pub status: u16,
    /// Short Chinese title.
    pub heading: String,
    /// What went wrong.
    pub message: String,
}

/// A [`WebError`] with the format to render it in: what handlers return as their error.
#[derive(Debug)]
pub struct FormattedError {
    /// The error.
    pub error: WebError,
    /// The request's format.
    pub format: Format,
}

impl fmt::Display for FormattedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for FormattedError {
    fn status_code(&self) -> StatusCode {
        self.error.describe().0
    }

    fn error_response(&self) -> HttpResponse {
        render(&self.error, self.format)
    }
}

/// The response of an error in a format: JSON for the JSON, CSV and JSON Lines formats (a
/// download that fails is better explained than an empty file), HTML otherwise.
pub fn render(error: &WebError, format: Format) -> HttpResponse {
    let (status, heading, message) = error.describe();
    if let WebError::Internal { detail } = error {
        log_internal(detail);
    }
    let mut response = if format == Format::Html {
        let page = ErrorPage {
            layout: Layout::new(format!("{} {heading}", status.as_u16())),
            status: status.as_u16(),
            heading: heading.to_string(),
            message,
        };
        match page.render() {
            Ok(body) => html_response(status, body),
            Err(e) => {
                log_internal(&e.to_string());
                HttpResponse::build(status)
                    .content_type("text/plain; charset=utf-8")
                    .body(format!("{} {heading}", status.as_u16()))
            }
        }
    } else {
        let body = ErrorJson {
            ok: false,
            error: message,
            status: status.as_u16(),
        };
        HttpResponse::build(status).json(body)
    };
    if *error == WebError::Unauthorized {
        response.headers_mut().insert(
            actix_web::http::header::WWW_AUTHENTICATE,
            actix_web::http::header::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_status_and_a_message() {
        let all = [
            WebError::bad_param("year", "expected a 4-digit year, got \"abc\""),
            WebError::not_found("report 0000000000000000"),
            WebError::UriTooLong {
                length: 9000,
                limit: 8192,
            },
            WebError::Unauthorized,
            WebError::PayloadTooLarge { limit: 16 },
            WebError::BadUpload {
                problem: "no file".into(),
            },
            WebError::Internal {
                detail: "disk full".into(),
            },
        ];
        let statuses: Vec<u16> = all.iter().map(|e| e.describe().0.as_u16()).collect();
        assert_eq!(statuses, [400, 404, 414, 401, 413, 400, 500]);
        assert!(all[0].to_string().starts_with("year: "));
        assert!(
            !all[6].to_string().contains("disk"),
            "internals stay in the log"
        );
        for e in &all {
            let html = render(e, Format::Html);
            assert_eq!(html.status(), e.describe().0);
            let json = render(e, Format::Json);
            assert_eq!(json.status(), e.describe().0);
        }
    }
}
