//! Reports as agencies publish them: one synthetic report of our own (tests/support/report.rs)
//! as a text export, a GBK portal page, a Word .docx and a PDF must give the same record; a
//! scanned PDF, a truncated .docx, an old .doc and a page with no report are refused with a
//! message that names the file and says what to do, and the archive keeps their bytes.

use crate::support::report;
use nianbao::parse::{decode, parse, ParseError};
use nianbao::record::Record;

fn parsed(bytes: &[u8], name: &str) -> Record {
    parse(bytes, name).unwrap_or_else(|e| panic!("{e}"))
}

/// The record without what differs by nature between sources (id, source, byte offsets).
fn comparable(record: &Record) -> serde_json::Value {
    let mut value = serde_json::to_value(record).expect("serializes");
    let map = value.as_object_mut().expect("an object");
    for key in ["id", "source", "published"] {
        map.remove(key);
    }
    // Cells: the printed text and note must agree; lines and byte ranges point into each
    // format's own text.
    if let Some(cells) = map.get_mut("cells").and_then(|c| c.as_object_mut()) {
        for cell in cells.values_mut() {
            if let Some(cell) = cell.as_object_mut() {
                for key in ["line", "start", "end"] {
                    cell.remove(key);
                }
            }
        }
    }
    // Sections modulo whitespace.
    if let Some(sections) = map.get_mut("sections").and_then(|s| s.as_array_mut()) {
        for section in sections {
            if let Some(text) = section.get_mut("text") {
                let squeezed: String = text
                    .as_str()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                *text = serde_json::Value::String(squeezed);
            }
        }
    }
    value
}

fn assert_same_record(expected: &Record, got: &Record, format: &str) {
    let (e, g) = (comparable(expected), comparable(got));
    if e != g {
        let (e, g) = (e.as_object().unwrap(), g.as_object().unwrap());
        for key in e.keys().chain(g.keys()) {
            let (ev, gv) = (e.get(key), g.get(key));
            if let (Some(serde_json::Value::Object(ev)), Some(serde_json::Value::Object(gv))) =
                (ev, gv)
            {
                for sub in ev.keys().chain(gv.keys()) {
                    assert_eq!(ev.get(sub), gv.get(sub), "{format}: {key}.{sub} differs");
                }
            }
            assert_eq!(ev, gv, "{format}: key {key} differs");
        }
    }
}

fn text_record() -> Record {
    parsed(report::text().as_bytes(), "report.txt")
}

#[test]
fn the_text_export_is_a_complete_report() {
    let r = text_record();
    assert_eq!(r.source.format, "text");
    assert_eq!(r.agency.as_deref(), Some("白鹭县文化和旅游局"));
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.sections.len(), 6);
    assert!(r.checks.iter().any(|c| c.rule == 1));
    let failed: Vec<&str> = r
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.message.as_str())
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(r.get("proactive.licensing.decisions"), Some(27.into()));
    assert_eq!(
        r.get("proactive.penalties.decisions"),
        None,
        "a blank cell, not 0"
    );
    assert_eq!(r.get("proactive.coercion.decisions"), Some(0.into()));
    assert_eq!(r.get("proactive.regulations.issued"), None);
    assert_eq!(
        r.get("proactive.normative_documents.in_force"),
        Some(12.into())
    );
    assert_eq!(r.get("requests.total.total"), Some(7.into()));
    assert_eq!(
        r.get("requests.carried_forward.natural_person"),
        Some(2.into())
    );
    assert_eq!(r.get("review.litigation_direct.total"), Some(1.into()));
    assert_eq!(r.facts.requests_received, Some(8));
    assert!(r.warnings.is_empty(), "{:#?}", r.warnings);
}

#[test]
fn gbk_portal_page_gives_the_same_record_and_its_publication() {
    let bytes = report::html();
    let r = parsed(&bytes, "page.shtml");
    assert_eq!(r.source.format, "html");
    assert_eq!(r.source.encoding, "gb18030");
    assert_eq!(r.published.as_deref(), Some(report::PUBLISHED));
    assert_eq!(r.source.publisher.as_deref(), Some(report::PUBLISHER));
    assert_same_record(&text_record(), &r, "html");
    // The raw text the archive shows is the text export, without the site's chrome.
    let raw = decode(&bytes).expect("decodes").text;
    assert_eq!(raw, report::text());
    for chrome in [
        "首页",
        "当前位置",
        "索引号",
        "打印本页",
        "网站标识码",
        "var menu",
    ] {
        assert!(!raw.contains(chrome), "{chrome} left in the text");
    }
}

#[test]
fn docx_gives_the_same_record_and_text() {
    let bytes = report::docx();
    let r = parsed(&bytes, "report.docx");
    assert_eq!(r.source.format, "docx");
    assert_same_record(&text_record(), &r, "docx");
    assert_eq!(decode(&bytes).expect("decodes").text, report::text());
}

