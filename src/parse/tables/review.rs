//! Table 四, 政府信息公开行政复议、行政诉讼情况 (`review.<group>.<column>`).
//!
//! The table has header rows and one row of 15 values: 行政复议, then 行政诉讼 未经复议直接起诉,
//! then 复议后起诉, each as upheld, corrected, other, pending, total. Calls `cursor`, `sheet`,
//! `record`.

use super::cursor::{Cursor, Pos};
use super::grid::{Grid, RowKind};
use super::sheet::Sheet;
use crate::record::{Review, ReviewGroup, REVIEW_COLUMNS, REVIEW_GROUPS};

/// The table's name in warnings.
pub const TABLE: &str = "政府信息公开行政复议、行政诉讼情况";

/// How many rows after the header the value row may start.
const MAX_HEADER_ROWS: usize = 40;

/// What the reader found.
pub struct ReviewRead {
    /// The table, when its 15 values were found.
    pub table: Option<Review>,
    /// Last grid row that belongs to the table.
    pub last_row: usize,
}

/// True when the row is a table row (not a line of narrative), every cell is a value (number,
/// blank, `/`) and one is a number.
fn is_value_row(grid: &Grid, row: usize) -> bool {
    grid.rows.get(row).is_some_and(|r| {
        r.kind != RowKind::Plain
            && r.cells.iter().any(|c| c.value.is_number())
            && !r.cells.iter().any(|c| c.value.is_label_like(&c.norm))
    })
}

/// Reads the table whose header starts at `start_row`, within `[start_row, end_row)`.
pub fn read(grid: &Grid, sheet: &mut Sheet, start_row: usize, end_row: usize) -> ReviewRead {
    let mut cursor = Cursor::new(grid, start_row, end_row);
    let n = REVIEW_GROUPS.len() * REVIEW_COLUMNS.len();
    let last = end_row
        .min(start_row.saturating_add(MAX_HEADER_ROWS))
        .min(grid.rows.len());
    let Some(first) = (start_row..last).find(|r| is_value_row(grid, *r)) else {
        sheet.warn(format!("{TABLE}: no row of numbers found"));
        return ReviewRead {
            table: None,
            last_row: start_row,
        };
    };
    // The values may wrap onto a few following rows (a page break, a narrow layout).
    let mut run: Vec<Pos> = Vec::new();
    let mut row = first;
    while row < last && run.len() < n && (row == first || is_value_row(grid, row)) {
        if let Some(r) = grid.rows.get(row) {
            run.extend((0..r.cells.len()).map(|cell| Pos { row, cell }));
        }
        cursor.touch(row);
        row += 1;
    }
    let values = cursor.window(run, n);
    if values.len() < n {
        sheet.warn(format!(
            "{TABLE}: row of numbers has {} numbers, expected {n}",
            values.len()
        ));
        return ReviewRead {
            table: None,
            last_row: cursor.last_row,
        };
    }
    let mut review = Review::default();
    let mut pos = values.into_iter();
    for group in REVIEW_GROUPS {
        let mut g = ReviewGroup::default();
        for col in REVIEW_COLUMNS {
            let Some(cell) = pos.next().and_then(|p| cursor.cell(p)) else {
                continue;
            };
            let label = format!(
                "{}-{}",
                crate::record::review_group_label_zh(group),
                crate::record::review_column_label_zh(col)
            );
            let value = sheet.integer(TABLE, &label, ["review", group, col].join("."), cell);
            if let Some(slot) = g.slot(col) {
                *slot = value;
            }
        }
        if let Some(slot) = review.group_slot(group) {
            *slot = Some(g);
        }
    }
    ReviewRead {
        table: Some(review),
        last_row: cursor.last_row,
    }
}
