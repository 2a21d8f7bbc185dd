//! The demo reports as saved government-portal pages: a nav menu and breadcrumb, the portal's
//! 索引号 / 发布机构 / 发布日期 block, the report (headings, paragraphs, tables with real
//! `rowspan` / `colspan`), print links and a footer; UTF-8 or GBK (`<meta charset=gbk>`). Also
//! the table writer tests use for their own pages. Calls only [`super::table`] and the
//! generator's blocks and RNG; writes strings, never reads input.

use super::table::Cell;
use super::{Block, SplitMix64};
use crate::markup::escape;
use std::fmt::Write as _;

/// What the portal prints around a report.
pub(super) struct Portal<'a> {
    /// The site (…人民政府), named in the page title and the footer.
    pub site: String,
    /// 发布机构.
    pub publisher: &'a str,
    /// 索引号.
    pub index_number: String,
    /// 成文日期 as (year, month, day).
    pub written: (i32, u32, u32),
    /// 发布日期 as (year, month, day).
    pub published: (i32, u32, u32),
}

/// Writes a table as a portal's editor does: one `<tr>` per row holding the cells that start in
/// it, with `colspan` / `rowspan`; `cell_html` gives a cell's inner HTML from its text.
pub fn write_table(out: &mut String, rows: &[Vec<Cell>], cell_html: impl Fn(&str) -> String) {
    out.push_str("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" style=\"border-collapse:collapse\"><tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str("<td");
            if cell.colspan > 1 {
                let _ = write!(out, " colspan=\"{}\"", cell.colspan);
            }
            if cell.rowspan > 1 {
                let _ = write!(out, " rowspan=\"{}\"", cell.rowspan);
            }
            out.push('>');
            out.push_str(&cell_html(&cell.text));
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// The report as a portal page; the page's look (charset, menus, metadata block, markup of
/// cells and headings) is drawn from `style`.
pub(super) fn write(blocks: &[Block], portal: &Portal<'_>, style: &mut SplitMix64) -> Vec<u8> {
    let gbk = style.chance(0.5);
    let charset = match (gbk, style.below(2)) {
        (true, 0) => "<meta charset=\"gbk\">",
        (true, _) => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        (false, 0) => "<meta charset=\"utf-8\">",
        (false, _) => "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">",
    };
    // Word-saved pages wrap every cell in a paragraph with a span; editors' pages do not.
    let word_cells = style.chance(0.5);
    // Saved source wraps long lines after a comma; browsers join the Chinese text up again.
    let wrapped = style.chance(0.5);
    let strong_headings = style.chance(0.5);

    let title = blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(lines) => Some(lines.concat()),
            _ => None,
        })
        .unwrap_or_default();
    let site = escape(&portal.site);
    let mut page = String::with_capacity(40_000);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n{charset}\n<title>{}_{site}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"stylesheet\" href=\"/css/xxgk.css\">\n\
         <script type=\"text/javascript\">var columnName = \"政府信息公开年报\";</script>\n</head>\n<body>\n",
        escape(&title)
    );
    if style.chance(0.5) {
        let _ = writeln!(
            page,
            "<header class=\"site-head\"><div class=\"logo\">{site}</div><nav><ul>\
             <li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li>\
             <li><a href=\"/bsfw/\">办事服务</a></li><li><a href=\"/hdjl/\">互动交流</a></li></ul></nav></header>"
        );
    } else {
        page.push_str(
            "<div class=\"nav\"><ul><li><a href=\"/\">首页</a></li><li><a href=\"/zwgk/\">政务公开</a></li>\
             <li><a href=\"/zwgk/xxgk/\">政府信息公开</a></li><li><a href=\"/zwgk/xxgknb/\">政府信息公开年报</a></li></ul></div>\n",
        );
    }
    page.push_str(
        "<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政府信息公开</a> &gt; 政府信息公开年报</div>\n<div class=\"article\">\n",
    );
    write_portal_block(&mut page, portal, style);
    page.push_str("<div class=\"TRS_Editor\">\n");
    for block in blocks {
        match block {
            Block::Title(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| escape(l)).collect();
                let _ = writeln!(page, "<h1 class=\"title\">{}</h1>", lines.join("<br>"));
            }
            Block::Heading {
                level,
                number,
                words,
            } => {
                let text = escape(&format!("{number}{words}"));
                let indent = if *level == 0 {
                    ""
                } else {
                    " style=\"text-indent:2em\""
                };
                if strong_headings {
                    let _ = writeln!(page, "<p{indent}><strong>{text}</strong></p>");
                } else {
                    let tag = if *level == 0 { "h3" } else { "h4" };
                    let _ = writeln!(page, "<{tag}>{text}</{tag}>");
                }
            }
            Block::Paragraph(text) => {
                let text = escape(text);
                let text = if wrapped { wrap(&text) } else { text };
                let _ = writeln!(
                    page,
                    "<p style=\"text-indent:2em\"><span style=\"font-family:仿宋_GB2312\">{text}</span></p>"
                );
            }
            Block::Signature(text) => {
                let _ = writeln!(page, "<p style=\"text-align:right\">{}</p>", escape(text));
            }
            Block::Table(rows) => {
                page.push_str("<div class=\"table-wrap\">\n");
                write_table(&mut page, rows, |text| {
                    if text.is_empty() {
                        "&nbsp;".to_string()
                    } else if word_cells {
                        format!(
                            "<p class=\"MsoNormal\" align=\"center\"><span style=\"font-size:10.5pt\">{}</span></p>",
                            escape(text)
                        )
                    } else {
                        escape(text)
                    }
                });
                page.push_str("</div>\n");
            }
        }
    }
    page.push_str("</div>\n");
    if style.chance(0.7) {
        page.push_str("<div class=\"tools\">【<a href=\"javascript:window.print()\">打印本页</a>】【<a href=\"javascript:window.close()\">关闭窗口</a>】</div>\n");
    }
    let _ = write!(
        page,
        "</div>\n<div id=\"footer\"><p>主办：{site}办公室</p><p>网站标识码：{} 备案号：示例ICP备00000000号</p></div>\n</body>\n</html>\n",
        portal.index_number.split('/').next().unwrap_or("")
    );
    if gbk {
        // Characters outside GBK become numeric references, as a browser's form encoder writes.
        encoding_rs::GBK.encode(&page).0.into_owned()
    } else {
        page.into_bytes()
    }
}

