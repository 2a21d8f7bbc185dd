//! HTML pages (a saved portal page or an HTML report) → plain text: the charset from a BOM, the
//! page's `charset=` or detection; paragraphs from block elements, data tables from the DOM with
//! `colspan` / `rowspan` expanded into the grid; menus, footers, scripts and the portal's
//! 索引号 / 发布机构 block left out of the text, the latter read for publisher and date.
//! Calls `dom` (the page's tree), `plain` and `published`; walks the tree without recursion.

use super::decode::DecodeProblem;
use super::dom::{Dom, Edge, Node, NodeId};
use super::plain::{one_line, PlainText};
use super::published::{is_meta_line, parse_date, PageMeta};
use super::{Extracted, Format};

/// How many leading bytes are searched for a `charset=` declaration.
const CHARSET_SNIFF_BYTES: usize = 4096;
/// Bounds on a table's grid, so a hostile `colspan` cannot allocate without limit.
const MAX_COLSPAN: usize = 100;
const MAX_ROWSPAN: usize = 1000;
const MAX_COLUMNS: usize = 400;

/// Elements whose content is never report text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "footer"
            | "aside"
            | "iframe"
            | "object"
            | "embed"
            | "select"
            | "button"
            | "input"
            | "textarea"
            | "svg"
            | "canvas"
    )
}

/// Elements that start and end a line of text.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "figure"
            | "figcaption"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "tbody"
            | "td"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// `class` / `id` words of site chrome (menus, breadcrumbs, share bars, footers).
const CHROME_WORDS: [&str; 25] = [
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "submenu",
    "footer",
    "foot",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "crumbs",
    "share",
    "sidebar",
    "copyright",
    "topbar",
    "toolbar",
    "login",
    "search",
    "bottom",
    "position",
    "location",
    "dqwz",
    "fenxiang",
    "ewm",
];

/// Bytes of a page → its text and the encoding it was in (`utf-8`, `gb18030` or the declared
/// one). Valid UTF-8 wins over a declaration: browsers save pages as UTF-8 and keep the old
/// `charset=gb2312` tag.
pub fn decode_page(bytes: &[u8]) -> Result<(String, &'static str), DecodeProblem> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return non_empty(text.into_owned(), name_of(encoding));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return non_empty(text.to_string(), "utf-8");
    }
    let declared = declared_charset(bytes)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .filter(|e| *e != encoding_rs::UTF_8 && *e != encoding_rs::GBK);
    // GBK and GB2312 pages are read as GB18030, their superset.
    let encoding = declared.unwrap_or(encoding_rs::GB18030);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    non_empty(text.into_owned(), name_of(encoding))
}

fn non_empty(
    text: String,
    encoding: &'static str,
) -> Result<(String, &'static str), DecodeProblem> {
    if text.trim().is_empty() {
        Err(DecodeProblem::Empty)
    } else {
        Ok((text, encoding))
    }
}

fn name_of(encoding: &'static encoding_rs::Encoding) -> &'static str {
    if encoding == encoding_rs::UTF_8 {
        "utf-8"
    } else if encoding == encoding_rs::GBK || encoding == encoding_rs::GB18030 {
        "gb18030"
    } else {
        encoding.name()
    }
}

/// The label after the first `charset=` near the start (`<meta charset="gbk">`,
/// `content="text/html; charset=gb2312"`, `<?xml … encoding=` is rare enough to ignore).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head: Vec<u8> = bytes[..bytes.len().min(CHARSET_SNIFF_BYTES)]
        .iter()
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let at = head.windows(7).position(|w| w == b"charset")?;
    let rest = head.get(at + 7..)?;
    let rest: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| matches!(b, b' ' | b'=' | b'"' | b'\''))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        .collect();
    (!rest.is_empty()).then(|| String::from_utf8_lossy(&rest).into_owned())
}

/// A decoded page → its report text and metadata.
pub fn read(page: &str, encoding: &'static str) -> Extracted {
    let dom = Dom::parse(page);
    let mut walker = Walker::default();
    walker.walk(&dom);
    walker.flush();
    let mut meta = walker.meta;
    read_meta_tags(&dom, &mut meta);
    Extracted {
        text: walker.out.finish(),
        encoding,
        format: Format::Html,
        published: meta.published,
        publisher: meta.publisher,
        warnings: Vec::new(),
    }
}

