//! Walking a table region of the grid: find the next row label, take the values after it.
//!
//! Shared by the three table readers; calls `grid` only. The search only moves forward and a
//! region is bounded, so reading a table is linear in its size.

use super::cell::CellValue;
use super::grid::{Cell, Grid};

/// Labels are short; a longer cell is narrative and never matched (this also bounds the cost
/// of matching on huge lines).
const MAX_LABEL_BYTES: usize = 400;

/// A position in the grid: row index and cell index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Row index in [`Grid::rows`].
    pub row: usize,
    /// Cell index in that row.
    pub cell: usize,
}

/// A bounded part of the grid holding one table, read front to back.
pub struct Cursor<'g> {
    grid: &'g Grid,
    /// Next position to look at.
    pub pos: Pos,
    /// First row after the region.
    pub end_row: usize,
    /// Last row the reader used, for the table's span.
    pub last_row: usize,
}

impl<'g> Cursor<'g> {
    /// A cursor over rows `[start_row, end_row)`.
    pub fn new(grid: &'g Grid, start_row: usize, end_row: usize) -> Cursor<'g> {
        Cursor {
            grid,
            pos: Pos {
                row: start_row,
                cell: 0,
            },
            end_row: end_row.min(grid.rows.len()),
            last_row: start_row,
        }
    }

    /// The cell at a position.
    pub fn cell(&self, pos: Pos) -> Option<&'g Cell> {
        self.grid.rows.get(pos.row)?.cells.get(pos.cell)
    }

    /// The next label-like cell at or after the cursor whose normalised text satisfies `matches`,
    /// without moving the cursor.
    pub fn find(&self, matches: impl Fn(&str) -> bool) -> Option<Pos> {
        let mut pos = self.pos;
        while pos.row < self.end_row {
            let row = self.grid.rows.get(pos.row)?;
            for (i, cell) in row.cells.iter().enumerate().skip(pos.cell) {
                if cell.norm.len() <= MAX_LABEL_BYTES
                    && cell.value.is_label_like(&cell.norm)
                    && matches(&cell.norm)
                {
                    return Some(Pos {
                        row: pos.row,
                        cell: i,
                    });
                }
            }
            pos = Pos {
                row: pos.row + 1,
                cell: 0,
            };
        }
        None
    }

    /// The cells after `label` in its row, up to the next label-like cell. The bool says
    /// whether the run was cut by a label (rather than by the end of the row).
    fn run_after(&self, label: Pos) -> (Vec<Pos>, bool) {
        let mut out = Vec::new();
        let Some(row) = self.grid.rows.get(label.row) else {
            return (out, false);
        };
        for (i, cell) in row.cells.iter().enumerate().skip(label.cell + 1) {
            if cell.value.is_label_like(&cell.norm) {
                return (out, true);
            }
            out.push(Pos {
                row: label.row,
                cell: i,
            });
        }
        (out, false)
    }

    /// True when the first non-blank cell after `label` (in its row, or at the start of the
    /// next row when the label ends its row) holds a value rather than another label.
    pub fn values_follow(&self, label: Pos) -> bool {
        let (run, _) = self.run_after(label);
        if let Some(first) = run
            .iter()
            .filter_map(|p| self.cell(*p))
            .find(|c| c.value != CellValue::Blank)
        {
            return !matches!(first.value, CellValue::Text);
        }
        if !run.is_empty() || label.row + 1 >= self.end_row {
            return false;
        }
        let next = Pos {
            row: label.row + 1,
            cell: 0,
        };
        self.cell(next).is_some_and(|c| c.value.is_number())
    }

    /// Takes the `n` value cells that follow the row label at `label`, moves the cursor past
    /// them and returns them (fewer than `n` when the row is short).
    ///
    /// The values are the cells after the label in its row. A tab or pipe row may carry empty
    /// cells of merged columns around them: from a longer run the `n` cells starting at the
    /// first non-blank one are taken (or the last `n` when those would run off the end). A
    /// label that ends its row (a label wrapped onto the next line, a page break) takes its
    /// values from the next row, skipping the wrapped rest of the label (text for which
    /// `is_label` is false).
    pub fn take_values(
        &mut self,
        label: Pos,
        n: usize,
        is_label: &dyn Fn(&str) -> bool,
    ) -> Vec<Pos> {
        let (mut run, cut) = self.run_after(label);
        let mut last_row = label.row;
        let has_value = |cur: &Cursor, run: &[Pos]| {
            run.iter()
                .filter_map(|p| cur.cell(*p))
                .any(|c| c.value != CellValue::Blank)
        };
        if !cut && run.len() < n && label.row + 1 < self.end_row {
            let next_row = label.row + 1;
            if let Some(row) = self.grid.rows.get(next_row) {
                let had_value = has_value(self, &run);
                let mut more = Vec::new();
                let mut skipping = !had_value;
                for (i, cell) in row.cells.iter().enumerate() {
                    let label_like = cell.value.is_label_like(&cell.norm);
                    if skipping && label_like && !is_label(&cell.norm) {
                        continue;
                    }
                    skipping = false;
                    if label_like {
                        break;
                    }
                    more.push(Pos {
                        row: next_row,
                        cell: i,
                    });
                }
                if has_value(self, &more) {
                    run.extend(more);
                    last_row = next_row;
                }
            }
        }
        let chosen = self.window(run, n);
        let after = chosen.last().copied().unwrap_or(label);
        if chosen.last().is_some() {
            last_row = last_row.max(after.row);
        }
        self.pos = Pos {
            row: after.row,
            cell: after.cell + 1,
        };
        self.last_row = self.last_row.max(last_row);
        chosen
    }

    /// At most `n` cells of a run of value cells: all of a short run; from a longer one, the
    /// `n` starting at the first non-blank cell, or the last `n` when those would run off the
    /// end (the blanks around them are empty cells of merged columns).
    pub fn window(&self, run: Vec<Pos>, n: usize) -> Vec<Pos> {
        if run.len() <= n {
            return run;
        }
        let first = run
            .iter()
            .position(|p| self.cell(*p).is_some_and(|c| c.value != CellValue::Blank))
            .unwrap_or(0);
        let from = if first + n <= run.len() {
            first
        } else {
            run.len() - n
        };
        run.get(from..from + n)
            .map(<[Pos]>::to_vec)
            .unwrap_or_default()
    }

    /// Marks `row` as part of the table (for its span) without reading it.
    pub fn touch(&mut self, row: usize) {
        self.last_row = self.last_row.max(row);
    }
}