#[test]
fn pdf_with_a_chinese_text_layer_gives_the_same_record() {
    let bytes = report::pdf();
    let r = parsed(&bytes, "report.pdf");
    assert_eq!(r.source.format, "pdf");
    // A blank cell leaves no trace in a PDF: the value is absent as in the other formats, but
    // there is no printed (empty) text to point at.
    let mut expected = text_record();
    let blank = expected.cells.remove("proactive.penalties.decisions");
    assert_eq!(blank.map(|c| c.text), Some(String::new()));
    // …and the row of that one blank cell is an empty row in the text, no row in the PDF,
    // where the table reader says so.
    expected
        .warnings
        .push("主动公开政府信息情况: row 行政处罚 has 0 numbers, expected 1".to_string());
    if let Some(proactive) = expected.proactive.as_mut() {
        assert_eq!(proactive.penalties, Some(Default::default()));
        proactive.penalties = None;
    }
    let columns = |r: &Record| -> Vec<_> { r.flatten().into_iter().skip(1).collect() };
    assert_eq!(
        columns(&r),
        columns(&expected),
        "every export column but the id"
    );
    assert_eq!(r.get("proactive.penalties.decisions"), None, "blank, not 0");
    assert_same_record(&expected, &r, "pdf");
    let raw = decode(&bytes).expect("decodes").text;
    assert!(!raw.contains("- 1 -"), "page footer left in:\n{raw}");
    assert!(
        raw.contains("统计期限为2023年1月1日至2023年12月31日。"),
        "wrapped lines are joined into their paragraph:\n{raw}"
    );
    // Cell offsets point into the text the archive shows.
    for (key, cell) in &r.cells {
        assert_eq!(
            raw.get(cell.start..cell.end),
            Some(cell.text.as_str()),
            "{key}"
        );
    }
}

#[test]
fn scanned_pdf_is_refused_with_a_hint() {
    let err = parse(&report::scanned_pdf(), "scan.pdf").unwrap_err();
    assert_eq!(
        err,
        ParseError::NoTextLayer {
            file: "scan.pdf".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "scan.pdf: the PDF has no text layer (a scanned image); run OCR or import the text"
    );
}

#[test]
fn truncated_docx_is_a_clear_error() {
    let bytes = report::docx();
    for cut in [bytes.len() / 3, bytes.len() - 30] {
        let err = parse(&bytes[..cut], "report.docx").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("report.docx: damaged Word .docx file ("),
            "{message}"
        );
    }
}

#[test]
fn damaged_pdf_is_a_clear_error() {
    let bytes = report::pdf();
    let err = parse(&bytes[..bytes.len() / 2], "report.pdf");
    match err {
        Err(e) => assert!(e.to_string().starts_with("report.pdf: "), "{e}"),
        // A reader may recover the pages before the cut; then it is a report with warnings.
        Ok(r) => assert_eq!(r.source.format, "pdf"),
    }
}

#[test]
fn old_word_and_wps_files_are_refused_with_a_hint() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend(std::iter::repeat_n(0u8, 512));
    let err = parse(&ole, "/home/u/年报.wps").unwrap_err();
    assert_eq!(
        err.to_string(),
        "年报.wps: old binary Word/WPS file; open it in Word or WPS and save it as .docx, or save as text"
    );
}

#[test]
fn portal_page_without_a_report_is_refused() {
    let page = r#"<html><head><meta charset="utf-8"><title>白鹭县人民政府</title></head>
        <body><div class="nav"><a>政府信息公开年报</a></div><p>该信息已过期或不存在。</p>
        <div id="footer">版权所有</div></body></html>"#;
    let err = parse(page.as_bytes(), "gone.html").unwrap_err();
    assert!(matches!(err, ParseError::NoReport { .. }), "{err}");
    let empty = parse(
        b"<html><body><script>x()</script></body></html>",
        "blank.htm",
    )
    .unwrap_err();
    assert!(matches!(empty, ParseError::Empty { .. }), "{empty}");
}

#[test]
fn rejected_files_keep_their_bytes_in_the_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let docx = report::docx();
    std::fs::write(inbox.join("scan.pdf"), report::scanned_pdf()).expect("write");
    std::fs::write(inbox.join("cut.docx"), &docx[..docx.len() / 2]).expect("write");
    std::fs::write(inbox.join("report.docx"), &docx).expect("write");
    let archive = nianbao::archive::Archive::open(&dir.path().join("data")).expect("archive");
    let summary = archive
        .import(&[inbox], &nianbao::archive::Silent)
        .expect("import");
    assert_eq!(summary.imported, 1, "{summary:?}");
    assert_eq!(summary.failed.len(), 2, "{summary:?}");
    let reasons: Vec<&str> = summary.failed.iter().map(|f| f.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("no text layer")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("damaged Word .docx")),
        "{reasons:?}"
    );
    // Nothing lost: the rejected files' bytes are stored with the reason.
    let rejected = archive.rejected().expect("rejected entries");
    assert_eq!(rejected.len(), 2);
    for entry in rejected {
        let raw = archive.raw(&entry.id).expect("read").expect("bytes kept");
        assert!(!raw.is_empty(), "{}", entry.file);
        assert!(entry.reason.starts_with(&entry.file), "{}", entry.reason);
    }
}
