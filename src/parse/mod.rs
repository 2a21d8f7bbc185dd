//! The parser: bytes of one report file + its file name → a [`Record`], or a [`ParseError`]
//! naming the file when there is nothing to keep as a report.
//!
//! Steps: `source` (the format sniffed from the bytes: text, HTML, .docx or PDF, each turned into
//! the same plain text; [`decode`] returns that text) → [`tables::read_tables`] (statistics
//! tables and their byte spans) → `sections` (一 … 六 without the spans) → `meta` (title, agency,
//! year, kind) → `facts` (numbers the narrative states) → [`crate::gazetteer`] (region, level) →
//! [`crate::checks`] (rules 1–5). Pure: no store, no index, no I/O; never panics on any input.

mod decode;
mod facts;
mod meta;
mod sections;
mod source;
pub mod tables;

pub use decode::Decoded;

use crate::gazetteer::Gazetteer;
use crate::record::{Record, Source, Template};
use decode::DecodeProblem;
use sha2::{Digest, Sha256};
use source::SourceProblem;
use thiserror::Error;

/// Why a file could not be parsed as a report at all. Every message starts with the file name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// No bytes (or only a BOM and whitespace).
    #[error("{file}: file is empty; export the report's text again")]
    Empty {
        /// File name as given.
        file: String,
    },
    /// NUL bytes, many control bytes, or text in neither UTF-8 nor GB18030.
    #[error(
        "{file}: not a text report (binary data at byte {at}); convert it to UTF-8 text first"
    )]
    Binary {
        /// File name as given.
        file: String,
        /// Byte offset of the first offending byte.
        at: usize,
    },
    /// UTF-16 text, which the parser does not read.
    #[error("{file}: not a text report (UTF-16 text); save it as UTF-8 text first")]
    Utf16 {
        /// File name as given.
        file: String,
    },
    /// An OLE compound file: old binary Word (.doc) or WPS, which the parser does not read.
    #[error("{file}: old binary Word/WPS file; open it in Word or WPS and save it as .docx, or save as text")]
    OldWord {
        /// File name as given.
        file: String,
    },
    /// A PDF whose pages carry no text (a scanned image).
    #[error("{file}: the PDF has no text layer (a scanned image); run OCR or import the text")]
    NoTextLayer {
        /// File name as given.
        file: String,
    },
    /// A .docx or PDF that could not be read (truncated, damaged, not what it claims to be).
    #[error(
        "{file}: damaged {format} file ({reason}); open it and save it again, or save it as text"
    )]
    Corrupt {
        /// File name as given.
        file: String,
        /// `Word .docx` or `PDF`.
        format: String,
        /// What the reader found wrong.
        reason: String,
    },
    /// Text without a title, sections or statistics tables.
    #[error("{file}: no report found (no title, sections or statistics tables); is this the report's text?")]
    NoReport {
        /// File name as given.
        file: String,
    },
}

impl ParseError {
    fn from_problem(problem: SourceProblem, file: &str) -> Self {
        let file = file.to_string();
        match problem {
            SourceProblem::Decode(DecodeProblem::Empty) => ParseError::Empty { file },
            SourceProblem::Decode(DecodeProblem::Binary { at }) => ParseError::Binary { file, at },
            SourceProblem::Decode(DecodeProblem::Utf16) => ParseError::Utf16 { file },
            SourceProblem::OldWord => ParseError::OldWord { file },
            SourceProblem::NoTextLayer => ParseError::NoTextLayer { file },
            SourceProblem::Corrupt { format, reason } => ParseError::Corrupt {
                file,
                format: match format {
                    source::Format::Pdf => "PDF",
                    source::Format::Docx => "Word .docx",
                    source::Format::Html => "HTML",
                    source::Format::Text => "text",
                }
                .to_string(),
                reason,
            },
        }
    }
}

/// File name used in errors of [`decode`], which is not given one.
const UNNAMED: &str = "(input)";

/// The decoded text exactly as the record's byte offsets refer to it (used to show the raw
/// text), for every format: an HTML page, .docx or PDF gives the plain text the parser read.
/// Errors name the file `(input)`.
pub fn decode(bytes: &[u8]) -> Result<Decoded, ParseError> {
    let extracted = source::extract(bytes).map_err(|p| ParseError::from_problem(p, UNNAMED))?;
    Ok(Decoded {
        text: extracted.text,
        encoding: extracted.encoding,
    })
}

/// The record id of a file: the first 16 hex digits of the SHA-256 of its bytes.
pub fn source_id(bytes: &[u8]) -> String {
    let sha256 = hex(&Sha256::digest(bytes));
    sha256[..16].to_string()
}

/// Bytes of one report file + its file name → a Record, or an error naming the file.
///
/// An error only when there is nothing to keep as a report (empty, binary, or text with no
/// title, sections or tables); everything else is a record with warnings.
pub fn parse(bytes: &[u8], file_name: &str) -> Result<Record, ParseError> {
    parse_with(bytes, file_name, crate::checks::check_record)
}

/// [`parse`] with only the checks that fail, for an import: the store keeps no checks (they
/// are recomputed on reading) and the index counts the failed ones, so the forty or so that
/// pass are not written out.
pub fn parse_for_import(bytes: &[u8], file_name: &str) -> Result<Record, ParseError> {
    parse_with(bytes, file_name, crate::checks::failed_checks)
}

