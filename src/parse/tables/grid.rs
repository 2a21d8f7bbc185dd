//! Any table layout → rows of cells, each with its byte range and line in the decoded text.
//!
//! Three layouts share one shape: tab-separated rows (one line = one row), markdown pipe rows
//! (separator rows dropped), and one cell per line (a line starting with a single `\t`; rows
//! are blocks between blank lines; a line without the tab continues the cell above it).
//! Any other line is a `Plain` row of one cell. Calls `label` and `cell` only; linear time.

use super::cell::{parse_cell, CellValue};
use super::label;

/// How a row was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Cells split by `\t` on one line.
    Tab,
    /// A markdown pipe row `| a | b |`.
    Pipe,
    /// A block of one-cell-per-line cells between blank lines.
    Column,
    /// A line that is not a table row (narrative, heading).
    Plain,
}

/// One cell: where it was printed and what it holds.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Byte offset of the printed text (trimmed) in the decoded report.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// 1-based line of the cell's first character.
    pub line: usize,
    /// Normalised text (see [`label::normalize`]).
    pub norm: String,
    /// What the cell holds.
    pub value: CellValue,
}

impl Cell {
    fn new(text: &str, start: usize, end: usize, line: usize) -> Cell {
        let (start, end) = trim_range(text, start, end);
        let norm = label::normalize(text.get(start..end).unwrap_or(""));
        let value = parse_cell(&norm);
        Cell {
            start,
            end,
            line,
            norm,
            value,
        }
    }

    /// The cell's text as printed.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// One row of cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// How the row was printed.
    pub kind: RowKind,
    /// The cells, left to right (or top to bottom for `Column`).
    pub cells: Vec<Cell>,
    /// Byte offset where the row's first line starts.
    pub start: usize,
    /// Byte offset where the row's last line ends (before its `\n`).
    pub end: usize,
}

/// The whole report as rows.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Rows in text order.
    pub rows: Vec<Row>,
}

/// Narrows `[start, end)` to its non-whitespace content (all on char boundaries).
fn trim_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let Some(s) = text.get(start..end) else {
        return (start, start);
    };
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    (start + lead, start + lead + trimmed.len())
}

