//! The demo corpus parses back into what the generator meant: agency, year, demo flag, and the
//! one broken rule of each broken report.

use nianbao::demo::{generate, DemoOptions};

#[test]
fn generated_reports_parse_with_their_numbers() {
    let options = DemoOptions {
        count: 120,
        seed: 3,
        broken_share: 0.2,
    };
    let mut broken = 0;
    for report in generate(&options) {
        let record = nianbao::parse::parse(report.text.as_bytes(), &report.file_name)
            .unwrap_or_else(|e| panic!("{}: {e}", report.file_name));
        let name = &report.file_name;
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
}
