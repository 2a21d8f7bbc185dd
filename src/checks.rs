//! Consistency rules (勾稽关系) of `../shared/schema.md`: rules 1–5 on one record, rules 6–7
//! across the years of one agency. Calls only `crate::record`; never changes a record.
//!
//! Absent is not 0. A check is emitted only when every term on both sides is present; a blank,
//! `/` or unread value makes the rule skip that column or row rather than guess. Rule 2 sums the
//! 办理结果 rows the record has (the 2021 template prints （六） as three rows, the 2019 one as a
//! single row): a row that is there but has no value in the column skips that column.
//!
//! Keys: `left_keys`/`right_keys` are the dotted keys summed on each side; a key that is
//! subtracted starts with `-`; in rules 6–7 each key is prefixed with its year (`2023:`).
//!
//! Every parsed report runs rules 1–5 (about 45 checks naming 350 keys). A rule sums its terms
//! first and writes a check's id, keys and message only for a check it keeps: all of them for
//! [`check_record`], the failed ones for [`failed_checks`] (the import, whose index only counts
//! them; writing all of them was a tenth of parsing). Messages are written into one buffer
//! rather than built with `format!` piece by piece. (`write!` into a `String` cannot fail; its
//! result is ignored.)

use std::fmt::Write;

use crate::record::{
    applicant_label_zh, request_row_label_zh, review_column_label_zh, review_group_label_zh, Check,
    Record, Requests, APPLICANT_COLUMNS, REQUEST_OUTCOME_ROWS, REQUEST_ROWS, REVIEW_COLUMNS,
    REVIEW_GROUPS,
};

