//! Short reports we wrote ourselves (tests/fixtures/, invented agencies and numbers): each table
//! layout (tab rows, pipe tables, one cell per line) × each template (2021, 2019), blank / `/` /
//! note cells, GBK, CRLF + BOM, a broken rule 1, a pre-2019 report and inputs that are no report.

use nianbao::parse::{decode, parse, ParseError};
use nianbao::record::{Kind, Record, Template};
use serde_json::json;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const LAYOUTS: [&str; 3] = ["tab", "pipe", "cells"];

fn bytes_of(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parsed(name: &str) -> Record {
    parse(&bytes_of(name), name).unwrap_or_else(|e| panic!("{e}"))
}

fn value(record: &Record, key: &str) -> Option<serde_json::Value> {
    record.get(key)
}

fn assert_rules_1_to_4_pass(name: &str, record: &Record) {
    assert!(
        record.checks.iter().any(|c| c.rule == 1),
        "{name}: no rule 1 checks"
    );
    let failed: Vec<&str> = record
        .checks
        .iter()
        .filter(|c| c.rule <= 4 && !c.passed)
        .map(|c| c.message.as_str())
        .collect();
    assert!(failed.is_empty(), "{name}: {failed:#?}");
}

fn assert_common_narrative(name: &str, record: &Record) {
    let numbers: Vec<&str> = record.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二", "三", "四", "五", "六"], "{name}");
    let first = &record.sections[0].text;
    assert!(first.contains("（四）平台建设"), "{name}: {first}");
    assert!(
        !first.contains("bookmark") && !first.contains("**"),
        "{name}"
    );
    for table_section in &record.sections[1..4] {
        assert_eq!(
            table_section.text, "",
            "{name}: section {} keeps table text",
            table_section.number
        );
    }
    assert_eq!(record.kind, Some(Kind::Department), "{name}");
    assert!(record
        .title
        .as_deref()
        .unwrap_or_default()
        .ends_with("工作年度报告"));
}

#[test]
fn template_2021_in_every_layout() {
    for layout in LAYOUTS {
        let name = format!("{layout}_2021.txt");
        let r = parsed(&name);
        assert_eq!(r.template, Template::T2021, "{name}");
        assert_eq!(r.agency.as_deref(), Some("青禾县农业农村局"), "{name}");
        assert_eq!(r.year, Some(2023), "{name}");
        assert_common_narrative(&name, &r);
        let expect = [
            ("requests.new.natural_person", json!(4)),
            ("requests.new.total", json!(5)),
            ("requests.carried_over.total", json!(1)),
            ("requests.granted.commercial", json!(1)),
            ("requests.unavailable.not_held.total", json!(1)),
            ("requests.other.other.total", json!(0)),
            ("requests.total.total", json!(5)),
            ("requests.carried_forward.natural_person", json!(1)),
            ("review.reconsideration.upheld", json!(1)),
            ("review.reconsideration.total", json!(1)),
            ("review.litigation_direct.pending", json!(1)),
            ("review.litigation_after_reconsideration.total", json!(0)),
            ("proactive.normative_documents.issued", json!(2)),
            ("proactive.normative_documents.in_force", json!(7)),
            ("proactive.licensing.decisions", json!(15)),
            ("proactive.coercion.decisions", json!(0)),
            ("proactive.fees.amount", json!(1.5)),
            ("facts.proactive_published", json!(86)),
            ("facts.requests_received", json!(5)),
            ("facts.requests_carried_over", json!(1)),
            ("facts.npc_suggestions", json!(7)),
            ("facts.cppcc_proposals", json!(9)),
        ];
        for (key, want) in expect {
            assert_eq!(value(&r, key), Some(want), "{name}: {key}");
        }
        assert_rules_1_to_4_pass(&name, &r);
    }
}

#[test]
fn template_2019_in_every_layout() {
    for layout in LAYOUTS {
        let name = format!("{layout}_2019.txt");
        let r = parsed(&name);
        assert_eq!(r.template, Template::T2019, "{name}");
        assert_eq!(r.agency.as_deref(), Some("白石市水务局"), "{name}");
        assert_eq!(r.year, Some(2019), "{name}");
        assert_common_narrative(&name, &r);
        let expect = [
            ("proactive.normative_documents.made", json!(3)),
            ("proactive.normative_documents.total_published", json!(12)),
            ("proactive.licensing.prior_items", json!(20)),
            ("proactive.licensing.change", json!(-1)),
            ("proactive.licensing.decisions", json!(140)),
            ("proactive.other_services.change", json!(2)),
            ("proactive.penalties.decisions", json!(25)),
            ("proactive.fees.prior_items", json!(1)),
            ("proactive.procurement.items", json!(4)),
            ("proactive.procurement.amount", json!(52000)),
            ("proactive.procurement.amount_unit", json!("元")),
            ("requests.new.other_org", json!(1)),
            ("requests.new.total", json!(3)),
            ("requests.not_processed.repeated.total", json!(1)),
            ("requests.other.total.total", json!(0)),
            ("requests.total.total", json!(3)),
            ("review.reconsideration.total", json!(0)),
            ("facts.proactive_published", json!(41)),
            ("facts.requests_received", json!(3)),
        ];
        for (key, want) in expect {
            assert_eq!(value(&r, key), Some(want), "{name}: {key}");
        }
        assert_eq!(value(&r, "requests.other.other"), None, "{name}");
        assert_rules_1_to_4_pass(&name, &r);
    }
}

#[test]
fn blank_and_slash_cells_are_absent_not_zero_and_notes_are_kept() {
    let r = parsed("tab_2021.txt");
    for key in [
        "proactive.regulations.issued",
        "proactive.regulations.repealed",
        "proactive.regulations.in_force",
        "proactive.penalties.decisions",
    ] {
        assert_eq!(value(&r, key), None, "{key} must be absent");
        if let Some(cell) = r.cells.get(key) {
            assert!(
                cell.text.trim() == "/" || cell.text.trim().is_empty(),
                "{key}"
            );
        }
    }
    let note = r
        .cells
        .get("proactive.normative_documents.in_force")
        .expect("the note cell has a source");
    assert_eq!(note.note.as_deref(), Some("其中修订2件"));
    assert!(note.text.contains("7"));
}

#[test]
fn gbk_file_parses_like_its_utf8_twin() {
    let utf8 = bytes_of("tab_2021.txt");
    let text = String::from_utf8(utf8.clone()).expect("fixture is UTF-8");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let from_gbk = parse(&gbk, "gbk.txt").expect("GBK parses");
    let from_utf8 = parse(&utf8, "gbk.txt").expect("UTF-8 parses");
    assert_eq!(from_gbk.source.encoding, "gb18030");
    assert_eq!(from_utf8.source.encoding, "utf-8");
    assert_eq!(same_but_source(from_gbk), same_but_source(from_utf8));
    assert_eq!(decode(&gbk).expect("decodes").text, text);
}

#[test]
fn crlf_and_bom_parse_like_plain_text() {
    let plain = bytes_of("cells_2021.txt");
    let text = String::from_utf8(plain.clone()).expect("fixture is UTF-8");
    let mut crlf = b"\xEF\xBB\xBF".to_vec();
    crlf.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    let a = parse(&crlf, "crlf.txt").expect("CRLF parses");
    let b = parse(&plain, "crlf.txt").expect("plain parses");
    assert_eq!(a.source.encoding, "utf-8");
    assert_eq!(same_but_source(a), same_but_source(b));
}

/// A record without what depends on the exact bytes (id, source).
fn same_but_source(mut r: Record) -> Record {
    r.id.clear();
    r.source = Default::default();
    r
}

#[test]
fn broken_rule_1_is_reported_with_its_numbers() {
    let r = parsed("rule1_broken.txt");
    let check = r
        .checks
        .iter()
        .find(|c| c.id == "1.natural_person")
        .expect("rule 1 is checked for natural_person");
    assert!(!check.passed);
    assert_eq!((check.left, check.right), (5, 6));
    let total = r
        .checks
        .iter()
        .find(|c| c.id == "1.total")
        .expect("1.total");
    assert!(!total.passed);
    assert_eq!((total.left, total.right), (6, 7));
    assert!(r.has_failed_checks());
    // The record keeps what the report printed.
    assert_eq!(value(&r, "requests.carried_forward.total"), Some(json!(2)));
}

#[test]
fn pre2019_report_without_tables() {
    let r = parsed("pre2019.txt");
    assert_eq!(r.template, Template::Pre2019);
    assert_eq!(r.year, Some(2017));
    assert_eq!(r.agency.as_deref(), Some("鹿鸣县统计局"));
    assert!(r.proactive.is_none() && r.requests.is_none() && r.review.is_none());
    let numbers: Vec<&str> = r.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二", "三", "四", "五", "六", "七"]);
    assert_eq!(r.sections[6].heading, "其他需要报告的事项");
    assert_eq!(r.facts.proactive_published, Some(45));
    assert_eq!(r.facts.requests_received, Some(2));
    assert_eq!(r.facts.reconsiderations, Some(0));
    assert_eq!(r.facts.lawsuits, Some(0));
    assert!(!r.checks.iter().any(|c| c.rule <= 4 && !c.passed));
}

#[test]
fn demo_marker_is_recognised() {
    assert!(parsed("pipe_2021.txt").demo);
    assert!(!parsed("tab_2021.txt").demo);
}

#[test]
fn binary_bytes_are_refused_naming_the_file() {
    let mut bytes = "一、总体情况\n".as_bytes().to_vec();
    bytes.extend_from_slice(&[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
    let err = parse(&bytes, "scan/x.bin").unwrap_err();
    assert_eq!(
        err,
        ParseError::Binary {
            file: "x.bin".into(),
            at: 23
        }
    );
    assert!(err
        .to_string()
        .starts_with("x.bin: not a text report (binary data at byte 23)"));
}

#[test]
fn empty_file_is_refused_naming_the_file() {
    let err = parse(b"", "report.txt").unwrap_err();
    assert!(err.to_string().starts_with("report.txt: file is empty"));
    assert!(matches!(
        parse(b"\xEF\xBB\xBF\r\n  \n", "r.txt"),
        Err(ParseError::Empty { .. })
    ));
}

#[test]
fn html_page_without_a_report_is_refused_naming_the_file() {
    let err = parse(&bytes_of("not_a_report.html"), "page.html").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("page.html: no report found (no title, sections or statistics tables)"),
        "{err}"
    );
}
