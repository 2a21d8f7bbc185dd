//! A statistics table as its author lays it out: rows of cells that span columns and rows (the
//! merges of the official template), and the same table with every span expanded into a grid,
//! which is what a text export shows and what the parser's readers rebuild. Pure data; calls
//! nothing.

/// A table cell as authored: its text and how many columns and rows it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's text (may be empty).
    pub text: String,
    /// Columns covered, at least 1.
    pub colspan: usize,
    /// Rows covered, at least 1.
    pub rowspan: usize,
}

impl Cell {
    /// A cell covering one column and one row.
    pub fn new(text: impl Into<String>) -> Cell {
        Cell::span(text, 1, 1)
    }

    /// A cell covering `colspan` columns and `rowspan` rows (0 counts as 1).
    pub fn span(text: impl Into<String>, colspan: usize, rowspan: usize) -> Cell {
        Cell {
            text: text.into(),
            colspan: colspan.max(1),
            rowspan: rowspan.max(1),
        }
    }
}

/// A position in the expanded grid of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot<'a> {
    /// Where a cell starts.
    Origin(&'a Cell),
    /// The first column of a cell that starts in a row above (Word writes a `vMerge`
    /// continuation cell here, as wide as the merged cell).
    RowCovered {
        /// Columns of the cell above.
        colspan: usize,
    },
    /// Any other covered position, and the padding of rows narrower than the table.
    Covered,
}

/// The grid of a table with every span expanded, each row as wide as the widest. Rows list only
/// the cells that start in them, as HTML's `<tr>` does; a cell is placed in the first position
/// of its row not covered from above. Spans reaching below the last row are cut there.
pub fn expand(rows: &[Vec<Cell>]) -> Vec<Vec<Slot<'_>>> {
    let mut grid: Vec<Vec<Option<Slot<'_>>>> = vec![Vec::new(); rows.len()];
    for (r, row) in rows.iter().enumerate() {
        let mut col = 0;
        for cell in row {
            while grid[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            let below = cell.rowspan.min(rows.len() - r);
            for (dr, target) in grid[r..r + below].iter_mut().enumerate() {
                if target.len() < col + cell.colspan {
                    target.resize(col + cell.colspan, None);
                }
                for dc in 0..cell.colspan {
                    target[col + dc] = Some(match (dr, dc) {
                        (0, 0) => Slot::Origin(cell),
                        (_, 0) => Slot::RowCovered {
                            colspan: cell.colspan,
                        },
                        _ => Slot::Covered,
                    });
                }
            }
            col += cell.colspan;
        }
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    grid.into_iter()
        .map(|row| {
            let mut row: Vec<Slot<'_>> = row
                .into_iter()
                .map(|s| s.unwrap_or(Slot::Covered))
                .collect();
            row.resize(width, Slot::Covered);
            row
        })
        .collect()
}

/// The table as text cells: each cell's text where it starts, empty strings where it is
/// covered (as Word's text export and the parser's readers write a merged table).
pub fn text_grid(rows: &[Vec<Cell>]) -> Vec<Vec<String>> {
    expand(rows)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|slot| match slot {
                    Slot::Origin(cell) => cell.text.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_expand_into_covered_cells() {
        let rows = vec![
            vec![Cell::span("甲", 1, 2), Cell::span("乙", 2, 1)],
            vec![Cell::new("1"), Cell::new("2")],
            vec![Cell::new("丙")],
        ];
        assert_eq!(
            text_grid(&rows),
            vec![vec!["甲", "乙", ""], vec!["", "1", "2"], vec!["丙", "", ""],]
        );
        let slots = expand(&rows);
        assert_eq!(slots[1][0], Slot::RowCovered { colspan: 1 });
        assert_eq!(slots[0][2], Slot::Covered);
    }

    #[test]
    fn spans_past_the_last_row_are_cut() {
        let rows = vec![vec![Cell::span("x", 2, 9)], vec![Cell::new("y")]];
        assert_eq!(text_grid(&rows), vec![vec!["x", "", ""], vec!["", "", "y"]]);
        assert!(text_grid(&[]).is_empty());
    }
}
