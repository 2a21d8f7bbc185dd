//! PDFs with a text layer → plain text. `pdf-extract` (over `lopdf`) decodes every glyph with
//! its font's encoding or ToUnicode map (Type0 / Identity-H included) and reports its position;
//! this module lays the glyphs out again: lines by baseline, cells where a wide gap splits a
//! line (tab-separated, so table rows read as in a Word export), wrapped narrative lines joined
//! into paragraphs, page numbers (`- 4 -`, `第4页`) and running headers removed. A PDF without
//! any glyph is a scan. Calls `pdf-extract` and `lopdf`, inside `catch_unwind`: a panic in
//! them on a damaged file becomes an error, never a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::plain::PlainText;
use super::{Extracted, Format, SourceProblem};

/// A gap wider than this many font sizes between two glyphs on a line separates table cells.
const CELL_GAP_EMS: f64 = 1.2;
/// A gap wider than this between two Latin letters or digits is a space.
const SPACE_GAP_EMS: f64 = 0.2;
/// Glyphs whose baselines differ by less than this many font sizes share a line.
const SAME_LINE_EMS: f64 = 0.5;
/// A line ending closer than this many font sizes to the right margin is wrapped, not ended.
const FULL_LINE_EMS: f64 = 2.0;
/// A line starting this many font sizes right of the left margin opens a paragraph.
const INDENT_EMS: f64 = 1.5;
/// More glyphs than this is not a report (a bound on work and memory).
const MAX_GLYPHS: usize = 5_000_000;

fn corrupt(reason: impl std::fmt::Display) -> SourceProblem {
    SourceProblem::Corrupt {
        format: Format::Pdf,
        reason: reason.to_string().to_lowercase(),
    }
}

/// Reads a PDF.
pub fn read(bytes: &[u8]) -> Result<Extracted, SourceProblem> {
    let pages = catch_unwind(AssertUnwindSafe(|| collect_glyphs(bytes)))
        .map_err(|_| corrupt("the PDF reader failed on this file"))??;
    let mut warnings = Vec::new();
    let empty: Vec<u32> = pages
        .iter()
        .filter(|p| p.glyphs.is_empty())
        .map(|p| p.number)
        .collect();
    if empty.len() == pages.len() {
        return Err(SourceProblem::NoTextLayer);
    }
    if !empty.is_empty() {
        let list: Vec<String> = empty.iter().map(u32::to_string).collect();
        warnings.push(format!(
            "pdf pages {} have no text layer (scanned images); their text is missing",
            list.join(", ")
        ));
    }
    Ok(Extracted {
        text: lay_out(&pages),
        encoding: "utf-8",
        format: Format::Pdf,
        published: None,
        publisher: None,
        warnings,
    })
}

