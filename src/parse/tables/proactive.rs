//! Table 二, 主动公开政府信息情况 (`proactive.*`), in the 2021 and the 2019 template.
//!
//! Row labels are matched exactly (after normalisation and numbering), in template order; the
//! column headers tell the template. Calls `cursor`, `sheet`, `label` and `record`.

use super::cursor::Cursor;
use super::grid::Grid;
use super::label::strip_numbering;
use super::sheet::{short_label, Sheet};
use crate::record::{Amount, Proactive, ProactiveRow, Template};

/// The table's name in warnings.
pub const TABLE: &str = "主动公开政府信息情况";

/// One row of the table: its key and the labels it is printed with.
struct RowSpec {
    key: &'static str,
    labels: &'static [&'static str],
}

const ROWS: [RowSpec; 8] = [
    RowSpec {
        key: "regulations",
        labels: &["规章"],
    },
    RowSpec {
        key: "normative_documents",
        labels: &["行政规范性文件", "规范性文件"],
    },
    RowSpec {
        key: "licensing",
        labels: &["行政许可"],
    },
    RowSpec {
        key: "other_services",
        labels: &["其他对外管理服务事项"],
    },
    RowSpec {
        key: "penalties",
        labels: &["行政处罚"],
    },
    RowSpec {
        key: "coercion",
        labels: &["行政强制"],
    },
    RowSpec {
        key: "fees",
        labels: &["行政事业性收费"],
    },
    RowSpec {
        key: "procurement",
        labels: &["政府集中采购"],
    },
];

/// The column keys a row carries in a template; `amount` is the decimal column.
fn columns(template: Template, row: &str) -> &'static [&'static str] {
    match (template, row) {
        (Template::T2019, "regulations" | "normative_documents") => {
            &["made", "published", "total_published"]
        }
        (Template::T2019, "licensing" | "other_services" | "penalties" | "coercion") => {
            &["prior_items", "change", "decisions"]
        }
        (Template::T2019, "fees") => &["prior_items", "change"],
        (Template::T2019, "procurement") => &["items", "amount"],
        (_, "regulations" | "normative_documents") => &["issued", "repealed", "in_force"],
        (_, "licensing" | "penalties" | "coercion") => &["decisions"],
        (_, "fees") => &["amount"],
        _ => &[],
    }
}

/// Rows every report prints (其他对外管理服务事项 and 政府集中采购 are optional 2019 rows).
fn is_required(row: &str) -> bool {
    !matches!(row, "other_services" | "procurement")
}

fn int_slot<'r>(row: &'r mut ProactiveRow, col: &str) -> Option<&'r mut Option<i64>> {
    Some(match col {
        "issued" => &mut row.issued,
        "repealed" => &mut row.repealed,
        "in_force" => &mut row.in_force,
        "made" => &mut row.made,
        "published" => &mut row.published,
        "total_published" => &mut row.total_published,
        "prior_items" => &mut row.prior_items,
        "change" => &mut row.change,
        "decisions" => &mut row.decisions,
        "items" => &mut row.items,
        _ => return None,
    })
}

fn row_slot<'p>(p: &'p mut Proactive, key: &str) -> Option<&'p mut Option<ProactiveRow>> {
    Some(match key {
        "regulations" => &mut p.regulations,
        "normative_documents" => &mut p.normative_documents,
        "licensing" => &mut p.licensing,
        "other_services" => &mut p.other_services,
        "penalties" => &mut p.penalties,
        "coercion" => &mut p.coercion,
        "fees" => &mut p.fees,
        "procurement" => &mut p.procurement,
        _ => return None,
    })
}

fn is_row_label(norm: &str) -> bool {
    let bare = strip_numbering(norm);
    ROWS.iter().any(|r| r.labels.contains(&bare))
}

