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

// ---------------------------------------------------------------------------------------------
// Fixtures of our own: one logical report per template, printed in each of the three layouts.

/// How a fixture table is printed.
#[derive(Debug, Clone, Copy)]
enum Layout {
    Tab,
    Pipe,
    Column,
}

const LAYOUTS: [Layout; 3] = [Layout::Tab, Layout::Pipe, Layout::Column];

type Rows = Vec<Vec<String>>;

fn cells(row: &[&str]) -> Vec<String> {
    row.iter().map(|s| s.to_string()).collect()
}

fn render(rows: &Rows, layout: Layout) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        match layout {
            Layout::Tab => {
                out.push_str(&row.join("\t"));
                out.push('\n');
            }
            Layout::Pipe => {
                out.push_str(&format!("| {} |\n", row.join(" | ")));
                if i == 0 {
                    out.push_str(&format!("|{}\n", "---|".repeat(row.len())));
                }
            }
            Layout::Column => {
                for cell in row {
                    out.push_str(&format!("\t{cell}\n"));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The request rows of a template with their printed label cells.
fn request_labels(template: Template) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut rows = vec![
        ("new", vec!["一、本年新收政府信息公开申请数量", ""]),
        ("carried_over", vec!["二、上年结转政府信息公开申请数量", ""]),
        ("granted", vec!["三、本年度办理结果", "（一）予以公开"]),
        (
            "partly_granted",
            vec![
                "",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ],
        ),
        (
            "denied.state_secret",
            vec!["", "（三）不予公开", "1.属于国家秘密"],
        ),
        (
            "denied.prohibited_by_law",
            vec!["", "", "2.其他法律行政法规禁止公开"],
        ),
        (
            "denied.security_stability",
            vec!["", "", "3.危及\"三安全一稳定\""],
        ),
        ("denied.third_party", vec!["", "", "4.保护第三方合法权益"]),
        (
            "denied.internal_affairs",
            vec!["", "", "5.属于三类内部事务信息"],
        ),
        (
            "denied.process_information",
            vec!["", "", "6.属于四类过程性信息"],
        ),
        (
            "denied.enforcement_files",
            vec!["", "", "7.属于行政执法案卷"],
        ),
        ("denied.inquiry_matters", vec!["", "", "8.属于行政查询事项"]),
        (
            "unavailable.not_held",
            vec!["", "(四) 无法提供", "1.本机关不掌握相关政府信息"],
        ),
        (
            "unavailable.needs_creation",
            vec!["", "", "2.没有现成信息需要另行制作"],
        ),
        (
            "unavailable.unclear",
            vec!["", "", "3.补正后申请内容仍不明确"],
        ),
        (
            "not_processed.petition",
            vec!["", "(五) 不予处理", "1.信访举报投诉类申请"],
        ),
        ("not_processed.repeated", vec!["", "", "2.重复申请"]),
        (
            "not_processed.publications",
            vec!["", "", "3.要求提供公开出版物"],
        ),
        (
            "not_processed.excessive",
            vec!["", "", "4.无正当理由大量反复申请"],
        ),
        (
            "not_processed.confirmation",
            vec!["", "", "5.要求行政机关确认或重新出具已获取信息"],
        ),
    ];
    if template == Template::T2019 {
        rows.push(("other.total", vec!["", "（六）其他处理"]));
    } else {
        rows.push((
            "other.overdue_correction",
            vec![
                "",
                "(六) 其他处理",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            ],
        ));
        rows.push((
            "other.unpaid_fee",
            vec![
                "",
                "",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ],
        ));
        // The shifted row: label in the first column, as some converters print it.
        rows.push(("other.other", vec!["3.其他", ""]));
    }
    rows.push(("total", vec!["", "（七）总计"]));
    rows.push(("carried_forward", vec!["四、结转下年度继续办理", ""]));
    rows
}

/// The printed applicant cells of fixture row `r`: small distinct numbers, a `/` and a blank
/// in 4.保护第三方合法权益, and a 总计 that adds up.
fn request_values(r: usize, key: &str) -> Vec<String> {
    let mut printed: Vec<String> = (0..6).map(|c| ((r * 3 + c) % 5).to_string()).collect();
    if key == "denied.third_party" {
        printed[1] = "/".into();
        printed[2] = String::new();
    }
    let total: i64 = printed.iter().filter_map(|s| s.parse::<i64>().ok()).sum();
    printed.push(total.to_string());
    printed
}

fn requests_rows(template: Template) -> Rows {
    let mut rows = vec![
        cells(&[
            "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)",
            "",
            "申请人情况",
            "",
            "",
            "",
            "",
            "",
            "总计",
        ]),
        cells(&["", "", "自 然 人", "法人或其他组织", "", "", "", "", ""]),
        cells(&[
            "",
            "",
            "",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
            "",
        ]),
    ];
    for (r, (key, labels)) in request_labels(template).into_iter().enumerate() {
        let mut row = cells(&labels);
        row.extend(request_values(r, key));
        if key == "other.other" {
            row.push(String::new());
        }
        rows.push(row);
    }
    rows
}

fn expected_requests(template: Template) -> Value {
    let mut requests = serde_json::Map::new();
    for (r, (key, _)) in request_labels(template).into_iter().enumerate() {
        let mut row = serde_json::Map::new();
        for (col, printed) in crate::record::APPLICANT_COLUMNS
            .iter()
            .zip(request_values(r, key))
        {
            if let Ok(v) = printed.parse::<i64>() {
                row.insert(col.to_string(), json!(v));
            }
        }
        let mut parts = key.split('.');
        match (parts.next(), parts.next()) {
            (Some(group), Some(leaf)) => {
                let g = requests.entry(group).or_insert_with(|| json!({}));
                g[leaf] = Value::Object(row);
            }
            (Some(only), None) => {
                requests.insert(only.to_string(), Value::Object(row));
            }
            _ => {}
        }
    }
    for group in ["denied", "unavailable", "not_processed", "other"] {
        requests.entry(group).or_insert_with(|| json!({}));
    }
    Value::Object(requests)
}

fn proactive_rows(template: Template) -> Rows {
    let rows: Vec<&[&str]> = if template == Template::T2021 {
        vec![
            &["第二十条第（一）项", "", "", ""],
            &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            &["[bookmark: _GoBack]规章", "0", "", "0"],
            &["行政规范性文件", "３", "1", "22（其中修订16件）"],
            &["第二十条第（五）项", "", "", ""],
            &["信息内容", "本年处理决定数量", "", ""],
            &["行政许可", "15", "", ""],
            &["第二十条第（六）项", "", "", ""],
            &["信息内容", "本年处理决定数量", "", ""],
            &["行政处罚", "\u{3000}\u{3000}7", "", ""],
            &["行政强制", "/", "", ""],
            &["第二十条第（八）项", "", "", ""],
            &["信息内容", "本年收费金额（单位：万元）", "", ""],
            &["行政事业性收费", "0.35", "", ""],
        ]
    } else {
        vec![
            &["第二十条第(一)项", "", "", ""],
            &[
                "信息内容",
                "本年新制作数量",
                "本年新公开数量",
                "对外公开总数量",
            ],
            &["规章", "0", "0", "0"],
            &["规范性文件", "2", "2", "12"],
            &["第二十条第(五)项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            &["行政许可", "40", "+2", "118"],
            &["其他对外管理服务事项", "6", "-1", "9"],
            &["第二十条第(六)项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            &["行政处罚", "12", "0", "30"],
            &["行政强制", "3", "无", "1"],
            &["第二十条第(八)项", "", "", ""],
            &["信息内容", "上一年项目数量", "本年增/减", ""],
            &["行政事业性收费", "1", "0", ""],
            &["第二十条第(九)项", "", "", ""],
            &["信息内容", "采购项目数量", "采购总金额", ""],
            &["政府集中采购", "4", "251000元", ""],
        ]
    };
    rows.into_iter().map(cells).collect()
}

fn expected_proactive(template: Template) -> Value {
    if template == Template::T2021 {
        json!({
            "regulations": {"issued": 0, "in_force": 0},
            "normative_documents": {"issued": 3, "repealed": 1, "in_force": 22},
            "licensing": {"decisions": 15},
            "penalties": {"decisions": 7},
            "coercion": {},
            "fees": {"amount": 0.35},
        })
    } else {
        json!({
            "regulations": {"made": 0, "published": 0, "total_published": 0},
            "normative_documents": {"made": 2, "published": 2, "total_published": 12},
            "licensing": {"prior_items": 40, "change": 2, "decisions": 118},
            "other_services": {"prior_items": 6, "change": -1, "decisions": 9},
            "penalties": {"prior_items": 12, "change": 0, "decisions": 30},
            "coercion": {"prior_items": 3, "decisions": 1},
            "fees": {"prior_items": 1, "change": 0},
            "procurement": {"items": 4, "amount": 251000, "amount_unit": "元"},
        })
    }
}

fn review_rows() -> Rows {
    let mut header = vec![""; 15];
    header[0] = "行政复议";
    header[5] = "行政诉讼";
    let mut second = vec!["结果 维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    second.extend([
        "未经复议直接起诉",
        "",
        "",
        "",
        "",
        "复议后起诉",
        "",
        "",
        "",
        "",
    ]);
    let mut third = vec![""; 5];
    for _ in 0..2 {
        third.extend(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]);
    }
    let values = [
        "1", "0", "0", "1", "2", "0", "1", "0", "0", "1", "/", "", "0", "0", "0",
    ];
    vec![
        cells(&header),
        cells(&second),
        cells(&third),
        cells(&values),
    ]
}

fn expected_review() -> Value {
    json!({
        "reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0, "total": 1},
        "litigation_after_reconsideration": {"other": 0, "pending": 0, "total": 0},
    })
}

/// A whole fixture report in one layout.
fn report(template: Template, layout: Layout, requests: &Rows) -> String {
    format!(
        "某局2024年政府信息公开工作年度报告\n\n一、总体情况\n\n今年我局认真做好公开工作。\n\n\
         二、主动公开政府信息情况\n\n{}\n三、收到和处理政府信息公开申请情况\n\n{}\n\
         四、政府信息公开行政复议、行政诉讼情况\n\n{}\n五、存在的主要问题及改进情况\n\n\
         下一步继续改进。\n",
        render(&proactive_rows(template), layout),
        render(requests, layout),
        render(&review_rows(), layout),
    )
}

fn assert_same(what: &str, expected: &Value, got: &Value) {
    let mut diffs = Vec::new();
    diff(what, expected, got, &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn every_layout_and_template_reads_the_same_tables() {
    for template in [Template::T2021, Template::T2019] {
        for layout in LAYOUTS {
            let text = report(template, layout, &requests_rows(template));
            let tables = read_tables(&text);
            let what = format!("{template:?} {layout:?}");
            assert_eq!(tables.template, template, "{what}");
            assert!(tables.warnings.is_empty(), "{what}: {:?}", tables.warnings);
            assert_same(
                &format!("{what} proactive"),
                &expected_proactive(template),
                &json!(tables.proactive),
            );
            assert_same(
                &format!("{what} requests"),
                &expected_requests(template),
                &json!(tables.requests),
            );
            assert_same(
                &format!("{what} review"),
                &expected_review(),
                &json!(tables.review),
            );
            // The narrative stays outside the spans; the tables are inside.
            let covered = |needle: &str| {
                let at = text.find(needle).expect("fixture text");
                tables.spans.iter().any(|s| s.contains(&at))
            };
            assert!(covered("规范性文件"), "{what}");
            assert!(covered("结转下年度继续办理"), "{what}");
            assert!(!covered("今年我局"), "{what}");
            assert!(!covered("五、存在的主要问题"), "{what}");
        }
    }
}

#[test]
fn blank_slash_and_note_cells_are_absent_not_zero_and_keep_their_source() {
    for layout in LAYOUTS {
        let text = report(Template::T2021, layout, &requests_rows(Template::T2021));
        let tables = read_tables(&text);
        let third_party = tables
            .requests
            .as_ref()
            .and_then(|r| r.denied.third_party.clone())
            .expect("row 4.保护第三方合法权益");
        assert_eq!(third_party.commercial, None);
        assert_eq!(third_party.research, None);
        let slash = &tables.cells["requests.denied.third_party.commercial"];
        assert_eq!(slash.text, "/");
        let blank = &tables.cells["requests.denied.third_party.research"];
        assert_eq!(blank.text, "");
        assert!(blank.line > 0);
        let coercion = &tables.cells["proactive.coercion.decisions"];
        assert_eq!(coercion.text, "/");
        assert_eq!(tables.cells["proactive.regulations.repealed"].text, "");
        let noted = &tables.cells["proactive.normative_documents.in_force"];
        assert_eq!(noted.text, "22（其中修订16件）");
        assert_eq!(noted.note.as_deref(), Some("其中修订16件"));
        assert_eq!(&text[noted.start..noted.end], noted.text);
        let line = text.lines().nth(noted.line - 1).expect("line of the cell");
        assert!(line.contains("22（其中修订16件）"), "{layout:?}");
        assert_eq!(
            tables.cells["review.litigation_after_reconsideration.upheld"].text,
            "/"
        );
    }
}

#[test]
fn a_short_row_is_warned_about_and_left_out() {
    let mut rows = requests_rows(Template::T2021);
    let repeated = rows
        .iter_mut()
        .find(|r| r.iter().any(|c| c == "2.重复申请"))
        .expect("row 2.重复申请");
    repeated.truncate(repeated.len() - 1);
    for layout in LAYOUTS {
        let tables = read_tables(&report(Template::T2021, layout, &rows));
        assert_eq!(
            tables.warnings,
            ["收到和处理政府信息公开申请情况: row 2.重复申请 has 6 numbers, expected 7"],
            "{layout:?}"
        );
        let requests = tables.requests.expect("the rest of the table");
        assert_eq!(requests.not_processed.repeated, None);
        assert!(requests.not_processed.publications.is_some(), "{layout:?}");
        assert!(requests.total.is_some());
        assert!(tables.review.is_some());
    }
}

#[test]
fn a_text_cell_is_warned_about() {
    let text = "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n\
                规章\tabc\t0\t1\n行政规范性文件\t0\t0\t0\n";
    let tables = read_tables(text);
    assert!(tables
        .warnings
        .contains(&"主动公开政府信息情况: cell \"abc\" in row 规章 is not a number".to_string()));
    let regulations = tables.proactive.and_then(|p| p.regulations).expect("规章");
    assert_eq!(regulations.issued, None);
    assert_eq!(regulations.in_force, Some(1));
    assert_eq!(tables.cells["proactive.regulations.issued"].text, "abc");
}

#[test]
fn an_unreadable_table_leaves_the_others_intact() {
    let mut rows = review_rows();
    rows.pop();
    let text = report(
        Template::T2021,
        Layout::Tab,
        &requests_rows(Template::T2021),
    )
    .replace(
        &render(&review_rows(), Layout::Tab),
        &render(&rows, Layout::Tab),
    );
    let tables = read_tables(&text);
    assert_eq!(tables.review, None);
    assert!(tables.proactive.is_some());
    assert!(tables.requests.is_some());
    assert_eq!(
        tables.warnings,
        ["政府信息公开行政复议、行政诉讼情况: no row of numbers found"]
    );
}

#[test]
fn no_tables_means_unknown_template() {
    let tables = read_tables("某局年度报告\n\n一、总体情况\n\n本年度没有表格。\n");
    assert_eq!(tables.template, Template::Unknown);
    assert_eq!(tables.proactive, None);
    assert_eq!(tables.requests, None);
    assert_eq!(tables.review, None);
    assert!(tables.cells.is_empty() && tables.spans.is_empty());
    assert_eq!(tables.warnings, ["no statistics tables found"]);
}

#[test]
fn a_label_wrapped_in_a_tab_row_takes_its_values_from_the_next_line() {
    let text = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\n\
                \t\t5.要求行政机关确认或重新\n出具已获取信息\t1\t0\t0\t0\t0\t0\t1\n";
    let tables = read_tables(text);
    let row = tables
        .requests
        .and_then(|r| r.not_processed.confirmation)
        .expect("row 5");
    assert_eq!((row.natural_person, row.total), (Some(1), Some(1)));
}

#[test]
fn a_report_breaking_rule_1_fails_its_check_with_both_sides() {
    // 本年新收 3, 上年结转 0; 办理结果总计 2, 结转下年度 0: rule 1 fails for 自然人 and 总计.
    let mut text = String::from(
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\n",
    );
    for (key, labels) in request_labels(Template::T2021) {
        let v = match key {
            "new" => "3\t0\t0\t0\t0\t0\t3",
            "granted" | "total" => "2\t0\t0\t0\t0\t0\t2",
            _ => "0\t0\t0\t0\t0\t0\t0",
        };
        text.push_str(&format!("{}\t{v}\n", labels.join("\t")));
    }
    let tables = read_tables(&text);
    assert!(tables.warnings.is_empty(), "{:?}", tables.warnings);
    let record = crate::record::Record {
        requests: tables.requests,
        ..Default::default()
    };
    let checks = crate::checks::check_record(&record);
    let rule_1 = checks
        .iter()
        .find(|c| c.id == "1.natural_person")
        .expect("rule 1 on 自然人");
    assert!(!rule_1.passed);
    assert_eq!((rule_1.left, rule_1.right), (3, 2));
    assert!(checks.iter().any(|c| c.id == "1.total" && !c.passed));
    assert!(checks.iter().any(|c| c.id == "1.commercial" && c.passed));
    assert!(checks.iter().filter(|c| c.rule == 2).all(|c| c.passed));
}

// ---------------------------------------------------------------------------------------------
// Property tests: any input, no panic, no hang.

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    /// Real-looking table text: every fixture in every layout.
    fn fixture_texts() -> Vec<String> {
        let mut out = Vec::new();
        for template in [Template::T2021, Template::T2019] {
            for layout in LAYOUTS {
                out.push(report(template, layout, &requests_rows(template)));
            }
        }
        out
    }

    fn quick(text: &str) {
        let started = Instant::now();
        let tables = read_tables(text);
        assert!(started.elapsed() < Duration::from_secs(5), "too slow");
        for source in tables.cells.values() {
            assert!(source.start <= source.end && source.end <= text.len());
            assert!(text.is_char_boundary(source.start) && text.is_char_boundary(source.end));
        }
        for span in &tables.spans {
            assert!(span.start <= span.end && span.end <= text.len());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
            quick(&text);
        }

        #[test]
        fn table_like_noise_never_panics(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("\t".to_string()), Just("\n".to_string()), Just("|".to_string()),
                    Just("| --- |".to_string()), Just("规章".to_string()), Just("行政复议".to_string()),
                    Just("行政诉讼".to_string()), Just("（六）其他处理".to_string()),
                    Just("3.其他".to_string()), Just("申请人情况".to_string()),
                    Just("[bookmark: x".to_string()), Just("-1".to_string()), Just("／".to_string()),
                    "[0-9０-９]{1,3}".prop_map(|s| s),
                ],
                0..200,
            )
        ) {
            quick(&parts.concat());
        }

        #[test]
        fn cut_and_shuffled_reports_never_panic(
            which in 0usize..6,
            cut_from in 0usize..6000,
            cut_len in 0usize..3000,
            swaps in proptest::collection::vec((0usize..400, 0usize..400), 0..40),
        ) {
            let text = fixture_texts().swap_remove(which);
            // A cut at arbitrary bytes, moved to char boundaries.
            let mut a = cut_from.min(text.len());
            while !text.is_char_boundary(a) { a -= 1; }
            let mut b = (a + cut_len).min(text.len());
            while !text.is_char_boundary(b) { b -= 1; }
            let cut = format!("{}{}", &text[..a], &text[b..]);
            quick(&cut);
            let mut lines: Vec<&str> = text.lines().collect();
            let n = lines.len();
            for (i, j) in swaps {
                lines.swap(i % n, j % n);
            }
            quick(&lines.join("\n"));
        }
    }

    #[test]
    fn huge_lines_and_many_labels_finish_quickly() {
        let mut text = fixture_texts().swap_remove(0);
        text.push_str(&"行政复议\t".repeat(20_000));
        text.push('\n');
        text.push_str(&"9".repeat(200_000));
        text.push('\n');
        text.push_str(&"\t规章\n".repeat(20_000));
        text.push_str(&"| 3.其他 | 1 |\n".repeat(10_000));
        text.push_str(&"[bookmark:".repeat(10_000));
        quick(&text);
    }
}
