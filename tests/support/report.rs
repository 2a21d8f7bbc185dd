//! One synthetic annual report of our own (an invented agency and invented numbers), written
//! out as a text export, an HTML portal page (GBK, rowspan/colspan, site chrome, a 发布机构 /
//! 发布日期 block), a Word .docx (gridSpan, vMerge, list-numbered headings) and a PDF
//! (Type0 / Identity-H with a ToUnicode map, wrapped paragraphs, `- N -` page footers). Its
//! text can also be issued by another agency in a real place (same-named agencies' tests).

//! The merged-cell table model, the HTML table writer and the .docx table writer and packager
//! are the demo generator's (`nianbao::demo`); the quirks of this one report are added here.

use super::pdf_writer::{self, advance, Page, Run};
use nianbao::demo::table::{self, Cell};
use nianbao::demo::{docx as word, html as page};
use nianbao::markup::escape;

pub enum Block {
    Paragraph(String),
    Table(Vec<Vec<Cell>>),
}

fn c(text: &str) -> Cell {
    Cell::new(text)
}

fn span(text: &str, colspan: usize, rowspan: usize) -> Cell {
    Cell::span(text, colspan, rowspan)
}

fn p(text: &str) -> Block {
    Block::Paragraph(text.into())
}

fn numbers(values: &[i64]) -> Vec<Cell> {
    values.iter().map(|v| c(&v.to_string())).collect()
}

pub const PUBLISHER: &str = "白鹭县文化和旅游局";
pub const PUBLISHED: &str = "2024-01-29";

/// Where the invented agency sits, as its preface names it.
const PLACE: &str = "白鹭县";

/// The report.
pub fn blocks() -> Vec<Block> {
    blocks_of(PUBLISHER, PLACE)
}