/// `<meta name="PubDate" content="2024-01-25 10:30">` and the like, for what the visible
/// metadata block did not give.
fn read_meta_tags(dom: &Dom, meta: &mut PageMeta) {
    for node in dom.descendants(Dom::ROOT) {
        let Some(element) = dom.element(node) else {
            continue;
        };
        if element.name != "meta" {
            continue;
        }
        let name = element
            .attr("name")
            .or_else(|| element.attr("property"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let content = element.attr("content").unwrap_or("").trim();
        match name.as_str() {
            "pubdate"
            | "publishdate"
            | "firstpublishedtime"
            | "publishtime"
            | "article:published_time"
                if meta.published.is_none() =>
            {
                meta.published = parse_date(content);
            }
            "contentsource" if meta.publisher.is_none() && !content.is_empty() => {
                meta.publisher = Some(one_line(content));
            }
            _ => {}
        }
    }
}

#[derive(Default)]
struct Walker {
    out: PlainText,
    /// Text of the line being gathered from inline content.
    inline: String,
    meta: PageMeta,
}

impl Walker {
    /// Walks the tree in document order; skipped subtrees and data tables are passed over
    /// whole (their ids are remembered until their closing edge).
    fn walk(&mut self, dom: &Dom) {
        let mut skip_until = None;
        for edge in dom.traverse(Dom::ROOT) {
            match edge {
                Edge::Open(node) => {
                    if skip_until.is_some() {
                        continue;
                    }
                    match dom.node(node) {
                        Node::Text(text) => self.inline.push_str(text),
                        Node::Element(element) => {
                            let name = element.name.as_str();
                            if is_chrome(dom, node) {
                                skip_until = Some(node);
                            } else if name == "table" && !has_nested_table(dom, node) {
                                self.flush();
                                self.data_table(dom, node);
                                skip_until = Some(node);
                            } else if name == "pre" {
                                self.flush();
                                self.preformatted(dom, node);
                                skip_until = Some(node);
                            } else if name == "br" || is_block(name) {
                                self.flush();
                            }
                        }
                        Node::Document => {}
                    }
                }
                Edge::Close(node) => {
                    if skip_until == Some(node) {
                        skip_until = None;
                        continue;
                    }
                    if skip_until.is_none() {
                        if let Some(e) = dom.element(node) {
                            if is_block(&e.name) {
                                self.flush();
                            }
                        }
                    }
                }
            }
        }
    }

    /// Ends the current line: metadata lines feed [`PageMeta`], chrome lines are dropped, the
    /// rest is a paragraph.
    fn flush(&mut self) {
        let line = one_line(&self.inline);
        self.inline.clear();
        if line.is_empty() {
            return;
        }
        if is_meta_line(&line) {
            self.meta.read_line(&line);
        } else if !is_chrome_line(&line) {
            self.out.paragraph(&line);
        }
    }

    /// Text inside `<pre>` keeps its lines and tabs (a text report shown as is).
    fn preformatted(&mut self, dom: &Dom, pre: NodeId) {
        let text: String = dom
            .descendants(pre)
            .filter_map(|n| match dom.node(n) {
                Node::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        for line in text.lines() {
            if line.contains('\t') {
                let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
                self.out.table(&[cells]);
            } else {
                self.out.paragraph(line);
            }
        }
    }

    /// A table without tables inside: rows of cells with merges expanded. Rows of a portal's
    /// metadata block are read as metadata instead.
    fn data_table(&mut self, dom: &Dom, table: NodeId) {
        let mut rows = Vec::new();
        for row in expand_table(dom, table) {
            let joined = row
                .iter()
                .filter(|c| !c.is_empty())
                .map(|c| one_line(c))
                .collect::<Vec<_>>()
                .join(" ");
            if is_meta_line(&joined) {
                self.meta.read_line(&joined);
            } else if !is_chrome_line(&joined) {
                rows.push(row);
            }
        }
        self.out.table(&rows);
    }
}

/// Site chrome by tag or by a `class` / `id` word; a `<header>` only when it holds a menu.
fn is_chrome(dom: &Dom, node: NodeId) -> bool {
    let Some(element) = dom.element(node) else {
        return false;
    };
    let name = element.name.as_str();
    if is_skipped(name) {
        return true;
    }
    if name == "header" {
        return dom.descendants(node).any(|d| {
            dom.element(d)
                .is_some_and(|e| matches!(e.name.as_str(), "nav" | "ul" | "form" | "input"))
        });
    }
    let names = element.attr("class").into_iter().chain(element.attr("id"));
    names
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
        .any(|word| CHROME_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)))
}

/// Short lines of page furniture: 【打印本页】【关闭窗口】, 字号：大 中 小, 当前位置：首页 > ….
fn is_chrome_line(line: &str) -> bool {
    const PREFIXES: [&str; 4] = ["当前位置", "您现在的位置", "您的位置", "您当前的位置"];
    if PREFIXES.iter().any(|p| line.starts_with(p)) {
        return true;
    }
    const WORDS: [&str; 19] = [
        "扫一扫在手机打开当前页",
        "打印本页",
        "打印此页",
        "关闭窗口",
        "关闭本页",
        "返回顶部",
        "视力保护色",
        "分享到",
        "打印",
        "关闭",
        "收藏",
        "字体",
        "字号",
        "默认",
        "大",
        "中",
        "小",
        "：",
        ":",
    ];
    // Gathering stops at the 41st character: every paragraph of the page comes here.
    let mut kept = String::new();
    let mut kept_chars = 0;
    for c in line.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                '【' | '】' | '[' | ']' | '(' | ')' | '（' | '）' | '|' | '｜'
            )
        {
            continue;
        }
        if kept_chars == 40 {
            return false;
        }
        kept.push(c);
        kept_chars += 1;
    }
    let mut rest = kept.as_str();
    if rest.is_empty() {
        return false;
    }
    // Each pass removes at least one word or stops, so this ends.
    loop {
        let Some(word) = WORDS.iter().find(|w| rest.starts_with(**w)) else {
            return false;
        };
        rest = &rest[word.len()..];
        if rest.is_empty() {
            return true;
        }
    }
}

