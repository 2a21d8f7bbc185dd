//! Table 三, 收到和处理政府信息公开申请情况 (`requests.<row>.<column>`), both templates.
//!
//! Each row is found by a key phrase of its label, in template order, and carries the seven
//! applicant columns. （六）其他处理 followed by numbers is the 2019 single row `other.total`;
//! followed by labels it heads the three 2021 rows. Calls `cursor`, `sheet`, `label`, `record`.

use super::cursor::Cursor;
use super::grid::Grid;
use super::label::strip_numbering;
use super::sheet::{short_label, Sheet};
use crate::record::{
    request_row_label_zh, Applicants, Requests, Template, APPLICANT_COLUMNS, REQUEST_ROWS,
};

/// The table's name in warnings.
pub const TABLE: &str = "收到和处理政府信息公开申请情况";

/// Rows before （六）其他处理, in template order (the record's own row list, sliced).
const LEADING_ROWS: &[&str] = REQUEST_ROWS.split_at(20).0;

/// The three 2021 rows under （六）其他处理.
const OTHER_ROWS: &[&str] = REQUEST_ROWS.split_at(20).1.split_at(3).0;

/// Rows after （六）.
const TRAILING_ROWS: &[&str] = REQUEST_ROWS.split_at(24).1;

/// True when a normalised label names the row `key`.
fn is_row(key: &str, n: &str) -> bool {
    let bare = strip_numbering(n);
    match key {
        "new" => n.contains("本年新收"),
        "carried_over" => n.contains("上年结转"),
        "granted" => n.contains("予以公开"),
        "partly_granted" => n.contains("部分公开"),
        "denied.state_secret" => n.contains("国家秘密"),
        "denied.prohibited_by_law" => n.contains("禁止公开"),
        "denied.security_stability" => n.contains("三安全一稳定"),
        "denied.third_party" => n.contains("第三方合法权益"),
        "denied.internal_affairs" => n.contains("内部事务"),
        "denied.process_information" => n.contains("过程性信息"),
        "denied.enforcement_files" => n.contains("行政执法案卷"),
        "denied.inquiry_matters" => n.contains("行政查询事项"),
        "unavailable.not_held" => n.contains("不掌握"),
        "unavailable.needs_creation" => n.contains("另行制作"),
        "unavailable.unclear" => n.contains("仍不明确"),
        "not_processed.petition" => n.contains("信访举报投诉"),
        "not_processed.repeated" => n.contains("重复申请"),
        "not_processed.publications" => n.contains("公开出版物"),
        "not_processed.excessive" => n.contains("大量反复"),
        "not_processed.confirmation" => n.contains("确认或重新"),
        "other.overdue_correction" => n.contains("逾期不补正"),
        "other.unpaid_fee" => n.contains("收费通知") || n.contains("缴纳费用"),
        "other.other" => bare == "其他",
        "other.total" => bare.starts_with("其他处理"),
        "total" => bare == "总计",
        "carried_forward" => n.contains("结转下年度"),
        _ => false,
    }
}

/// True when a normalised cell is any row label of the table (or a group label).
fn is_any_label(n: &str) -> bool {
    let bare = strip_numbering(n);
    LEADING_ROWS
        .iter()
        .chain(OTHER_ROWS.iter())
        .chain(TRAILING_ROWS.iter())
        .any(|k| is_row(k, n))
        || [
            "本年度办理结果",
            "不予公开",
            "无法提供",
            "不予处理",
            "其他处理",
        ]
        .iter()
        .any(|g| bare.starts_with(g))
}

/// What the reader found.
pub struct RequestsRead {
    /// The table, when at least one row was found.
    pub table: Option<Requests>,
    /// The template its （六） rows tell, if they were found.
    pub template: Option<Template>,
    /// Last grid row that belongs to the table.
    pub last_row: usize,
}

/// Reads one row at `key` (searching forward); false when its label was not found.
fn read_row(
    cursor: &mut Cursor,
    sheet: &mut Sheet,
    table: &mut Requests,
    key: &str,
    warn_missing: bool,
) -> bool {
    let Some(at) = cursor.find(|n| is_row(key, n)) else {
        if warn_missing {
            sheet.warn(format!(
                "{TABLE}: row {} not found",
                request_row_label_zh(key)
            ));
        }
        return false;
    };
    read_row_at(cursor, sheet, table, key, at);
    true
}

fn read_row_at(
    cursor: &mut Cursor,
    sheet: &mut Sheet,
    table: &mut Requests,
    key: &str,
    at: super::cursor::Pos,
) {
    let label = cursor
        .cell(at)
        .map(|c| short_label(&c.norm))
        .unwrap_or_default();
    let n = APPLICANT_COLUMNS.len();
    let values = cursor.take_values(at, n, &is_any_label);
    if values.len() < n {
        sheet.warn(format!(
            "{TABLE}: row {label} has {} numbers, expected {n}",
            values.len()
        ));
        return;
    }
    let mut row = Applicants::default();
    for (col, pos) in APPLICANT_COLUMNS.iter().zip(values) {
        let Some(cell) = cursor.cell(pos) else {
            continue;
        };
        let value = sheet.integer(TABLE, &label, ["requests", key, col].join("."), cell);
        if let Some(slot) = row.slot(col) {
            *slot = value;
        }
    }
    if let Some(slot) = table.row_slot(key) {
        *slot = Some(row);
    }
}

/// Reads the table from rows `[start_row, end_row)`.
pub fn read(grid: &Grid, sheet: &mut Sheet, start_row: usize, end_row: usize) -> RequestsRead {
    let mut cursor = Cursor::new(grid, start_row, end_row);
    let mut table = Requests::default();
    let mut any = false;
    let warnings_before = sheet.warnings.len();
    for key in LEADING_ROWS {
        any |= read_row(&mut cursor, sheet, &mut table, key, true);
    }
    let mut template = None;
    let group = cursor.find(|n| is_row("other.total", n));
    match group {
        Some(at) if cursor.values_follow(at) => {
            read_row_at(&mut cursor, sheet, &mut table, "other.total", at);
            template = Some(Template::T2019);
            any = true;
        }
        _ => {
            let mut found = false;
            for key in OTHER_ROWS {
                found |= read_row(&mut cursor, sheet, &mut table, key, true);
            }
            if found {
                template = Some(Template::T2021);
                any = true;
            }
        }
    }
    for key in TRAILING_ROWS {
        any |= read_row(&mut cursor, sheet, &mut table, key, true);
    }
    if !any {
        // Not this table after all: one "not found" per row would only be noise.
        sheet.warnings.truncate(warnings_before);
    }
    RequestsRead {
        table: any.then_some(table),
        template,
        last_row: cursor.last_row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_groups_slice_the_record_rows_where_the_template_splits_them() {
        assert_eq!(LEADING_ROWS.last(), Some(&"not_processed.confirmation"));
        assert_eq!(
            OTHER_ROWS,
            [
                "other.overdue_correction",
                "other.unpaid_fee",
                "other.other"
            ]
        );
        assert_eq!(TRAILING_ROWS, ["total", "carried_forward"]);
    }
}