/// The same report issued by `agency`, whose preface names its `place` (北京市朝阳区): what
/// the gazetteer reads to tell same-named agencies apart.
fn blocks_of(agency: &str, place: &str) -> Vec<Block> {
    let mut out = vec![
        p(agency),
        p("2023年政府信息公开工作年度报告"),
        p(&format!("本报告根据《中华人民共和国政府信息公开条例》的要求编制，统计期限为2023年1月1日至2023年12月31日。报告的电子版可在{place}人民政府门户网站下载，如对本报告有疑问，请联系本局办公室。")),
        p("一、总体情况"),
        p(&format!("2023年，{agency}把政务公开作为转变作风、服务群众的一项经常性工作来抓，围绕文旅市场监管、公共文化服务、旅游安全等重点领域，持续推动公开内容向基层延伸，群众查阅文件、了解政策的渠道更加畅通。")),
        p("（一）主动公开"),
        p("全年主动公开政府信息132条，其中政策解读6篇，惠民惠企政策汇编1册。"),
        p("（二）依申请公开"),
        p("本年新收政府信息公开申请8件，上年结转1件，全部在法定期限内答复。"),
        p("（三）政府信息管理"),
        p("完善发文前的保密审查和公开属性认定，清理了一批过时的规范性文件。"),
        p("（四）平台建设"),
        p("门户网站文旅专栏全年更新信息二百余条。"),
        p("二、主动公开政府信息情况"),
    ];
    out.push(Block::Table(vec![
        vec![span("第二十条第（一）项", 4, 1)],
        vec![
            c("信息内容"),
            c("本年制发件数"),
            c("本年废止件数"),
            c("现行有效件数"),
        ],
        vec![c("规章"), c("/"), c("/"), c("/")],
        vec![c("行政规范性文件"), c("3"), c("1"), c("12（其中修订2件）")],
        vec![span("第二十条第（五）项", 4, 1)],
        vec![c("信息内容"), span("本年处理决定数量", 3, 1)],
        vec![c("行政许可"), span("27", 3, 1)],
        vec![span("第二十条第（六）项", 4, 1)],
        vec![c("信息内容"), span("本年处理决定数量", 3, 1)],
        vec![c("行政处罚"), span("", 3, 1)],
        vec![c("行政强制"), span("0", 3, 1)],
        vec![span("第二十条第（八）项", 4, 1)],
        vec![c("信息内容"), span("本年收费金额（单位：万元）", 3, 1)],
        vec![c("行政事业性收费"), span("2.35", 3, 1)],
    ]));
    out.push(p("三、收到和处理政府信息公开申请情况"));
    let zeros = [0; 7];
    let mut requests = vec![
        vec![
            span(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                3,
            ),
            span("申请人情况", 7, 1),
        ],
        vec![
            span("自然人", 1, 2),
            span("法人或其他组织", 5, 1),
            span("总计", 1, 2),
        ],
        vec![
            c("商业企业"),
            c("科研机构"),
            c("社会公益组织"),
            c("法律服务机构"),
            c("其他"),
        ],
    ];
    let mut row = |label: Vec<Cell>, values: [i64; 7]| {
        let mut r = label;
        r.extend(numbers(&values));
        requests.push(r);
    };
    row(
        vec![span("一、本年新收政府信息公开申请数量", 3, 1)],
        [6, 2, 0, 0, 0, 0, 8],
    );
    row(
        vec![span("二、上年结转政府信息公开申请数量", 3, 1)],
        [1, 0, 0, 0, 0, 0, 1],
    );
    row(
        vec![
            span("三、本年度办理结果", 1, 22),
            span("（一）予以公开", 2, 1),
        ],
        [3, 1, 0, 0, 0, 0, 4],
    );
    row(
        vec![span(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            2,
            1,
        )],
        [1, 0, 0, 0, 0, 0, 1],
    );
    let denied = [
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ];
    for (i, label) in denied.iter().enumerate() {
        let mut cells = if i == 0 {
            vec![span("（三）不予公开", 1, 8)]
        } else {
            vec![]
        };
        cells.push(c(label));
        row(cells, zeros);
    }
    let unavailable = [
        ("1.本机关不掌握相关政府信息", [1, 1, 0, 0, 0, 0, 2]),
        ("2.没有现成信息需要另行制作", zeros),
        ("3.补正后申请内容仍不明确", zeros),
    ];
    for (i, (label, values)) in unavailable.iter().enumerate() {
        let mut cells = if i == 0 {
            vec![span("（四）无法提供", 1, 3)]
        } else {
            vec![]
        };
        cells.push(c(label));
        row(cells, *values);
    }
    let not_processed = [
        "1.信访举报投诉类申请",
        "2.重复申请",
        "3.要求提供公开出版物",
        "4.无正当理由大量反复申请",
        "5.要求行政机关确认或重新出具已获取信息",
    ];
    for (i, label) in not_processed.iter().enumerate() {
        let mut cells = if i == 0 {
            vec![span("（五）不予处理", 1, 5)]
        } else {
            vec![]
        };
        cells.push(c(label));
        row(cells, zeros);
    }
    let other = [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ];
    for (i, label) in other.iter().enumerate() {
        let mut cells = if i == 0 {
            vec![span("（六）其他处理", 1, 3)]
        } else {
            vec![]
        };
        cells.push(c(label));
        row(cells, zeros);
    }
    row(vec![span("（七）总计", 2, 1)], [5, 2, 0, 0, 0, 0, 7]);
    row(
        vec![span("四、结转下年度继续办理", 3, 1)],
        [2, 0, 0, 0, 0, 0, 2],
    );
    out.push(Block::Table(requests));
    out.push(p("四、政府信息公开行政复议、行政诉讼情况"));
    let heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut second: Vec<Cell> = heads.iter().map(|h| span(h, 1, 2)).collect();
    second.push(span("未经复议直接起诉", 5, 1));
    second.push(span("复议后起诉", 5, 1));
    out.push(Block::Table(vec![
        vec![span("行政复议", 5, 1), span("行政诉讼", 10, 1)],
        second,
        heads.iter().chain(heads.iter()).map(|h| c(h)).collect(),
        numbers(&[1, 0, 0, 1, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
    ]));
    out.extend([
        p("五、存在的主要问题及改进情况"),
        p("一是政策解读的形式还比较单一，图解和视频解读偏少；二是基层文化站点的公开意识有待加强。下一步，我局将丰富解读形式，加强对基层工作人员的业务培训，推动政务公开工作再上新台阶。"),
        p("六、其他需要报告的事项"),
        p("本年度未收取信息处理费。全年办理人大代表建议5件、政协委员提案3件，办复率100%。本年度行政复议2件，行政诉讼1件。"),
    ]);
    out
}

/// The report as Word's text export writes it: a paragraph per line, a table's rows as tab
/// separated cells with merged cells expanded, a blank line around each table.
pub fn text() -> String {
    text_of(PUBLISHER, PLACE)
}

/// [`text`] of the report issued by `agency` in `place` (see [`blocks_of`]).
pub fn text_of(agency: &str, place: &str) -> String {
    let mut out = String::new();
    let mut after_table = false;
    for block in blocks_of(agency, place) {
        match block {
            Block::Paragraph(t) => {
                if after_table {
                    out.push('\n');
                }
                out.push_str(&t);
                out.push('\n');
                after_table = false;
            }
            Block::Table(rows) => {
                out.push('\n');
                for row in table::text_grid(&rows) {
                    out.push_str(&row.join("\t"));
                    out.push('\n');
                }
                after_table = true;
            }
        }
    }
    out
}

/// The report as a saved portal page, encoded in GBK.
pub fn html() -> Vec<u8> {
    let mut body = String::new();
    for block in blocks() {
        match block {
            Block::Paragraph(t) if t.ends_with("年度报告") => {
                body.push_str(&format!("<h1 class=\"title\">{}</h1>\n", escape(&t)))
            }
            Block::Paragraph(t) => {
                // Wrapped source lines between Chinese characters join up again.
                let t = escape(&t).replacen("，", "，\n      ", 1);
                body.push_str(&format!(
                    "<p style=\"text-indent:2em\"><span>{t}</span></p>\n"
                ));
            }
            Block::Table(rows) => page::write_table(&mut body, &rows, |text| match text {
                "" => "&nbsp;".to_string(),
                // Digits split over nested tags, as editors leave them.
                "27" => "<span>2</span><span><b>7</b></span>".to_string(),
                t => format!(
                    "<p class=\"MsoNormal\"><span lang=\"EN-US\">{}</span></p>",
                    escape(t)
                ),
            }),
        }
    }
    let page = format!(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>白鹭县文化和旅游局2023年政府信息公开工作年度报告_白鹭县人民政府</title>
<script type="text/javascript">var menu = "一、总体情况";</script>
<style>.nav {{ color: red }}</style>
</head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/gk">政府信息公开</a></li><li><a href="/nb">政府信息公开年报</a></li></ul></div>
<div class="crumb">当前位置：首页 &gt; 政府信息公开 &gt; 年度报告</div>
<div class="article">
<table class="xxgk_head">
<tr><td>索引号：</td><td>11350000-2024-00031</td><td>主题分类：</td><td>政务公开</td></tr>
<tr><td>发布机构：</td><td>{PUBLISHER}</td><td>成文日期：</td><td>2024-01-22</td></tr>
<tr><td>发布日期：</td><td>2024年01月29日</td><td>有效性：</td><td>有效</td></tr>
</table>
{body}
<div class="tools">【打印本页】【关闭窗口】</div>
</div>
<div id="footer">主办：白鹭县人民政府办公室 网站标识码：3500000001</div>
</body></html>
"#
    );
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&page);
    assert!(!had_errors, "the page is all GBK");
    bytes.into_owned()
}

/// The report as a Word .docx: headings 一、 … 六、 and （一） … （四） as list numbering,
/// tables with gridSpan and vMerge.
pub fn docx() -> Vec<u8> {
    let mut body = String::new();
    for block in blocks() {
        match block {
            Block::Paragraph(t) => body.push_str(&docx_paragraph(&t)),
            Block::Table(rows) => word::write_table(&mut body, &rows, |text| {
                // A number split over two runs, as Word does after an edit.
                if text == "27" {
                    "<w:r><w:t>2</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>7</w:t></w:r>"
                        .to_string()
                } else {
                    word::run(text)
                }
            }),
        }
    }
    word::package(&body, Some(&word::heading_numbering()), (2024, 1, 29))
}

/// A paragraph; section and sub-section headings carry list numbering instead of typed numbers.
fn docx_paragraph(text: &str) -> String {
    let levels = [("一二三四五六", '、')];
    let mut first = text.chars();
    let (Some(a), Some(b)) = (first.next(), first.next()) else {
        return String::new();
    };
    let numbered = |level: u8, rest: &str| word::numbered_paragraph(level, &word::run(rest));
    if levels[0].0.contains(a) && b == levels[0].1 && text.chars().count() < 30 {
        return numbered(0, &text[a.len_utf8() + b.len_utf8()..]);
    }
    if a == '（' && text.chars().count() < 12 {
        if let Some(close) = text.find('）') {
            return numbered(1, &text[close + '）'.len_utf8()..]);
        }
    }
    // Long paragraphs as several runs, one of them bold, as typed text usually is.
    let split = text.char_indices().nth(10).map_or(text.len(), |(i, _)| i);
    format!(
        "<w:p><w:r><w:t>{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(&text[..split]),
        escape(&text[split..])
    )
}

/// The report as a PDF: A4 pages of 10.5 pt text with 2 em first-line indents, paragraphs
/// wrapped at the margin, tables drawn one row per line in columns as wide as their text, a
/// `- N -` footer on every page.
pub fn pdf() -> Vec<u8> {
    const WIDTH: f64 = 595.0;
    const HEIGHT: f64 = 842.0;
    const LEFT: f64 = 72.0;
    const RIGHT: f64 = 523.0;
    const TOP: f64 = 770.0;
    const BOTTOM: f64 = 80.0;
    const BODY: f64 = 10.5;
    const SMALL: f64 = 6.0;
    let mut pages: Vec<Page> = Vec::new();
    let mut runs: Vec<Run> = Vec::new();
    let mut y = TOP;
    let new_page = |runs: &mut Vec<Run>, y: &mut f64, pages: &mut Vec<Page>, width: f64| {
        let n = pages.len() + 1;
        let footer = format!("- {n} -");
        runs.push(Run {
            x: WIDTH / 2.0 - 10.0,
            y: 40.0,
            size: 9.0,
            text: footer,
        });
        pages.push(Page {
            width,
            height: HEIGHT,
            runs: std::mem::take(runs),
        });
        *y = TOP;
    };
    for block in blocks() {
        match block {
            Block::Paragraph(t) => {
                let heading = t.chars().count() < 30 && !t.contains('。');
                let mut x = if heading { LEFT } else { LEFT + 2.0 * BODY };
                let mut line = String::new();
                let mut line_x = x;
                for ch in t.chars() {
                    let w = advance(ch) * BODY;
                    if x + w > RIGHT {
                        runs.push(Run {
                            x: line_x,
                            y,
                            size: BODY,
                            text: std::mem::take(&mut line),
                        });
                        y -= BODY * 1.6;
                        if y < BOTTOM {
                            new_page(&mut runs, &mut y, &mut pages, WIDTH);
                        }
                        x = LEFT;
                        line_x = LEFT;
                    }
                    line.push(ch);
                    x += w;
                }
                runs.push(Run {
                    x: line_x,
                    y,
                    size: BODY,
                    text: line,
                });
                y -= BODY * 1.6;
                if y < BOTTOM {
                    new_page(&mut runs, &mut y, &mut pages, WIDTH);
                }
            }
            Block::Table(rows) => {
                let grid = table::text_grid(&rows);
                let columns = grid.first().map_or(0, Vec::len);
                let mut widths = vec![2.0 * SMALL; columns];
                for row in &grid {
                    for (i, text) in row.iter().enumerate() {
                        let w: f64 = text.chars().map(|c| advance(c) * SMALL).sum();
                        widths[i] = widths[i].max(w + 2.0 * SMALL);
                    }
                }
                for row in &grid {
                    let mut x = LEFT;
                    for (i, text) in row.iter().enumerate() {
                        if !text.is_empty() {
                            runs.push(Run {
                                x,
                                y,
                                size: SMALL,
                                text: text.clone(),
                            });
                        }
                        x += widths[i];
                    }
                    y -= SMALL * 1.8;
                    if y < BOTTOM {
                        new_page(&mut runs, &mut y, &mut pages, WIDTH);
                    }
                }
                y -= BODY;
            }
        }
    }
    new_page(&mut runs, &mut y, &mut pages, WIDTH);
    pdf_writer::write(&pages)
}

/// The scanned edition: pages of images, no text.
pub fn scanned_pdf() -> Vec<u8> {
    pdf_writer::write_scan()
}
