//! The plain text every format reader writes: one paragraph per line, and each table as
//! tab-separated rows with a blank line before and after it, merged cells already expanded into
//! empty covered cells. Owns only string assembly; calls nothing.

/// A table cell's or paragraph's text on one line: whitespace runs become one space (dropped
/// between two Chinese characters when the run held a line break, as a browser does with wrapped
/// source lines), tabs never survive, ends trimmed.
pub fn one_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    let mut pending_break = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = true;
            pending_break |= c == '\n' || c == '\r';
            continue;
        }
        if pending_space && !out.is_empty() {
            let wide = |ch: char| ch as u32 >= 0x2E80;
            let joins_cjk = pending_break && out.chars().next_back().is_some_and(wide) && wide(c);
            if !joins_cjk {
                out.push(' ');
            }
        }
        pending_space = false;
        pending_break = false;
        out.push(c);
    }
    out
}

/// The text being written.
#[derive(Debug, Default)]
pub struct PlainText {
    text: String,
    /// Whether the last thing written was a table (a paragraph then needs a blank line first).
    after_table: bool,
}

impl PlainText {
    /// An empty text.
    pub fn new() -> PlainText {
        PlainText::default()
    }

    /// One paragraph as one line; blank paragraphs are skipped.
    pub fn paragraph(&mut self, raw: &str) {
        let line = one_line(raw);
        if line.is_empty() {
            return;
        }
        if self.after_table {
            self.text.push('\n');
            self.after_table = false;
        }
        self.text.push_str(&line);
        self.text.push('\n');
    }

    /// One table: each row's cells joined by tabs. Rows with no text are skipped; the cells'
    /// text is put on one line.
    pub fn table(&mut self, rows: &[Vec<String>]) {
        let lines: Vec<String> = rows
            .iter()
            .filter(|row| row.iter().any(|c| !one_line(c).is_empty()))
            .map(|row| table_row(row))
            .collect();
        if lines.is_empty() {
            return;
        }
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
        for line in lines {
            self.text.push_str(&line);
            self.text.push('\n');
        }
        self.after_table = true;
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.text
    }
}

/// Cells joined by tabs. A row of a single cell is a plain line. A row whose only text follows
/// one covered cell (`\tx`) gets a trailing empty cell, since a line of one leading tab and one
/// cell means "one cell per line" to the table reader.
fn table_row(row: &[String]) -> String {
    let cells: Vec<String> = row.iter().map(|c| one_line(c)).collect();
    let mut line = cells.join("\t");
    if line.starts_with('\t') && cells.len() == 2 {
        line.push('\t');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_collapses_and_wrapped_chinese_joins() {
        assert_eq!(one_line("  本年\n  新收\t 5 件 "), "本年新收 5 件");
        assert_eq!(one_line("a\u{a0}\u{a0}b"), "a b");
        assert_eq!(one_line("\u{a0}"), "");
    }

    #[test]
    fn tables_are_tab_rows_between_blank_lines() {
        let mut t = PlainText::new();
        t.paragraph("标题");
        t.table(&[
            vec!["甲".into(), "1".into(), "".into()],
            vec!["".into(), "".into()],
            vec!["".into(), "乙".into()],
        ]);
        t.paragraph("正文");
        assert_eq!(t.finish(), "标题\n\n甲\t1\t\n\t乙\t\n\n正文\n");
    }
}