/// Splits the decoded report into rows of cells.
pub fn build(text: &str) -> Grid {
    let mut rows: Vec<Row> = Vec::new();
    // Index in `rows` of the `Column` block being filled, if any.
    let mut block: Option<usize> = None;
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        let line_no = index + 1;
        let end = offset + line.len();
        // A page break (form feed) at the start of a line is not part of the table's layout.
        let body = line.trim_start_matches('\u{c}');
        let start = offset + (line.len() - body.len());
        let line = body;
        offset = end + 1;

        // A line holding only a tab is an empty cell, not a blank line.
        if line.trim().is_empty() && !line.contains('\t') {
            block = None;
            continue;
        }
        if line.trim_start().starts_with('|') {
            block = None;
            if let Some(row) = pipe_row(text, line, start, line_no) {
                rows.push(row);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('\t') {
            if !rest.contains('\t') {
                let cell = Cell::new(text, start + 1, end, line_no);
                match block.and_then(|b| rows.get_mut(b)) {
                    Some(row) => {
                        row.cells.push(cell);
                        row.end = end;
                    }
                    None => {
                        rows.push(Row {
                            kind: RowKind::Column,
                            cells: vec![cell],
                            start,
                            end,
                        });
                        block = Some(rows.len() - 1);
                    }
                }
                continue;
            }
        }
        if line.contains('\t') {
            block = None;
            let mut cells = Vec::new();
            let mut cell_start = start;
            for piece in line.split('\t') {
                let cell_end = cell_start + piece.len();
                cells.push(Cell::new(text, cell_start, cell_end, line_no));
                cell_start = cell_end + 1;
            }
            rows.push(Row {
                kind: RowKind::Tab,
                cells,
                start,
                end,
            });
            continue;
        }
        // A line without a tab: the wrapped rest of a one-cell-per-line cell, or plain text.
        if let Some(row) = block.and_then(|b| rows.get_mut(b)) {
            if let Some(last) = row.cells.last_mut() {
                let norm = label::normalize(line);
                if !last.value.is_number() && !label::is_heading(&norm) {
                    let first_line = last.line;
                    *last = Cell::new(text, last.start, end, first_line);
                    row.end = end;
                    continue;
                }
            }
        }
        block = None;
        rows.push(Row {
            kind: RowKind::Plain,
            cells: vec![Cell::new(text, start, end, line_no)],
            start,
            end,
        });
    }
    Grid { rows }
}

/// A markdown pipe row, or `None` for a separator row (`|---|:--|`).
fn pipe_row(text: &str, line: &str, start: usize, line_no: usize) -> Option<Row> {
    let bars: Vec<usize> = line
        .char_indices()
        .filter(|(_, c)| *c == '|')
        .map(|(i, _)| i)
        .collect();
    let mut cells = Vec::new();
    for pair in bars.windows(2) {
        cells.push(Cell::new(
            text,
            start + pair[0] + 1,
            start + pair[1],
            line_no,
        ));
    }
    if let Some(&last) = bars.last() {
        if !line[last + 1..].trim().is_empty() {
            cells.push(Cell::new(
                text,
                start + last + 1,
                start + line.len(),
                line_no,
            ));
        }
    }
    let separator = cells.iter().all(|c| {
        let t = c.text(text);
        t.contains('-') && t.chars().all(|ch| matches!(ch, '-' | ':' | ' '))
    });
    if separator && !cells.is_empty() {
        return None;
    }
    Some(Row {
        kind: RowKind::Pipe,
        cells,
        start,
        end: start + line.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(row: &Row) -> Vec<&str> {
        row.cells.iter().map(|c| c.norm.as_str()).collect()
    }

    #[test]
    fn tab_rows_keep_empty_cells() {
        let g = build("标题\n甲\t1\t\t\n");
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[0].kind, RowKind::Plain);
        assert_eq!(norms(&g.rows[1]), ["甲", "1", "", ""]);
        assert_eq!(g.rows[1].cells[1].line, 2);
    }

    #[test]
    fn pipe_rows_drop_separators() {
        let text = "| 甲 | 乙 |\n|---|:--|\n| 1 | |\n";
        let g = build(text);
        assert_eq!(g.rows.len(), 2);
        assert_eq!(norms(&g.rows[1]), ["1", ""]);
        let c = &g.rows[1].cells[0];
        assert_eq!(&text[c.start..c.end], "1");
    }

    #[test]
    fn one_cell_per_line_blocks_and_wrapped_labels() {
        let text = "\t三、\n本\n年\n\t（一）甲乙\n\t\u{3000}3\n\n\t结果\n维持\n\t\n\n五、结尾\n";
        let g = build(text);
        assert_eq!(g.rows.len(), 3);
        assert_eq!(norms(&g.rows[0]), ["三、本年", "(一)甲乙", "3"]);
        assert_eq!(norms(&g.rows[1]), ["结果维持", ""]);
        assert_eq!(g.rows[2].kind, RowKind::Plain);
        let wrapped = &g.rows[0].cells[0];
        assert_eq!(wrapped.text(text), "三、\n本\n年");
        assert_eq!(wrapped.line, 1);
    }

    #[test]
    fn a_page_break_does_not_change_the_layout() {
        let g = build("\t甲乙\n\u{c}\t1\n\u{c}\n\t2\n");
        assert_eq!(g.rows.len(), 2);
        assert_eq!(norms(&g.rows[0]), ["甲乙", "1"]);
        assert_eq!(norms(&g.rows[1]), ["2"]);
    }

    #[test]
    fn heading_after_a_cell_is_not_a_continuation() {
        let g = build("\t甲乙\n四、行政复议情况\n");
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.rows[1].kind, RowKind::Plain);
    }
}