/// The dotted key of a term, written out only when its check is kept.
#[derive(Debug, Clone, Copy)]
struct Key {
    /// `requests`, `new`, `natural_person`: joined with dots, empty parts left out.
    parts: [&'static str; 3],
    /// Rules 6–7: the year the value is of (`2023:` before the key).
    year: Option<i32>,
    /// Subtracted on its side (`-` before everything).
    subtracted: bool,
}

impl Key {
    fn new(parts: [&'static str; 3]) -> Key {
        Key {
            parts,
            year: None,
            subtracted: false,
        }
    }

    fn of_year(year: i32, parts: [&'static str; 3]) -> Key {
        Key {
            year: Some(year),
            ..Key::new(parts)
        }
    }

    /// The key as written in a check: `-` when subtracted, `2023:` with a year, then the parts
    /// joined with dots. Pushed piece by piece: through `Display`, checks took a fifth longer.
    fn text(&self) -> String {
        let mut text = String::with_capacity(48);
        if self.subtracted {
            text.push('-');
        }
        if let Some(year) = self.year {
            let _ = write!(text, "{year}:");
        }
        for (i, part) in self.parts.iter().filter(|p| !p.is_empty()).enumerate() {
            if i > 0 {
                text.push('.');
            }
            text.push_str(part);
        }
        text
    }
}

/// One term of a rule: its key and its value, if present.
type Term = (Key, Option<i64>);

/// Which checks a run of the rules keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    All,
    Failed,
}

/// The applicant columns without 总计 (which comes last).
const APPLICANT_PARTS: &[&str] = APPLICANT_COLUMNS.split_at(6).0;

/// The review columns without 总计 (which comes last).
const REVIEW_PARTS: &[&str] = REVIEW_COLUMNS.split_at(4).0;

/// The sum of the terms, or `None` when any is absent (or there are none).
fn sum(terms: &[Term]) -> Option<i64> {
    if terms.is_empty() {
        return None;
    }
    terms
        .iter()
        .try_fold(0i64, |acc, (_, v)| v.map(|v| acc.saturating_add(v)))
}

fn verdict(passed: bool) -> &'static str {
    if passed {
        "相等"
    } else {
        "不相等"
    }
}

/// Rule `rule` over one pair of sides: a check when both sides are complete and `keep` keeps
/// it. `id()` gives its id; `describe(message, left, right, l, r)` writes the message body,
/// and the verdict is appended.
fn check(
    keep: Keep,
    rule: u8,
    id: impl FnOnce() -> String,
    left: &[Term],
    right: &[Term],
    describe: impl FnOnce(&mut String, &[Term], &[Term], i64, i64),
) -> Option<Check> {
    let l = sum(left)?;
    let r = sum(right)?;
    let passed = l == r;
    if passed && keep == Keep::Failed {
        return None;
    }
    let mut message = String::with_capacity(160);
    describe(&mut message, left, right, l, r);
    message.push('，');
    message.push_str(verdict(passed));
    let keys = |terms: &[Term]| terms.iter().map(|(k, _)| k.text()).collect();
    Some(Check {
        rule,
        id: id(),
        passed,
        left: l,
        right: r,
        left_keys: keys(left),
        right_keys: keys(right),
        message,
    })
}

fn request_term(requests: &Requests, row: &'static str, col: &'static str) -> Term {
    (
        Key::new(["requests", row, col]),
        requests.row(row).and_then(|r| r.get(col)),
    )
}

/// Appends a term's value as printed in a message: the number, or 空 when absent.
fn push_value(message: &mut String, terms: &[Term], i: usize) {
    match terms.get(i).and_then(|(_, v)| *v) {
        Some(v) => {
            let _ = write!(message, "{v}");
        }
        None => message.push('空'),
    }
}

/// Appends the values of all terms joined by ` + `.
fn push_sum(message: &mut String, terms: &[Term]) {
    for i in 0..terms.len() {
        if i > 0 {
            message.push_str(" + ");
        }
        push_value(message, terms, i);
    }
}

/// Rules 1–5 of schema.md on one record (rule 5 compares `record.facts` with the tables).
pub fn check_record(record: &Record) -> Vec<Check> {
    run_rules(record, Keep::All)
}

/// The checks of [`check_record`] that fail, without writing out the ones that pass.
pub fn failed_checks(record: &Record) -> Vec<Check> {
    run_rules(record, Keep::Failed)
}

fn run_rules(record: &Record, keep: Keep) -> Vec<Check> {
    let mut out = Vec::with_capacity(if keep == Keep::All { 48 } else { 0 });
    if let Some(requests) = &record.requests {
        rule_1(requests, keep, &mut out);
        rule_2(requests, keep, &mut out);
        rule_3(requests, keep, &mut out);
    }
    rule_4(record, keep, &mut out);
    rule_5(record, keep, &mut out);
    out
}

/// new + carried_over = total + carried_forward, for every column.
fn rule_1(requests: &Requests, keep: Keep, out: &mut Vec<Check>) {
    for col in APPLICANT_COLUMNS {
        let left = [
            request_term(requests, "new", col),
            request_term(requests, "carried_over", col),
        ];
        let right = [
            request_term(requests, "total", col),
            request_term(requests, "carried_forward", col),
        ];
        let id = || ["1", col].join(".");
        out.extend(check(keep, 1, id, &left, &right, |m, left, right, l, r| {
            m.push_str(applicant_label_zh(col));
            m.push_str("：本年新收 ");
            push_value(m, left, 0);
            m.push_str(" + 上年结转 ");
            push_value(m, left, 1);
            let _ = write!(m, " = {l}，办理结果总计 ");
            push_value(m, right, 0);
            m.push_str(" + 结转下年度 ");
            push_value(m, right, 1);
            let _ = write!(m, " = {r}");
        }));
    }
}

/// （七）总计 = the sum of the 办理结果 rows the record has, for every column.
fn rule_2(requests: &Requests, keep: Keep, out: &mut Vec<Check>) {
    let rows: Vec<&'static str> = REQUEST_OUTCOME_ROWS
        .iter()
        .copied()
        .filter(|row| requests.row(row).is_some())
        .collect();
    if rows.is_empty() {
        return;
    }
    let mut right = Vec::with_capacity(rows.len());
    for col in APPLICANT_COLUMNS {
        let left = [request_term(requests, "total", col)];
        right.clear();
        right.extend(rows.iter().map(|row| request_term(requests, row, col)));
        let id = || ["2", col].join(".");
        out.extend(check(keep, 2, id, &left, &right, |m, _, right, l, r| {
            let _ = write!(
                m,
                "{}：（七）总计 {l}，{} 项办理结果之和 {r}",
                applicant_label_zh(col),
                right.len()
            );
        }));
    }
}

/// Each row's 总计 = the sum of its six applicant columns.
fn rule_3(requests: &Requests, keep: Keep, out: &mut Vec<Check>) {
    let mut right = Vec::with_capacity(APPLICANT_PARTS.len());
    for row in REQUEST_ROWS {
        if requests.row(row).is_none() {
            continue;
        }
        let left = [request_term(requests, row, "total")];
        right.clear();
        right.extend(
            APPLICANT_PARTS
                .iter()
                .map(|col| request_term(requests, row, col)),
        );
        let id = || ["3", row].join(".");
        out.extend(check(keep, 3, id, &left, &right, |m, _, right, l, r| {
            m.push_str(request_row_label_zh(row));
            let _ = write!(m, "：总计 {l}，各类申请人 ");
            push_sum(m, right);
            let _ = write!(m, " = {r}");
        }));
    }
}

/// Each review group's 总计 = upheld + corrected + other + pending.
fn rule_4(record: &Record, keep: Keep, out: &mut Vec<Check>) {
    let Some(review) = &record.review else {
        return;
    };
    for group in REVIEW_GROUPS {
        let Some(g) = review.group(group) else {
            continue;
        };
        let term = |col: &'static str| (Key::new(["review", group, col]), g.get(col));
        let left = [term("total")];
        let right: Vec<Term> = REVIEW_PARTS.iter().map(|c| term(c)).collect();
        let id = || ["4", group].join(".");
        out.extend(check(keep, 4, id, &left, &right, |m, _, right, l, r| {
            m.push_str(review_group_label_zh(group));
            let _ = write!(m, "：总计 {l}，");
            for (i, col) in REVIEW_PARTS.iter().enumerate() {
                if i > 0 {
                    m.push_str(" + ");
                }
                m.push_str(review_column_label_zh(col));
                m.push(' ');
                push_value(m, right, i);
            }
            let _ = write!(m, " = {r}");
        }));
    }
}

/// Numbers the narrative states agree with the tables.
fn rule_5(record: &Record, keep: Keep, out: &mut Vec<Check>) {
    let facts = &record.facts;
    let requests = record.requests.as_ref();
    let request = |row: &'static str| -> Term {
        (
            Key::new(["requests", row, "total"]),
            requests.and_then(|r| r.row(row)).and_then(|a| a.total),
        )
    };
    let review = |group: &'static str| -> Term {
        (
            Key::new(["review", group, "total"]),
            record
                .review
                .as_ref()
                .and_then(|r| r.group(group))
                .and_then(|g| g.total),
        )
    };
    let cases: [(&'static str, Option<i64>, Vec<Term>, &str); 4] = [
        (
            "requests_received",
            facts.requests_received,
            vec![request("new")],
            "本年新收申请",
        ),
        (
            "requests_carried_over",
            facts.requests_carried_over,
            vec![request("carried_over")],
            "上年结转申请",
        ),
        (
            "reconsiderations",
            facts.reconsiderations,
            vec![review("reconsideration")],
            "行政复议",
        ),
        (
            "lawsuits",
            facts.lawsuits,
            vec![
                review("litigation_direct"),
                review("litigation_after_reconsideration"),
            ],
            "行政诉讼",
        ),
    ];
    for (fact, stated, right, what) in cases {
        let left = [(Key::new(["facts", fact, ""]), stated)];
        let id = || ["5", fact].join(".");
        out.extend(check(keep, 5, id, &left, &right, |m, _, _, l, r| {
            let _ = write!(m, "正文所述{what} {l} 件，表格中{what}总计 {r} 件");
        }));
    }
}

