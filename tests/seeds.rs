//! Golden tests: each seed report in ../shared/corpus/seeds against its hand-checked record.
//! Every key of `*.expected.json` (keys starting with `_` are notes) is compared leaf by leaf
//! with the parsed record's JSON; all differences are printed before the test fails.

use nianbao::parse::parse;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/seeds");

/// Narrative facts the expected files give; when an expected file leaves one out, the report
/// does not state it and the record must not have it either.
const STATED_FACTS: [&str; 3] = ["proactive_published", "npc_suggestions", "cppcc_proposals"];

fn seed_reports() -> Vec<PathBuf> {
    let mut reports: Vec<PathBuf> = std::fs::read_dir(SEEDS)
        .expect("the seed corpus is at ../shared/corpus/seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    reports.sort();
    assert!(!reports.is_empty(), "no seed reports in {SEEDS}");
    reports
}

fn expected_for(report: &Path) -> Value {
    let path = report.with_extension("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares `expected` with `got` below `key`, pushing `(key, expected, got)` for each leaf
/// that differs. Expected `null` accepts null or absent; numbers compare as numbers.
fn compare(key: &str, expected: &Value, got: Option<&Value>, diffs: &mut Vec<String>) {
    match expected {
        Value::Object(map) => {
            for (k, v) in map.iter().filter(|(k, _)| !k.starts_with('_')) {
                let child = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}.{k}")
                };
                compare(&child, v, got.and_then(|g| g.get(k)), diffs);
            }
        }
        Value::Null => {
            if let Some(g) = got.filter(|g| !g.is_null()) {
                diffs.push(format!("{key}: expected null, got {g}"));
            }
        }
        Value::Number(n) => {
            let same = got
                .and_then(Value::as_f64)
                .is_some_and(|g| n.as_f64().is_some_and(|e| (e - g).abs() < 1e-9));
            if !same {
                diffs.push(format!("{key}: expected {n}, got {}", show(got)));
            }
        }
        other => {
            if got != Some(other) {
                diffs.push(format!("{key}: expected {other}, got {}", show(got)));
            }
        }
    }
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "(absent)".to_string(), Value::to_string)
}

#[test]
fn seeds_match_their_expected_records() {
    let mut failures = Vec::new();
    for report in seed_reports() {
        let name = report.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let bytes = std::fs::read(&report).expect("seed is readable");
        let record = match parse(&bytes, name) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: parse failed: {e}"));
                continue;
            }
        };
        let got = serde_json::to_value(&record).expect("record serializes");
        let expected = expected_for(&report);
        let mut diffs = Vec::new();
        compare("", &expected, Some(&got), &mut diffs);
        let expected_facts = expected.get("facts");
        for fact in STATED_FACTS {
            if expected_facts.is_some_and(|f| f.get(fact).is_none()) {
                if let Some(g) = got.get("facts").and_then(|f| f.get(fact)) {
                    diffs.push(format!("facts.{fact}: expected (absent), got {g}"));
                }
            }
        }
        failures.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
    }
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("{f}");
        }
        panic!("{} differences from the expected records", failures.len());
    }
}

#[test]
fn seeds_pass_rules_1_to_4() {
    for report in seed_reports() {
        let name = report.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let bytes = std::fs::read(&report).expect("seed is readable");
        let record = parse(&bytes, name).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            record.checks.iter().any(|c| c.rule == 1),
            "{name}: rule 1 was not checked"
        );
        let failed: Vec<String> = record
            .checks
            .iter()
            .filter(|c| c.rule <= 4 && !c.passed)
            .map(|c| format!("{}: {}", c.id, c.message))
            .collect();
        assert!(failed.is_empty(), "{name}: failed checks {failed:#?}");
    }
}

#[test]
fn seeds_have_title_sections_and_no_table_text_in_sections() {
    for report in seed_reports() {
        let name = report.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let bytes = std::fs::read(&report).expect("seed is readable");
        let record = parse(&bytes, name).unwrap_or_else(|e| panic!("{e}"));
        let title = record.title.as_deref().unwrap_or_default();
        let agency = record.agency.as_deref().unwrap_or("(none)");
        assert!(
            title.contains(agency) && title.contains("报告"),
            "{name}: title {title:?} should name the agency {agency:?} and the report"
        );
        let numbers: Vec<&str> = record.sections.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(numbers, ["一", "二", "三", "四", "五", "六"], "{name}");
        for s in &record.sections {
            assert!(
                !s.text.contains("[bookmark:") && !s.text.contains("**"),
                "{name}: section {} keeps markers",
                s.number
            );
            assert!(
                !s.text.contains("\n\n"),
                "{name}: blank lines in {}",
                s.number
            );
        }
        for s in &record.sections[1..4] {
            assert!(
                !s.text.contains(['\t', '|']) && !s.text.contains("本年新收"),
                "{name}: table text in section {}: {:?}",
                s.number,
                s.text
            );
        }
        assert!(!record.source.file.contains('/'));
        assert!(record.source.sha256.starts_with(&record.id));
        assert!(!record.demo);
    }
}

#[test]
fn seed_titles_join_agency_and_title_lines() {
    let find = |prefix: &str| {
        seed_reports()
            .into_iter()
            .find(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
            .expect("seed exists")
    };
    let title_of = |p: PathBuf| {
        let bytes = std::fs::read(&p).expect("seed is readable");
        parse(&bytes, "seed.txt").expect("parses").title
    };
    assert_eq!(
        title_of(find("000_")).as_deref(),
        Some("高青县工业和信息化局2024年政府信息公开工作年度报告")
    );
    assert_eq!(
        title_of(find("001_")).as_deref(),
        Some("卫东区工业和信息化局 2024 年政府信息公开工作年度报告")
    );
}