/// The portal's metadata block: a table of label / value pairs or a line of spans.
fn write_portal_block(page: &mut String, portal: &Portal<'_>, style: &mut SplitMix64) {
    let chinese = style.chance(0.5);
    let date = |(y, m, d): (i32, u32, u32)| {
        if chinese {
            format!("{y}年{m:02}月{d:02}日")
        } else {
            format!("{y}-{m:02}-{d:02}")
        }
    };
    let publisher = escape(portal.publisher);
    let index = escape(&portal.index_number);
    if style.chance(0.6) {
        let _ = write!(
            page,
            "<table class=\"xxgk_head\">\n\
             <tr><td>索引号：</td><td>{index}</td><td>主题分类：</td><td>政务公开</td></tr>\n\
             <tr><td>发布机构：</td><td>{publisher}</td><td>成文日期：</td><td>{}</td></tr>\n\
             <tr><td>发布日期：</td><td>{}</td><td>有效性：</td><td>有效</td></tr>\n</table>\n",
            date(portal.written),
            date(portal.published)
        );
    } else {
        let _ = writeln!(
            page,
            "<div class=\"info\"><span>发布机构：{publisher}</span> <span>发布日期：{}</span> <span>索引号：{index}</span></div>",
            date(portal.published)
        );
    }
}

/// Breaks the source line after the first comma that sits between two Chinese characters.
fn wrap(text: &str) -> String {
    let wide = |c: char| c as u32 >= 0x2E80;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '，' && chars.peek().is_some_and(|&(_, next)| wide(next)) && i > 0 {
            let at = i + c.len_utf8();
            return format!("{}\n      {}", &text[..at], &text[at..]);
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_carry_their_spans() {
        let mut out = String::new();
        write_table(
            &mut out,
            &[vec![Cell::span("甲", 2, 3), Cell::new("a&b")]],
            escape,
        );
        assert!(out.contains("<td colspan=\"2\" rowspan=\"3\">甲</td><td>a&amp;b</td>"));
    }

    #[test]
    fn wraps_only_between_chinese() {
        assert_eq!(wrap("申请，共5件，已办结"), "申请，\n      共5件，已办结");
        assert_eq!(wrap("共，5件"), "共，5件");
    }
}
