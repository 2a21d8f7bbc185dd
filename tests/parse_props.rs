//! Property tests of the parser: on any bytes it returns quickly with either a record or an
//! error naming the file, never a panic. Inputs: random bytes, our fixtures truncated or with
//! their lines shuffled, and huge lines.

use nianbao::parse::parse;
use proptest::prelude::*;
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const FILE: &str = "prop.txt";
/// Generous for debug builds on a shared 2-core machine; a real hang blows far past it.
const QUICK: Duration = Duration::from_secs(10);

fn fixture_texts() -> Vec<String> {
    [
        "tab_2021.txt",
        "pipe_2019.txt",
        "cells_2021.txt",
        "pre2019.txt",
    ]
    .iter()
    .map(|n| std::fs::read_to_string(format!("{FIXTURES}/{n}")).expect("fixture"))
    .collect()
}

/// Parses, checking the promises that hold for every input.
fn parse_checked(bytes: &[u8]) {
    let started = Instant::now();
    let result = parse(bytes, FILE);
    let took = started.elapsed();
    assert!(took < QUICK, "parse took {took:?} on {} bytes", bytes.len());
    match result {
        Ok(record) => {
            assert_eq!(record.source.file, FILE);
            assert_eq!(record.source.bytes, bytes.len() as u64);
            assert_eq!(record.id.len(), 16);
            for section in &record.sections {
                assert!(!section.text.contains("\n\n"));
            }
        }
        Err(e) => assert!(e.to_string().starts_with("prop.txt: "), "{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        parse_checked(&bytes);
    }

    #[test]
    fn random_printable_bytes_never_panic(bytes in prop::collection::vec(0x20u8..=0xFF, 0..4096)) {
        // No NUL or control bytes: these reach the UTF-8 / GB18030 decoding and the parser.
        parse_checked(&bytes);
    }

    #[test]
    fn random_text_never_panics(text in "[一二三四五六、（）()|\t\n 0-9年度报告政府信息公开局/余件条]{0,2000}") {
        parse_checked(text.as_bytes());
    }

    #[test]
    fn truncated_reports_never_panic(which in 0usize..4, cut in 0.0f64..1.0) {
        let text = &fixture_texts()[which];
        let end = (text.len() as f64 * cut) as usize;
        parse_checked(&text.as_bytes()[..end]);
    }

    #[test]
    fn shuffled_reports_never_panic(
        which in 0usize..4,
        seed in prop::collection::vec(any::<u32>(), 1..400),
    ) {
        let text = &fixture_texts()[which];
        let mut lines: Vec<&str> = text.lines().collect();
        // A permutation driven by the random seed list (Fisher–Yates with the seeds as dice).
        for (i, roll) in seed.iter().enumerate() {
            let len = lines.len();
            if len < 2 {
                break;
            }
            let a = i % len;
            let b = *roll as usize % len;
            lines.swap(a, b);
        }
        parse_checked(lines.join("\n").as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn huge_lines_return_quickly(
        unit in prop::sample::select(vec!["一、", "\t", "| ", "0\t", "主动公开政府信息", "未", "年", "a"]),
        repeat in 50_000usize..300_000,
        with_report in any::<bool>(),
    ) {
        let mut text = if with_report { fixture_texts()[0].clone() } else { String::new() };
        text.push_str(&unit.repeat(repeat));
        text.push('\n');
        parse_checked(text.as_bytes());
    }
}