fn parse_with(
    bytes: &[u8],
    file_name: &str,
    run_checks: fn(&Record) -> Vec<crate::record::Check>,
) -> Result<Record, ParseError> {
    let file = base_name(file_name);
    let extracted = source::extract(bytes).map_err(|p| ParseError::from_problem(p, &file))?;
    let text = extracted.text.as_str();

    let tables = tables::read_tables(text);
    let split = sections::split_sections(text, &tables.spans);
    let narrative = sections::narrative(text, &tables.spans);
    let preface = text.get(..split.preface_end).unwrap_or(text);
    let preface_narrative = sections::narrative(preface, &tables.spans);
    let meta = meta::read_meta(&preface_narrative, &narrative);

    let has_tables =
        tables.proactive.is_some() || tables.requests.is_some() || tables.review.is_some();
    if meta.title.is_none() && split.sections.is_empty() && !has_tables {
        return Err(ParseError::NoReport { file });
    }

    let sha256 = hex(&Sha256::digest(bytes));
    let mut warnings = extracted.warnings.clone();
    warnings.extend(tables.warnings);
    if meta.agency.is_none() {
        warnings.push("no agency found in the title or preface".to_string());
    }
    if meta.year.is_none() {
        warnings.push("no statistics year found in the title or statistics period".to_string());
    }
    if meta.title.is_none() {
        warnings.push("no title found before section 一".to_string());
    }
    if split.sections.is_empty() {
        warnings.push("no sections found (no 一、 … headings at line start)".to_string());
    }
    let template = template_of(tables.template, has_tables, meta.year);
    if !has_tables && template != Template::Pre2019 {
        warnings.push("no statistics tables found".to_string());
    }

    let location = Gazetteer::global().locate(meta.agency.as_deref().unwrap_or(""), text);
    let mut record = Record {
        id: sha256.get(..16).unwrap_or(&sha256).to_string(),
        source: Source {
            file,
            sha256: sha256.clone(),
            bytes: bytes.len() as u64,
            encoding: extracted.encoding.to_string(),
            format: extracted.format.as_str().to_string(),
            publisher: extracted.publisher.clone(),
        },
        kind: meta::kind_of(meta.agency.as_deref()),
        agency: meta.agency,
        year: meta.year,
        title: meta.title,
        template,
        level: location.level,
        region: location.region,
        published: extracted.published.clone(),
        sections: split.sections,
        proactive: tables.proactive,
        requests: tables.requests,
        review: tables.review,
        facts: facts::read_facts(&narrative),
        checks: Vec::new(),
        cells: tables.cells,
        warnings,
        demo: is_demo(text),
    };
    record.checks = run_checks(&record);
    Ok(record)
}

/// The template the tables follow; without tables, `pre2019` for a report about a year before
/// 2019 (the free form had no statistics tables), else `unknown` (a later report must have
/// tables, so missing ones are a reading failure, not a template).
fn template_of(from_tables: Template, has_tables: bool, year: Option<i32>) -> Template {
    match from_tables {
        Template::Unknown if !has_tables && year.is_some_and(|y| y < 2019) => Template::Pre2019,
        t => t,
    }
}

/// Generated demonstration reports carry a line starting with 【演示数据】.
fn is_demo(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim_start().starts_with("【演示数据】"))
}

/// The file name without the directories of the importing machine (`/` or `\` separated).
fn base_name(file_name: &str) -> String {
    file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_message_names_the_file() {
        let errors = [
            ParseError::Empty {
                file: "a.txt".into(),
            },
            ParseError::Binary {
                file: "a.txt".into(),
                at: 12,
            },
            ParseError::Utf16 {
                file: "a.txt".into(),
            },
            ParseError::NoReport {
                file: "a.txt".into(),
            },
            ParseError::OldWord {
                file: "a.doc".into(),
            },
            ParseError::NoTextLayer {
                file: "scan.pdf".into(),
            },
            ParseError::Corrupt {
                file: "a.docx".into(),
                format: "Word .docx".into(),
                reason: "invalid zip archive".into(),
            },
        ];
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            messages[0],
            "a.txt: file is empty; export the report's text again"
        );
        assert!(messages[1].starts_with("a.txt: not a text report (binary data at byte 12)"));
        assert!(messages[2].starts_with("a.txt: not a text report (UTF-16 text)"));
        assert!(messages[3]
            .starts_with("a.txt: no report found (no title, sections or statistics tables)"));
        assert_eq!(
            messages[4],
            "a.doc: old binary Word/WPS file; open it in Word or WPS and save it as .docx, or save as text"
        );
        assert_eq!(
            messages[5],
            "scan.pdf: the PDF has no text layer (a scanned image); run OCR or import the text"
        );
        assert_eq!(
            messages[6],
            "a.docx: damaged Word .docx file (invalid zip archive); open it and save it again, or save it as text"
        );
    }

    #[test]
    fn source_file_has_no_directories() {
        assert_eq!(base_name("/tmp/x/report.txt"), "report.txt");
        assert_eq!(base_name(r"C:\docs\report.txt"), "report.txt");
        assert_eq!(base_name("report.txt"), "report.txt");
    }

    #[test]
    fn id_is_first_16_hex_of_sha256() {
        let r = parse(
            "某局2023年政府信息公开工作年度报告\n一、总体情况\n".as_bytes(),
            "a.txt",
        )
        .unwrap();
        assert_eq!(r.id.len(), 16);
        assert!(r.source.sha256.starts_with(&r.id));
        assert_eq!(r.source.format, "text");
    }

    #[test]
    fn demo_marker_line() {
        assert!(is_demo("标题\n  【演示数据】本报告为演示\n"));
        assert!(!is_demo("标题\n说明：【演示数据】不在行首\n"));
    }
}