/// The template the column headers of the region name, if they name one.
pub fn detect_template(grid: &Grid, start_row: usize, end_row: usize) -> Option<Template> {
    let rows = grid.rows.get(start_row..end_row.min(grid.rows.len()))?;
    for cell in rows.iter().flat_map(|r| r.cells.iter()) {
        if cell.norm.len() > 200 {
            continue;
        }
        let n = cell.norm.as_str();
        if n.contains("本年制发") || n.contains("现行有效") || n.contains("本年收费金额")
        {
            return Some(Template::T2021);
        }
        if n.contains("新制作数量")
            || n.contains("新公开数量")
            || n.contains("对外公开总数量")
            || n.contains("上一年项目数量")
        {
            return Some(Template::T2019);
        }
    }
    None
}

/// The unit a header containing `needle` prints (`本年收费金额（单位：万元）` → 万元).
fn header_unit(grid: &Grid, start_row: usize, end_row: usize, needle: &str) -> Option<String> {
    let rows = grid.rows.get(start_row..end_row.min(grid.rows.len()))?;
    let header = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .find(|c| c.norm.len() <= 200 && c.norm.contains(needle))?;
    if header.norm.contains("万元") {
        Some("万元".into())
    } else if header.norm.contains('元') {
        Some("元".into())
    } else {
        None
    }
}

/// What the reader found: the table (if any row was read) and the last row it used.
pub struct ProactiveRead {
    /// The table, when at least one row was found.
    pub table: Option<Proactive>,
    /// Last grid row that belongs to the table.
    pub last_row: usize,
}

/// Reads the table from rows `[start_row, end_row)` in the given template.
pub fn read(
    grid: &Grid,
    sheet: &mut Sheet,
    start_row: usize,
    end_row: usize,
    template: Template,
) -> ProactiveRead {
    let mut cursor = Cursor::new(grid, start_row, end_row);
    let mut table = Proactive::default();
    let mut any = false;
    let warnings_before = sheet.warnings.len();
    for spec in &ROWS {
        let cols = columns(template, spec.key);
        if cols.is_empty() {
            continue;
        }
        let Some(at) = cursor.find(|n| spec.labels.contains(&strip_numbering(n))) else {
            if is_required(spec.key) {
                sheet.warn(format!("{TABLE}: row {} not found", spec.labels[0]));
            }
            continue;
        };
        any = true;
        let label = cursor
            .cell(at)
            .map(|c| short_label(&c.norm))
            .unwrap_or_default();
        let values = cursor.take_values(at, cols.len(), &is_row_label);
        if values.len() < cols.len() {
            sheet.warn(format!(
                "{TABLE}: row {label} has {} numbers, expected {}",
                values.len(),
                cols.len()
            ));
            continue;
        }
        let mut row = ProactiveRow::default();
        for (col, pos) in cols.iter().zip(values) {
            let Some(cell) = cursor.cell(pos) else {
                continue;
            };
            let key = ["proactive", spec.key, col].join(".");
            if *col == "amount" {
                if let Some((value, unit)) = sheet.amount(TABLE, &label, key, cell) {
                    row.amount = Some(Amount(value));
                    let header = if spec.key == "fees" {
                        header_unit(grid, start_row, end_row, "收费金额")
                    } else {
                        header_unit(grid, start_row, end_row, "采购总金额")
                    };
                    let unit = unit.or(header);
                    // Fees are in 万元 by the template; only another unit is worth keeping.
                    row.amount_unit = match (spec.key, unit) {
                        ("fees", Some(u)) if u == "万元" => None,
                        (_, u) => u,
                    };
                }
            } else if let Some(slot) = int_slot(&mut row, col) {
                *slot = sheet.integer(TABLE, &label, key, cell);
            }
        }
        if let Some(slot) = row_slot(&mut table, spec.key) {
            *slot = Some(row);
        }
    }
    if !any {
        sheet.warnings.truncate(warnings_before);
    }
    ProactiveRead {
        table: any.then_some(table),
        last_row: cursor.last_row,
    }
}
