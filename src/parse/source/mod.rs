//! Report files as agencies publish them (plain text, HTML pages, Word .docx, PDF) → the one
//! plain text the rest of the parser reads, plus what the source says about its publication.
//!
//! The format is sniffed from the bytes, never from the file name: a PK zip holding
//! `word/document.xml` is a .docx, `%PDF` a PDF, an OLE compound file (`D0 CF 11 E0`) an old
//! binary .doc / .wps (refused with a hint), markup (`<html`, `<!DOCTYPE`, `<table` …) a web page,
//! anything else text. Every reader writes through [`plain::PlainText`]: paragraphs one per line,
//! tables as tab-separated rows with merged cells expanded into empty covered cells (as Word's own
//! text export does), so the table, section and fact readers run unchanged on any format.
//! Calls `decode` and its own readers only; pure, and no panic on any input.

mod docx;
mod dom;
mod html;
mod pdf;
mod plain;
mod published;

use super::decode::{self, DecodeProblem};

/// The source format of a report file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (UTF-8 or GB18030).
    Text,
    /// An HTML page or HTML report.
    Html,
    /// A Word .docx file.
    Docx,
    /// A PDF with a text layer.
    Pdf,
}

impl Format {
    /// The name stored in `record.source.format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// The text of one report file, whatever its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Plain text: no BOM, `\n` line ends, tables as tab-separated rows.
    pub text: String,
    /// Encoding of the source's text: `utf-8` or `gb18030`.
    pub encoding: &'static str,
    /// Which reader produced the text.
    pub format: Format,
    /// Publication date (YYYY-MM-DD) when the source gives one (an HTML page's 发布日期).
    pub published: Option<String>,
    /// Publisher (发布机构) when the source names one.
    pub publisher: Option<String>,
    /// What the reader could not take over (e.g. a PDF page without text).
    pub warnings: Vec<String>,
}

/// Why a file yields no text to parse. [`super::ParseError`] adds the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceProblem {
    /// The text path refused the bytes (empty, binary, UTF-16).
    Decode(DecodeProblem),
    /// An OLE compound file: old binary Word (.doc) or WPS.
    OldWord,
    /// A PDF whose pages carry no text (a scanned image).
    NoTextLayer,
    /// A .docx or PDF that could not be read.
    Corrupt {
        /// Which kind of file it claimed to be.
        format: Format,
        /// What went wrong, lowercase.
        reason: String,
    },
}

/// How many leading bytes are searched for markup that makes a file HTML.
const HTML_SNIFF_BYTES: usize = 1024;

/// Old binary Word and WPS files are OLE compound files.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// What the bytes claim to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Format(Format),
    OldWord,
    /// A zip that is not a Word document (an .xlsx, an .odt, an archive).
    OtherZip,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(OLE_MAGIC) {
        return Sniffed::OldWord;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // The local file headers name every member, so this works on a truncated file too.
        return if contains(bytes, b"word/document.xml") {
            Sniffed::Format(Format::Docx)
        } else {
            Sniffed::OtherZip
        };
    }
    // Some generators put junk (or a BOM) before the header; readers accept it in the first KiB.
    if contains(&bytes[..bytes.len().min(1024)], b"%PDF-") {
        return Sniffed::Format(Format::Pdf);
    }
    if looks_like_html(bytes) {
        return Sniffed::Format(Format::Html);
    }
    Sniffed::Format(Format::Text)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Markup near the start: `<!DOCTYPE html`, `<html`, `<head`, `<body`, `<meta`, `<table`, `<p>` …
/// (ASCII case-insensitive, after a BOM, whitespace and comments are allowed).
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(HTML_SNIFF_BYTES)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let body = lower.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&lower);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    const STARTS: [&[u8]; 9] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<table",
        b"<div",
        b"<p>",
        b"<?xml",
    ];
    if STARTS.iter().any(|s| body.starts_with(s)) {
        return !body.starts_with(b"<?xml") || contains(body, b"<html");
    }
    body.starts_with(b"<!--") && (contains(body, b"<html") || contains(body, b"<!doctype html"))
}

/// Reads one report file of any supported format into plain text.
pub fn extract(bytes: &[u8]) -> Result<Extracted, SourceProblem> {
    match sniff(bytes) {
        Sniffed::OldWord => Err(SourceProblem::OldWord),
        Sniffed::OtherZip => Err(SourceProblem::Corrupt {
            format: Format::Docx,
            reason: "a zip archive without word/document.xml, not a Word document".to_string(),
        }),
        Sniffed::Format(Format::Docx) => finish(docx::read(bytes)?),
        Sniffed::Format(Format::Pdf) => finish(pdf::read(bytes)?),
        Sniffed::Format(Format::Html) => {
            let (text, encoding) = html::decode_page(bytes).map_err(SourceProblem::Decode)?;
            finish(html::read(&text, encoding))
        }
        Sniffed::Format(Format::Text) => {
            let decoded = decode::decode_bytes(bytes).map_err(SourceProblem::Decode)?;
            Ok(Extracted {
                text: decoded.text,
                encoding: decoded.encoding,
                format: Format::Text,
                published: None,
                publisher: None,
                warnings: Vec::new(),
            })
        }
    }
}

/// Line ends as the text path makes them; a file that gave no text at all is empty.
fn finish(mut extracted: Extracted) -> Result<Extracted, SourceProblem> {
    extracted.text = decode::normalize_line_ends(&extracted.text);
    if extracted.text.trim().is_empty() {
        return Err(match extracted.format {
            Format::Pdf => SourceProblem::NoTextLayer,
            _ => SourceProblem::Decode(DecodeProblem::Empty),
        });
    }
    Ok(extracted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_sniffed_from_the_bytes() {
        assert_eq!(sniff(OLE_MAGIC), Sniffed::OldWord);
        assert_eq!(sniff(b"%PDF-1.4\n"), Sniffed::Format(Format::Pdf));
        assert_eq!(
            sniff(b"PK\x03\x04....word/document.xml..."),
            Sniffed::Format(Format::Docx)
        );
        assert_eq!(sniff(b"PK\x03\x04....xl/workbook.xml"), Sniffed::OtherZip);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\n  <!DOCTYPE HTML PUBLIC>"),
            Sniffed::Format(Format::Html)
        );
        assert_eq!(sniff(b"<TABLE><tr>"), Sniffed::Format(Format::Html));
        assert_eq!(
            sniff("一、总体情况 <p>".as_bytes()),
            Sniffed::Format(Format::Text)
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><w:document>"),
            Sniffed::Format(Format::Text)
        );
    }

    #[test]
    fn old_word_is_refused() {
        assert_eq!(extract(OLE_MAGIC), Err(SourceProblem::OldWord));
    }
}
