//! `POST /api/reports`: adding reports over HTTP. Exists only when the server was started with
//! `--upload-token` (404 otherwise) and requires `Authorization: Bearer TOKEN` (401). Each file
//! of the multipart body is written to a temporary directory under the data directory (at most
//! 16 MB in all), then `archive.import` reads them; the answer is the ImportSummary.

use crate::archive::{ImportSummary, Silent};
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::{on_own_thread, WebState, MAX_BODY_BYTES};
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Files accepted per upload.
const MAX_FILES: usize = 100;

/// `POST /api/reports` (multipart/form-data, one or more file fields).
pub async fn upload(
    req: HttpRequest,
    state: web::Data<WebState>,
    payload: web::Payload,
) -> Result<HttpResponse, FormattedError> {
    let run = async {
        let Some(token) = state.upload_token.as_deref() else {
            return Err(WebError::not_found(req.path().to_string()));
        };
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !same(given.trim().as_bytes(), token.as_bytes()) {
            return Err(WebError::Unauthorized);
        }
        let dir = temp_dir(state.archive.dir());
        std::fs::create_dir_all(&dir).map_err(|e| WebError::Internal {
            detail: format!("{}: {e}", dir.display()),
        })?;
        let saved = save_files(&req, payload, &dir).await;
        let result = match saved {
            Ok(files) => {
                let state = state.clone();
                on_own_thread("upload", move || -> Result<ImportSummary, WebError> {
                    let _one_import = state
                        .import_lock
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    Ok(state.archive.import(&files, &Silent)?)
                })
                .await
            }
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_dir_all(&dir);
        Ok(json_response(&result?))
    };
    run.await.map_err(|e| e.respond_as(Format::Json))
}

/// Writes every file field of the body into `dir`; returns their paths.
async fn save_files(
    req: &HttpRequest,
    payload: web::Payload,
    dir: &Path,
) -> Result<Vec<PathBuf>, WebError> {
    let mut form = Multipart::new(req.headers(), payload);
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| WebError::BadUpload {
            problem: format!("expected multipart/form-data with a file field: {e}"),
        })?;
        let name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(str::to_string);
        let Some(name) = name else {
            // A plain form field: read and ignore it.
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| WebError::BadUpload {
                    problem: e.to_string(),
                })?;
                total += chunk.len();
                if total > MAX_BODY_BYTES {
                    return Err(WebError::PayloadTooLarge {
                        limit: MAX_BODY_BYTES,
                    });
                }
            }
            continue;
        };
        if files.len() >= MAX_FILES {
            return Err(WebError::BadUpload {
                problem: format!("more than {MAX_FILES} files"),
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| WebError::BadUpload {
                problem: e.to_string(),
            })?;
            total += chunk.len();
            if total > MAX_BODY_BYTES {
                return Err(WebError::PayloadTooLarge {
                    limit: MAX_BODY_BYTES,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        // A numbered sub-directory keeps equal names apart and the name as the record's file.
        let sub = dir.join(files.len().to_string());
        let path = sub.join(safe_file_name(&name));
        std::fs::create_dir_all(&sub)
            .and_then(|_| std::fs::write(&path, &bytes))
            .map_err(|e| WebError::Internal {
                detail: format!("{}: {e}", path.display()),
            })?;
        files.push(path);
    }
    if files.is_empty() {
        return Err(WebError::BadUpload {
            problem:
                "no file in the form; send multipart/form-data with a field like file=@report.txt"
                    .into(),
        });
    }
    Ok(files)
}

/// A fresh directory under the data directory for one upload.
fn temp_dir(data: &Path) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    data.join("uploads").join(format!(
        "{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// The last path component of a client's file name, reduced to safe characters.
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '（' | '）' | '(' | ')') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload.txt".into()
    } else {
        cleaned
    }
}

/// Compares two secrets in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_leave_the_directory() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("..\\x\\..\\报告.txt"), "报告.txt");
        assert_eq!(safe_file_name(".."), "upload.txt");
        assert_eq!(safe_file_name("a b;c.txt"), "a_b_c.txt");
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