fn has_nested_table(dom: &Dom, table: NodeId) -> bool {
    dom.descendants(table)
        .skip(1)
        .any(|d| dom.element(d).is_some_and(|e| e.name == "table"))
}

/// The rows of a table (no nested tables) as a grid: a cell spanning columns is followed by
/// empty cells, a cell spanning rows leaves empty cells below it; every row as wide as the
/// widest.
fn expand_table(dom: &Dom, table: NodeId) -> Vec<Vec<String>> {
    let mut grid: Vec<Vec<String>> = Vec::new();
    // Rows still covered by a rowspan above, per column.
    let mut covered: Vec<usize> = Vec::new();
    let rows = dom
        .descendants(table)
        .filter(|&d| dom.element(d).is_some_and(|e| e.name == "tr"));
    for tr in rows {
        let mut row: Vec<String> = Vec::new();
        let take_covered = |row: &mut Vec<String>, covered: &mut Vec<usize>| {
            while let Some(left) = covered.get_mut(row.len()).filter(|n| **n > 0) {
                *left -= 1;
                row.push(String::new());
            }
        };
        for td in dom.children(tr) {
            let Some(element) = dom.element(td) else {
                continue;
            };
            if !matches!(element.name.as_str(), "td" | "th") {
                continue;
            }
            take_covered(&mut row, &mut covered);
            if row.len() >= MAX_COLUMNS {
                break;
            }
            let colspan = span(element.attr("colspan"), MAX_COLSPAN);
            let rowspan = span(element.attr("rowspan"), MAX_ROWSPAN);
            let first = row.len();
            row.push(cell_text(dom, td));
            row.extend(std::iter::repeat_n(String::new(), colspan - 1));
            row.truncate(MAX_COLUMNS);
            if covered.len() < row.len() {
                covered.resize(row.len(), 0);
            }
            for left in covered.iter_mut().take(row.len()).skip(first) {
                *left = rowspan - 1;
            }
        }
        // Columns after the row's last cell that a rowspan above still covers.
        while row.len() < covered.len() {
            if let Some(left) = covered.get_mut(row.len()).filter(|n| **n > 0) {
                *left -= 1;
            }
            row.push(String::new());
        }
        grid.push(row);
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut grid {
        row.resize(width, String::new());
    }
    grid
}

/// A `colspan` / `rowspan` value: 1 when absent, zero or unreadable, at most `max`.
fn span(value: Option<&str>, max: usize) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1)
        .min(max)
}

