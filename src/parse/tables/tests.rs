//! Tests of the table reader: the five seed reports against their expected records, fixtures
//! of our own in each layout and template, and a property test (no panic, no hang).

use super::*;
use serde_json::{json, Value};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/seeds");

/// The decoded text of a seed: UTF-8, BOM stripped, `\r\n` → `\n`.
fn seed_text(path: &std::path::Path) -> String {
    let raw = std::fs::read_to_string(path).expect("seed is UTF-8");
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(&raw);
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

/// Every leaf of `expected` at `path`, compared with `got`; differences as lines.
fn diff(path: &str, expected: &Value, got: &Value, out: &mut Vec<String>) {
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (k, ev) in e {
                diff(
                    &format!("{path}.{k}"),
                    ev,
                    g.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
            for (k, gv) in g {
                if !e.contains_key(k) && !gv.is_null() {
                    out.push(format!("{path}.{k}: not expected, got {gv}"));
                }
            }
        }
        (e, g) if e == g => {}
        (e, g) => out.push(format!("{path}: expected {e}, got {g}")),
    }
}

#[test]
fn seeds_match_expected_tables() {
    let mut seeds: Vec<_> = std::fs::read_dir(SEEDS)
        .expect("the seeds folder ../shared/corpus/seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    assert_eq!(seeds.len(), 5, "five seed reports");
    let mut failures = Vec::new();
    for txt in &seeds {
        let text = seed_text(txt);
        let expected_path = txt.with_extension("expected.json");
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(&expected_path).expect("expected.json beside the seed"),
        )
        .expect("expected.json is JSON");
        let tables = read_tables(&text);
        let got = json!({
            "template": tables.template,
            "proactive": tables.proactive,
            "requests": tables.requests,
            "review": tables.review,
        });
        let mut diffs = Vec::new();
        for key in ["template", "proactive", "requests", "review"] {
            diff(key, &expected[key], &got[key], &mut diffs);
        }
        if !diffs.is_empty() {
            failures.push(format!(
                "{}:\n  {}\n  warnings: {:?}",
                txt.display(),
                diffs.join("\n  "),
                tables.warnings
            ));
        }
        assert!(
            tables.warnings.is_empty(),
            "{}: unexpected warnings {:?}",
            txt.display(),
            tables.warnings
        );
        // Every value has a source, and every source points at its printed text.
        for (key, source) in &tables.cells {
            assert_eq!(
                text.get(source.start..source.end),
                Some(source.text.as_str()),
                "{key}"
            );
        }
        assert!(tables.cells.contains_key("requests.new.total"));
        assert!(tables
            .cells
            .contains_key("review.litigation_direct.pending"));
        assert!(!tables.spans.is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
