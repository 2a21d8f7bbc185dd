//! The demo corpus parses back into what the generator meant, in every format: agency, year,
//! demo flag, and the one broken rule of each broken report; and a report's HTML page and .docx
//! give the same tables as its text file.

use nianbao::demo::{generate, DemoFormat, DemoOptions, DemoReport};
use nianbao::record::Record;

fn parsed(report: &DemoReport) -> Record {
    nianbao::parse::parse(&report.bytes, &report.file_name)
        .unwrap_or_else(|e| panic!("{}: {e}", report.file_name))
}

#[test]
fn generated_reports_parse_with_their_numbers() {
    let options = DemoOptions {
        count: 160,
        seed: 3,
        broken_share: 0.2,
        format: None,
    };
    let mut broken = 0;
    let mut formats = std::collections::BTreeMap::new();
    for report in generate(&options) {
        let record = parsed(&report);
        let name = &report.file_name;
        *formats.entry(record.source.format.clone()).or_insert(0) += 1;
        let expected_format = match report.format {
            DemoFormat::Text => "text",
            DemoFormat::Html => "html",
            DemoFormat::Docx => "docx",
        };
        assert_eq!(record.source.format, expected_format, "{name}");
        assert_eq!(
            record.agency.as_deref(),
            Some(report.agency.as_str()),
            "{name}"
        );
        assert_eq!(record.year, Some(report.year), "{name}");
        assert!(record.demo, "{name}: demo flag");
        assert!(record.warnings.is_empty(), "{name}: {:?}", record.warnings);
        assert!(
            record.requests.is_some() && record.review.is_some() && record.proactive.is_some(),
            "{name}"
        );
        assert!(record.region.province.is_some(), "{name}");
        assert_eq!(record.sections.len(), 6, "{name}");
        if report.format == DemoFormat::Html {
            assert_eq!(
                record.source.publisher.as_deref(),
                Some(report.agency.as_str()),
                "{name}"
            );
            assert!(record.published.is_some(), "{name}");
        }
        let failed: Vec<u8> = record
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect();
        match report.broken_rule {
            None => assert!(failed.is_empty(), "{name}: unexpected failures {failed:?}"),
            Some(rule) => {
                broken += 1;
                assert!(
                    failed.contains(&rule),
                    "{name}: rule {rule} should fail, failed {failed:?}"
                );
            }
        }
    }
    assert!(broken > 5, "a share of the corpus breaks a rule on purpose");
    assert_eq!(formats.len(), 3, "all three formats: {formats:?}");
}

#[test]
fn html_and_docx_give_the_tables_of_the_text() {
    let forced = |format| {
        generate(&DemoOptions {
            count: 24,
            seed: 8,
            broken_share: 0.2,
            format: Some(format),
        })
        .map(|r| parsed(&r))
        .collect::<Vec<_>>()
    };
    let text = forced(DemoFormat::Text);
    for format in [DemoFormat::Html, DemoFormat::Docx] {
        for (t, other) in text.iter().zip(forced(format)) {
            let name = &other.source.file;
            assert_eq!(other.proactive, t.proactive, "{name}: table 二");
            assert_eq!(other.requests, t.requests, "{name}: table 三");
            assert_eq!(other.review, t.review, "{name}: table 四");
            assert_eq!(other.checks, t.checks, "{name}: checks");
            assert_eq!(other.agency, t.agency, "{name}");
            assert_eq!(other.region, t.region, "{name}");
            assert_eq!(other.template, t.template, "{name}");
            assert!(other.warnings.is_empty(), "{name}: {:?}", other.warnings);
        }
    }
}