/// A cell's text: its text nodes in order (so digits split over `<span>`s join up), a space
/// at each line or paragraph break inside it; `&nbsp;` alone is a blank cell.
fn cell_text(dom: &Dom, td: NodeId) -> String {
    let mut text = String::new();
    for edge in dom.traverse(td) {
        match edge {
            Edge::Open(node) => match dom.node(node) {
                Node::Text(t) => text.push_str(t),
                Node::Element(e) if e.name == "br" || is_block(&e.name) => text.push(' '),
                _ => {}
            },
            Edge::Close(node) => {
                if dom.element(node).is_some_and(|e| is_block(&e.name)) {
                    text.push(' ');
                }
            }
        }
    }
    one_line(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(page: &str) -> Extracted {
        read(page, "utf-8")
    }

    #[test]
    fn colspan_and_rowspan_expand_into_covered_cells() {
        let page = "<table><tr><td rowspan=2>甲</td><td colspan=2>乙</td></tr>\
                    <tr><td>1</td><td><span>1</span><b>2</b></td></tr>\
                    <tr><td>丙</td><td>&nbsp;</td><td>3</td></tr></table>";
        assert_eq!(text_of(page).text, "甲\t乙\t\n\t1\t12\n丙\t\t3\n");
    }

    #[test]
    fn trailing_rowspan_is_covered() {
        let page = "<table><tr><td>a</td><td rowspan=3>b</td></tr><tr><td>c</td></tr>\
                    <tr><td>d</td></tr></table>";
        assert_eq!(text_of(page).text, "a\tb\nc\t\nd\t\n");
    }

    #[test]
    fn chrome_and_metadata_are_left_out_but_read() {
        let page = r#"<html><head><title>t</title><script>var x="一、总体情况";</script></head>
            <body><div class="top-nav"><a>首页</a><a>政府信息公开年报</a></div>
            <div class="crumb">当前位置：首页 &gt; 年报</div>
            <table><tr><td>索引号：</td><td>001/2024</td><td>发布机构：</td><td>青禾县农业农村局</td></tr>
            <tr><td>发布日期：</td><td>2024年1月26日</td></tr></table>
            <h1>青禾县农业农村局2023年政府信息公开工作年度报告</h1>
            <p>一、总体情况</p><p>正文<br>第二行</p>
            <div>【打印本页】【关闭窗口】</div><footer>版权所有</footer></body></html>"#;
        let got = text_of(page);
        assert_eq!(
            got.text,
            "青禾县农业农村局2023年政府信息公开工作年度报告\n一、总体情况\n正文\n第二行\n"
        );
        assert_eq!(got.publisher.as_deref(), Some("青禾县农业农村局"));
        assert_eq!(got.published.as_deref(), Some("2024-01-26"));
    }

    #[test]
    fn layout_tables_are_containers() {
        let page = "<table><tr><td><p>标题</p><table><tr><td>a</td><td>1</td></tr></table></td></tr></table>";
        assert_eq!(text_of(page).text, "标题\n\na\t1\n");
    }

    #[test]
    fn charset_from_the_page_or_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=gb2312><p>二、主动公开</p>");
        assert_eq!(
            decode_page(&gbk).unwrap(),
            (
                "<meta charset=gb2312><p>二、主动公开</p>".to_string(),
                "gb18030"
            )
        );
        let (undeclared, _, _) = encoding_rs::GBK.encode("<p>总体情况</p>");
        assert_eq!(decode_page(&undeclared).unwrap().0, "<p>总体情况</p>");
        let saved_as_utf8 = "<meta charset=\"gbk\"><p>总体</p>".as_bytes();
        assert_eq!(decode_page(saved_as_utf8).unwrap().1, "utf-8");
        assert_eq!(decode_page(b"  \n"), Err(DecodeProblem::Empty));
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let page = "<table><tr><td colspan=99999999 rowspan=99999999>x</td><td>y</td></tr><tr><td>z</td></tr></table>";
        let text = text_of(page).text;
        assert!(text.len() < 10_000);
    }

    #[test]
    fn chrome_lines() {
        assert!(is_chrome_line("【打印本页】 【关闭窗口】"));
        assert!(is_chrome_line("字号：大 中 小"));
        assert!(!is_chrome_line("中小企业"));
    }
}
