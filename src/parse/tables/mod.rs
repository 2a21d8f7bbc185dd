//! The three statistics tables of an annual report, read from its decoded text.
//!
//! Whatever the layout (tab-separated rows, markdown pipe tables, one cell per line), the text
//! first becomes rows of cells (`grid`), each cell normalised (`label`) and typed (`cell`).
//! Each table is then found by its header (an anchor) and read by its standard row labels,
//! which appear in a fixed order; the values follow each label, and the template says how many
//! (`proactive`, `requests`, `review`, walking the grid with `cursor`, writing into `sheet`).
//!
//! Pure and total: no I/O, no panic, linear-ish time on any input. Calls only `crate::record`.

mod cell;
mod cursor;
mod grid;
mod label;
mod proactive;
mod requests;
mod review;
mod sheet;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::record::{CellSource, Proactive, Requests, Review, Template};
use grid::{Cell, Grid};

/// Everything read from the statistics tables of one report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    /// `T2021`, `T2019`, or `Unknown` when no table was found.
    pub template: Template,
    /// Table 二: 主动公开政府信息情况.
    pub proactive: Option<Proactive>,
    /// Table 三: 收到和处理政府信息公开申请情况.
    pub requests: Option<Requests>,
    /// Table 四: 政府信息公开行政复议、行政诉讼情况.
    pub review: Option<Review>,
    /// Dotted key (`requests.new.total`) → where its value was printed. Blank, `/` and
    /// unreadable cells have an entry too, with their printed text.
    pub cells: BTreeMap<String, CellSource>,
    /// Byte ranges of the text that belong to the tables (headers, labels, values), so the
    /// narrative extractor can leave them out. Sorted, not overlapping.
    pub spans: Vec<Range<usize>>,
    /// What could not be read, naming the table and the row.
    pub warnings: Vec<String>,
}

/// A table never runs longer than this many rows after its header (a bound on the search).
const MAX_TABLE_ROWS: usize = 400;

/// Header cells are short; longer cells are narrative.
const MAX_ANCHOR_BYTES: usize = 240;

/// How many cells after 行政复议 the 行政诉讼 header must appear.
const REVIEW_HEADER_REACH: usize = 30;

/// Reads the three statistics tables.
///
/// `text` is the decoded report: UTF-8, no BOM, line ends already normalised to `\n`.
///
/// ```
/// let text = "行政复议\t\t\t\t\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n\
///             0\t0\t0\t0\t0\t1\t0\t0\t0\t1\t0\t0\t0\t0\t0\n";
/// let tables = nianbao::parse::tables::read_tables(text);
/// let review = tables.review.expect("the review table");
/// assert_eq!(review.litigation_direct.and_then(|g| g.total), Some(1));
/// assert!(tables.cells.contains_key("review.reconsideration.total"));
/// ```
pub fn read_tables(text: &str) -> Tables {
    let grid = grid::build(text);
    let mut sheet = sheet::Sheet::new(text);
    let mut out = Tables::default();

    let proactive_at = find_row(&grid, 0, |c| {
        c.norm.contains("第二十条第(一)项") || c.norm == "信息内容"
    })
    .or_else(|| find_row(&grid, 0, |c| c.norm == "规章"));
    let requests_at = find_row(&grid, proactive_at.unwrap_or(0), |c| {
        c.norm.contains("勾稽关系")
            || c.norm == "申请人情况"
            || (c.norm.contains("本年新收政府信息公开申请数量") && label::cjk_count(&c.norm) <= 20)
    });
    let review_from = requests_at.or(proactive_at).unwrap_or(0);
    let review_at = find_review_header(&grid, review_from);

    let anchors = [proactive_at, requests_at, review_at];
    let region_end = |start: usize| -> usize {
        anchors
            .iter()
            .flatten()
            .copied()
            .filter(|a| *a > start)
            .min()
            .unwrap_or(usize::MAX)
            .min(start.saturating_add(MAX_TABLE_ROWS))
            .min(grid.rows.len())
    };

    let mut requests_template = None;
    if let Some(start) = requests_at {
        let read = requests::read(&grid, &mut sheet, start, region_end(start));
        if read.table.is_some() {
            push_span(&grid, &mut out.spans, start, read.last_row);
        }
        out.requests = read.table;
        requests_template = read.template;
    }
    let mut header_template = None;
    if let Some(start) = proactive_at {
        let end = region_end(start);
        header_template = proactive::detect_template(&grid, start, end);
        let template = header_template
            .or(requests_template)
            .unwrap_or(Template::T2021);
        let read = proactive::read(&grid, &mut sheet, start, end, template);
        if read.table.is_some() {
            push_span(&grid, &mut out.spans, start, read.last_row);
        }
        out.proactive = read.table;
    }
    if let Some(start) = review_at {
        let read = review::read(&grid, &mut sheet, start, region_end(start));
        push_span(&grid, &mut out.spans, start, read.last_row);
        out.review = read.table;
    }

    let any = out.proactive.is_some() || out.requests.is_some() || out.review.is_some();
    out.template = match (any, header_template.or(requests_template)) {
        (false, _) => Template::Unknown,
        (true, Some(t)) => t,
        (true, None) => Template::T2021,
    };
    if !any {
        sheet.warn("no statistics tables found".to_string());
    }
    out.spans.sort_by_key(|r| r.start);
    out.spans = merge_spans(std::mem::take(&mut out.spans));
    out.cells = sheet.cells;
    out.warnings = sheet.warnings;
    out
}

/// The first row at or after `from` holding a short cell that satisfies `pred`.
fn find_row(grid: &Grid, from: usize, pred: impl Fn(&Cell) -> bool) -> Option<usize> {
    grid.rows
        .iter()
        .enumerate()
        .skip(from)
        .find_map(|(i, row)| {
            row.cells
                .iter()
                .any(|c| c.norm.len() <= MAX_ANCHOR_BYTES && pred(c))
                .then_some(i)
        })
}

/// The row of the 行政复议 header cell that is followed closely by a 行政诉讼 cell.
fn find_review_header(grid: &Grid, from: usize) -> Option<usize> {
    for (i, row) in grid.rows.iter().enumerate().skip(from) {
        for (j, cell) in row.cells.iter().enumerate() {
            if cell.norm != "行政复议" {
                continue;
            }
            let following = row
                .cells
                .iter()
                .skip(j + 1)
                .chain(grid.rows.iter().skip(i + 1).flat_map(|r| r.cells.iter()))
                .take(REVIEW_HEADER_REACH);
            for c in following {
                if c.norm == "行政诉讼" {
                    return Some(i);
                }
            }
        }
    }
    None
}

fn push_span(grid: &Grid, spans: &mut Vec<Range<usize>>, first_row: usize, last_row: usize) {
    if let (Some(a), Some(b)) = (
        grid.rows.get(first_row),
        grid.rows.get(last_row.max(first_row)),
    ) {
        spans.push(a.start..b.end.max(a.start));
    }
}

fn merge_spans(spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests;
