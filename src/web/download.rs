//! Streamed downloads: `archive.export` runs on a blocking thread and writes into a bounded
//! channel in chunks; the response body reads the channel. Nothing is buffered whole, and a
//! client that goes away stops the export (the next send fails). Calls the archive's export.

use crate::archive::{ArchiveError, CsvHeaders, ExportFormat};
use crate::index::SearchRequest;
use crate::web::format::{attachment, log_internal, Format};
use crate::web::WebState;
use actix_web::web::{self, Bytes};
use actix_web::HttpResponse;
use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Bytes per chunk sent to the client.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks in flight between the export thread and the response.
const CHANNEL_CHUNKS: usize = 8;

/// A `Write` that sends full chunks through the channel (blocking when it is full).
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Bytes>,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sender
            .blocking_send(chunk)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}

/// The receiving end as a body stream.
struct ChunkStream(mpsc::Receiver<Bytes>);

impl futures_core::Stream for ChunkStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(Ok))
    }
}

/// A streamed export of every record matching `request` as CSV or JSON Lines.
pub fn export_response(
    state: &web::Data<WebState>,
    request: SearchRequest,
    format: Format,
    headers: CsvHeaders,
    file_stem: &str,
) -> HttpResponse {
    let export_format = match format {
        Format::Csv => ExportFormat::Csv,
        _ => ExportFormat::Jsonl,
    };
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    let state = state.clone();
    // A thread of its own: an export of the whole archive takes long, and the workers' blocking
    // threads are for short calls (BLOCKING_THREADS_PER_WORKER). Should the thread not start,
    // the stream ends at once (the sender is dropped) and the cause is logged.
    let exporting = std::thread::Builder::new()
        .name("export".into())
        .spawn(move || {
            let mut writer = ChannelWriter {
                buffer: Vec::with_capacity(CHUNK_BYTES),
                sender,
            };
            let result = state
                .archive
                .export(&request, export_format, headers, &mut writer)
                .and_then(|n| writer.flush().map(|_| n).map_err(ArchiveError::Export));
            if let Err(e) = result {
                // A client that left is not an error worth logging.
                if !e.to_string().contains("client went away") {
                    log_internal(&format!("export: {e}"));
                }
            }
        });
    if let Err(e) = exporting {
        log_internal(&format!("export: cannot start its thread: {e}"));
    }
    let ext = if format == Format::Csv {
        "csv"
    } else {
        "jsonl"
    };
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(attachment(&format!("{file_stem}.{ext}")))
        .streaming(ChunkStream(receiver))
}