/// One glyph as drawn: position of its origin in page space (y up), advance and size.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    width: f64,
    size: f64,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    number: u32,
    glyphs: Vec<Glyph>,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    total: usize,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Page {
            number: page_num,
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        if char.trim().is_empty() || self.total >= MAX_GLYPHS {
            return Ok(());
        }
        // The size of a font-size square after the text matrix (rotation and scaling).
        let sx = font_size * (trm.m11 + trm.m21);
        let sy = font_size * (trm.m12 + trm.m22);
        let size = (sx * sy).abs().sqrt();
        let glyph = Glyph {
            x: trm.m31,
            y: trm.m32,
            width: width * size,
            size: if size.is_finite() && size > 0.0 {
                size
            } else {
                1.0
            },
            text: char.to_string(),
        };
        if !(glyph.x.is_finite() && glyph.y.is_finite() && glyph.width.is_finite()) {
            return Ok(());
        }
        if let Some(page) = self.pages.last_mut() {
            page.glyphs.push(glyph);
            self.total += 1;
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

fn collect_glyphs(bytes: &[u8]) -> Result<Vec<Page>, SourceProblem> {
    let doc = pdf_extract::Document::load_mem(bytes).map_err(corrupt)?;
    let mut collector = Collector::default();
    // A page that fails to decode ends the walk; the pages before it are kept.
    let result = pdf_extract::output_doc(&doc, &mut collector);
    if collector.pages.is_empty() {
        return match result {
            Err(e) => Err(corrupt(format!("{e:?}"))),
            Ok(()) => Err(corrupt("the PDF has no pages")),
        };
    }
    Ok(collector.pages)
}

/// One laid-out line: its cells (each a run of close glyphs) and its extent.
#[derive(Debug, Clone)]
struct Line {
    cells: Vec<String>,
    left: f64,
    right: f64,
    size: f64,
}

impl Line {
    fn text(&self) -> String {
        self.cells.join("\t")
    }
}

fn lay_out(pages: &[Page]) -> String {
    let mut page_lines: Vec<Vec<Line>> = pages.iter().map(|p| lines_of(&p.glyphs)).collect();
    remove_page_furniture(&mut page_lines);
    let mut out = PlainText::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut paragraph = String::new();
    for lines in &page_lines {
        // Margins of the narrative: tables may be wider than the text block.
        let narrative = lines.iter().filter(|l| l.cells.len() == 1);
        let margin = narrative.clone().map(|l| l.right).fold(f64::MIN, f64::max);
        let left_margin = narrative.map(|l| l.left).fold(f64::MAX, f64::min);
        let mut previous_full = false;
        for line in lines {
            if line.cells.len() > 1 {
                out.paragraph(&std::mem::take(&mut paragraph));
                table.push(line.cells.clone());
                previous_full = false;
                continue;
            }
            if !table.is_empty() {
                out.table(&std::mem::take(&mut table));
            }
            let text = line.text();
            let indented = line.left > left_margin + INDENT_EMS * line.size;
            if !previous_full || indented || starts_like_heading(&text) {
                out.paragraph(&std::mem::take(&mut paragraph));
            }
            paragraph.push_str(&text);
            previous_full = line.right >= margin - FULL_LINE_EMS * line.size;
        }
        // A paragraph may go on over the page break; a table row never starts mid-paragraph.
    }
    out.table(&table);
    out.paragraph(&paragraph);
    out.finish()
}

/// Lines that open a new paragraph even after a full line: headings and list items.
fn starts_like_heading(text: &str) -> bool {
    let mut chars = text.chars();
    let first = chars.next().unwrap_or(' ');
    let second = chars.next().unwrap_or(' ');
    matches!(first, '（' | '(' | '第')
        || ("一二三四五六七八九十".contains(first) && matches!(second, '、' | '是'))
        || (first.is_ascii_digit() && matches!(second, '.' | '、' | '．'))
}

/// Glyphs → lines (top to bottom), each split into cells at wide gaps.
fn lines_of(glyphs: &[Glyph]) -> Vec<Line> {
    let mut sorted: Vec<&Glyph> = glyphs.iter().collect();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    let mut baseline = f64::NAN;
    for g in sorted {
        match groups.last_mut() {
            Some(group) if (baseline - g.y).abs() < SAME_LINE_EMS * g.size => group.push(g),
            _ => {
                baseline = g.y;
                groups.push(vec![g]);
            }
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by(|a, b| a.x.total_cmp(&b.x));
            split_cells(&group)
        })
        .collect()
}

fn split_cells(group: &[&Glyph]) -> Line {
    let mut cells: Vec<String> = vec![String::new()];
    let mut end = f64::NAN;
    let mut size = 0.0f64;
    let mut last_char = ' ';
    for g in group {
        size = size.max(g.size);
        let gap = g.x - end;
        let first_char = g.text.chars().next().unwrap_or(' ');
        if gap > CELL_GAP_EMS * g.size {
            cells.push(String::new());
        } else if gap > SPACE_GAP_EMS * g.size
            && last_char.is_ascii_alphanumeric()
            && first_char.is_ascii_alphanumeric()
        {
            if let Some(cell) = cells.last_mut() {
                cell.push(' ');
            }
        }
        if let Some(cell) = cells.last_mut() {
            cell.push_str(&g.text);
        }
        end = if end.is_nan() {
            g.x + g.width
        } else {
            end.max(g.x + g.width)
        };
        last_char = g.text.chars().next_back().unwrap_or(' ');
    }
    Line {
        cells,
        left: group.first().map_or(0.0, |g| g.x),
        right: end,
        size: if size > 0.0 { size } else { 1.0 },
    }
}

/// Drops page numbers (`- 4 -`, `—4—`, `第 4 页`, `4/12`, a bare number) from the first and last
/// line of each page, and running headers or footers: a first or last line repeated (digits
/// aside) on at least half the pages of a document of three pages or more.
fn remove_page_furniture(pages: &mut [Vec<Line>]) {
    for lines in pages.iter_mut() {
        if lines.last().is_some_and(|l| is_page_number(&l.text())) {
            lines.pop();
        }
        if lines.first().is_some_and(|l| is_page_number(&l.text())) {
            lines.remove(0);
        }
    }
    if pages.len() < 3 {
        return;
    }
    let shape = |l: &Line| -> String {
        l.text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    for pick_last in [false, true] {
        let edge = |lines: &Vec<Line>| {
            if pick_last {
                lines.last().map(shape)
            } else {
                lines.first().map(shape)
            }
        };
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for lines in pages.iter() {
            if let Some(s) = edge(lines) {
                *counts.entry(s).or_default() += 1;
            }
        }
        let page_count = pages.len();
        for lines in pages.iter_mut() {
            let repeated = edge(lines).is_some_and(|s| {
                let n = counts.get(&s).copied().unwrap_or(0);
                n >= 2 && n * 2 >= page_count
            });
            if repeated {
                if pick_last {
                    lines.pop();
                } else {
                    lines.remove(0);
                }
            }
        }
    }
}

fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－' | '·'));
    if !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        return digits.len() < rest.len() && digits.starts_with('页');
    }
    let parts: Vec<&str> = t.split('/').collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(y: f64, x0: f64, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x0 + i as f64 * 10.0,
                y,
                width: 10.0,
                size: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn wide_gaps_split_cells_and_lines_sort_top_down() {
        let mut g = glyphs(700.0, 100.0, "规章");
        g.extend(glyphs(700.0, 200.0, "12"));
        g.extend(glyphs(720.0, 100.0, "标题"));
        let lines = lines_of(&g);
        assert_eq!(lines[0].text(), "标题");
        assert_eq!(lines[1].cells, ["规章", "12"]);
    }

    #[test]
    fn page_numbers() {
        assert!(is_page_number("- 4 -"));
        assert!(is_page_number("—12—"));
        assert!(is_page_number("第 3 页"));
        assert!(is_page_number("3/12"));
        assert!(!is_page_number("2024"));
        assert!(!is_page_number("第二十条"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n").is_err());
        assert!(read(b"%PDF-").is_err());
    }
}