/// Rules 6–7 across one agency's records (any order; uses only records with a year).
pub fn check_history(records: &[&Record]) -> Vec<Check> {
    let mut dated: Vec<(i32, &Record)> = records
        .iter()
        .filter_map(|r| r.year.map(|y| (y, *r)))
        .collect();
    dated.sort_by_key(|(y, _)| *y);
    let mut out = Vec::new();
    for (i, (year, current)) in dated.iter().enumerate() {
        let previous_year = year.saturating_sub(1);
        for (_, previous) in dated[..i].iter().filter(|(y, _)| *y == previous_year) {
            rule_6(previous_year, previous, *year, current, &mut out);
            rule_7(previous_year, previous, *year, current, &mut out);
        }
    }
    out
}

/// carried_forward of year Y−1 = carried_over of year Y, for every column.
fn rule_6(py: i32, previous: &Record, y: i32, current: &Record, out: &mut Vec<Check>) {
    let (Some(prev), Some(cur)) = (&previous.requests, &current.requests) else {
        return;
    };
    for col in APPLICANT_COLUMNS {
        let (_, lv) = request_term(prev, "carried_forward", col);
        let (_, rv) = request_term(cur, "carried_over", col);
        let left = [(Key::of_year(py, ["requests", "carried_forward", col]), lv)];
        let right = [(Key::of_year(y, ["requests", "carried_over", col]), rv)];
        let id = || format!("6.{py}-{y}.{col}");
        out.extend(check(Keep::All, 6, id, &left, &right, |m, _, _, l, r| {
            let _ = write!(
                m,
                "{}：{py} 年结转下年度 {l}，{y} 年上年结转 {r}",
                applicant_label_zh(col)
            );
        }));
    }
}

/// in_force of Y = in_force of Y−1 + issued of Y − repealed of Y (规章, 行政规范性文件).
fn rule_7(py: i32, previous: &Record, y: i32, current: &Record, out: &mut Vec<Check>) {
    let (Some(prev), Some(cur)) = (&previous.proactive, &current.proactive) else {
        return;
    };
    for (row, label) in [
        ("regulations", "规章"),
        ("normative_documents", "行政规范性文件"),
    ] {
        let pick = |p: &crate::record::Proactive| match row {
            "regulations" => p.regulations.clone(),
            _ => p.normative_documents.clone(),
        };
        let (Some(p), Some(c)) = (pick(prev), pick(cur)) else {
            continue;
        };
        let key = |year: i32, col: &'static str| Key::of_year(year, ["proactive", row, col]);
        let left = [(key(y, "in_force"), c.in_force)];
        let repealed = Key {
            subtracted: true,
            ..key(y, "repealed")
        };
        let right = [
            (key(py, "in_force"), p.in_force),
            (key(y, "issued"), c.issued),
            (repealed, c.repealed.map(|v| -v)),
        ];
        let id = || format!("7.{y}.{row}");
        out.extend(check(
            Keep::All,
            7,
            id,
            &left,
            &right,
            |m, _, right, l, r| {
                let _ = write!(m, "{label}：{y} 年现行有效 {l}，{py} 年现行有效 ");
                push_value(m, right, 0);
                let _ = write!(m, " + {y} 年制发 ");
                push_value(m, right, 1);
                let _ = write!(m, " − {y} 年废止 ");
                // The repealed count as printed, not the negated term.
                match c.repealed {
                    Some(v) => {
                        let _ = write!(m, "{v}");
                    }
                    None => m.push('空'),
                }
                let _ = write!(m, " = {r}");
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Applicants, Facts, Proactive, ProactiveRow, Review, ReviewGroup};

    fn row(values: [i64; 6]) -> Applicants {
        let mut a = Applicants::default();
        for (col, v) in APPLICANT_PARTS.iter().zip(values) {
            *a.slot(col).expect("known column") = Some(v);
        }
        a.total = Some(values.iter().sum());
        a
    }

    fn find<'c>(checks: &'c [Check], id: &str) -> &'c Check {
        checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no check {id} in {checks:#?}"))
    }

    /// A 2021 requests table: 3 new, 0 carried over; 2 granted, 1 not held; 0 forward.
    fn balanced() -> Requests {
        let zero = row([0; 6]);
        let mut r = Requests::default();
        for key in REQUEST_ROWS {
            if key != "other.total" {
                *r.row_slot(key).expect("row") = Some(zero.clone());
            }
        }
        r.new = Some(row([3, 0, 0, 0, 0, 0]));
        r.granted = Some(row([2, 0, 0, 0, 0, 0]));
        r.unavailable.not_held = Some(row([1, 0, 0, 0, 0, 0]));
        r.total = Some(row([3, 0, 0, 0, 0, 0]));
        r
    }

    #[test]
    fn the_parts_of_a_total_are_the_columns_before_it() {
        assert_eq!(REVIEW_COLUMNS.last(), Some(&"total"));
        assert!(!REVIEW_PARTS.contains(&"total"));
        assert_eq!(REVIEW_PARTS.len() + 1, REVIEW_COLUMNS.len());
        assert_eq!(APPLICANT_COLUMNS.last(), Some(&"total"));
        assert!(!APPLICANT_PARTS.contains(&"total"));
        assert_eq!(APPLICANT_PARTS.len() + 1, APPLICANT_COLUMNS.len());
    }

    #[test]
    fn a_balanced_report_passes_rules_1_to_3() {
        let record = Record {
            requests: Some(balanced()),
            ..Default::default()
        };
        let checks = check_record(&record);
        assert!(checks.iter().all(|c| c.passed), "{checks:#?}");
        assert_eq!(checks.iter().filter(|c| c.rule == 1).count(), 7);
        assert_eq!(checks.iter().filter(|c| c.rule == 2).count(), 7);
        assert_eq!(checks.iter().filter(|c| c.rule == 3).count(), 25);
        let c = find(&checks, "2.natural_person");
        assert_eq!((c.left, c.right), (3, 3));
        assert_eq!(c.right_keys.len(), 21);
    }

    #[test]
    fn rule_1_failure_reports_both_sides() {
        let mut requests = balanced();
        requests.total = Some(row([2, 0, 0, 0, 0, 0]));
        let record = Record {
            requests: Some(requests),
            ..Default::default()
        };
        let checks = check_record(&record);
        let c = find(&checks, "1.natural_person");
        assert!(!c.passed);
        assert_eq!((c.left, c.right), (3, 2));
        assert_eq!(
            c.left_keys,
            [
                "requests.new.natural_person",
                "requests.carried_over.natural_person"
            ]
        );
        assert_eq!(
            c.message,
            "自然人：本年新收 3 + 上年结转 0 = 3，办理结果总计 2 + 结转下年度 0 = 2，不相等"
        );
        assert!(find(&checks, "1.commercial").passed);
        assert!(!find(&checks, "2.natural_person").passed);
    }

    #[test]
    fn failed_checks_are_the_failures_of_check_record_and_nothing_else() {
        let mut requests = balanced();
        requests.total = Some(row([2, 0, 0, 0, 0, 0]));
        let record = Record {
            requests: Some(requests),
            facts: Facts {
                requests_received: Some(4),
                ..Default::default()
            },
            ..Default::default()
        };
        let all = check_record(&record);
        let failed: Vec<Check> = all.iter().filter(|c| !c.passed).cloned().collect();
        assert!(failed.len() >= 3, "{all:#?}");
        assert!(all.len() > failed.len());
        assert_eq!(failed_checks(&record), failed);
        let balanced = Record {
            requests: Some(balanced()),
            ..Default::default()
        };
        assert!(failed_checks(&balanced).is_empty());
    }

    #[test]
    fn absent_values_skip_the_check_instead_of_counting_as_zero() {
        let mut requests = balanced();
        requests.carried_over.as_mut().expect("row").natural_person = None;
        requests.granted.as_mut().expect("row").commercial = None;
        let record = Record {
            requests: Some(requests),
            ..Default::default()
        };
        let checks = check_record(&record);
        assert!(checks.iter().all(|c| c.id != "1.natural_person"));
        assert!(checks.iter().all(|c| c.id != "2.commercial"));
        assert!(checks.iter().all(|c| c.id != "3.granted"));
        assert!(checks.iter().all(|c| c.id != "3.carried_over"));
        assert!(find(&checks, "1.commercial").passed);
    }

    #[test]
    fn rule_4_and_rule_5() {
        let group = |v: [i64; 5]| ReviewGroup {
            upheld: Some(v[0]),
            corrected: Some(v[1]),
            other: Some(v[2]),
            pending: Some(v[3]),
            total: Some(v[4]),
        };
        let record = Record {
            requests: Some(balanced()),
            review: Some(Review {
                reconsideration: Some(group([1, 1, 0, 0, 3])),
                litigation_direct: Some(group([1, 0, 0, 0, 1])),
                litigation_after_reconsideration: Some(group([0, 0, 0, 1, 1])),
            }),
            facts: Facts {
                requests_received: Some(3),
                reconsiderations: Some(3),
                lawsuits: Some(2),
                ..Default::default()
            },
            ..Default::default()
        };
        let checks = check_record(&record);
        let c = find(&checks, "4.reconsideration");
        assert!(!c.passed);
        assert_eq!((c.left, c.right), (3, 2));
        assert_eq!(
            c.message,
            "行政复议：总计 3，结果维持 1 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 2，不相等"
        );
        assert!(find(&checks, "4.litigation_direct").passed);
        assert!(find(&checks, "5.requests_received").passed);
        assert!(find(&checks, "5.reconsiderations").passed);
        let lawsuits = find(&checks, "5.lawsuits");
        assert!(lawsuits.passed);
        assert_eq!(lawsuits.right_keys.len(), 2);
        // No narrative number, no check.
        assert!(checks.iter().all(|c| c.id != "5.requests_carried_over"));
    }

    #[test]
    fn rules_6_and_7_across_two_years() {
        let documents = |issued, repealed, in_force| ProactiveRow {
            issued: Some(issued),
            repealed: Some(repealed),
            in_force: Some(in_force),
            ..Default::default()
        };
        let mut y2023 = Record {
            year: Some(2023),
            requests: Some(balanced()),
            proactive: Some(Proactive {
                normative_documents: Some(documents(2, 0, 9)),
                ..Default::default()
            }),
            ..Default::default()
        };
        y2023.requests.as_mut().expect("requests").carried_forward = Some(row([1, 0, 0, 0, 0, 0]));
        let y2024 = Record {
            year: Some(2024),
            requests: Some(balanced()),
            proactive: Some(Proactive {
                normative_documents: Some(documents(1, 3, 7)),
                ..Default::default()
            }),
            ..Default::default()
        };
        let undated = Record::default();
        let checks = check_history(&[&y2024, &undated, &y2023]);
        let c = find(&checks, "6.2023-2024.natural_person");
        assert!(!c.passed);
        assert_eq!((c.left, c.right), (1, 0));
        assert_eq!(
            c.left_keys,
            ["2023:requests.carried_forward.natural_person"]
        );
        assert_eq!(
            c.message,
            "自然人：2023 年结转下年度 1，2024 年上年结转 0，不相等"
        );
        assert!(find(&checks, "6.2023-2024.total").left == 1);
        assert!(find(&checks, "6.2023-2024.commercial").passed);
        let c = find(&checks, "7.2024.normative_documents");
        assert!(c.passed, "{c:#?}");
        assert_eq!((c.left, c.right), (7, 7));
        assert_eq!(
            c.right_keys[2],
            "-2024:proactive.normative_documents.repealed"
        );
        assert_eq!(
            c.message,
            "行政规范性文件：2024 年现行有效 7，2023 年现行有效 9 + 2024 年制发 1 − 2024 年废止 3 = 7，相等"
        );
        assert!(checks.iter().all(|c| c.id != "7.2024.regulations"));
        // Years that do not follow each other are not compared.
        assert!(check_history(&[&y2024]).is_empty());
    }
}
