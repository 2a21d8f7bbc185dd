//! The report page `/reports/{id}` (twin `.json`: the record's keys at top level, plus
//! `versions` and `is_current`), its one-row CSV `/reports/{id}.csv` and its source
//! `/reports/{id}/raw`. The three tables are laid out like the official template (2021 and
//! 2019), every value linked to its source line, failing checks marked on their cells.

use crate::archive::{csv_row, ReportData};
use crate::record::{self, Check, Record, Template};
use crate::store::VersionEntry;
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{attachment, json_response, Format};
use crate::web::highlight::{highlight, query_words, Segment};
use crate::web::params::{encode, Pairs};
use crate::web::views::{
    agency_url, kind_zh, level_zh, render_page, report_url, template_zh, Layout,
};
use crate::web::{blocking, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use std::collections::BTreeMap;

/// What `/reports/{id}.json` answers: the record's keys at top level, and beside them.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    /// The record, flattened to the top level.
    #[serde(flatten)]
    pub record: &'a Record,
    /// Every version of this agency's report for the year, oldest first.
    pub versions: &'a [VersionEntry],
    /// Whether this is the current version.
    pub is_current: bool,
}

/// One cell of a table.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Shown text.
    pub text: String,
    /// A note inside the cell (其中…).
    pub note: String,
    /// A header cell (`th`).
    pub header: bool,
    /// `scope` of a header: col, row, colgroup, rowgroup ("" for none).
    pub scope: &'static str,
    /// Columns spanned.
    pub colspan: usize,
    /// Rows spanned.
    pub rowspan: usize,
    /// Link to the source line (`#L12`).
    pub href: String,
    /// CSS classes.
    pub class: String,
    /// Tooltip: the failed checks of this cell.
    pub title: String,
    /// The schema key of a value cell.
    pub key: String,
}

/// One statistics table.
#[derive(Debug, Clone)]
pub struct TableView {
    /// Caption.
    pub caption: String,
    /// Header rows.
    pub head: Vec<Vec<Cell>>,
    /// Body rows.
    pub body: Vec<Vec<Cell>>,
}

/// A narrative section, highlighted.
#[derive(Debug, Clone)]
pub struct SectionView {
    /// 一 … 六.
    pub number: String,
    /// Heading.
    pub heading: String,
    /// Paragraphs, each a list of segments.
    pub paragraphs: Vec<Vec<Segment>>,
}

/// A failed check as shown.
#[derive(Debug, Clone)]
pub struct CheckView {
    /// Rule id.
    pub id: String,
    /// Message.
    pub message: String,
    /// Left side's value.
    pub left: i64,
    /// Right side's value.
    pub right: i64,
    /// Left keys.
    pub left_keys: String,
    /// Right keys.
    pub right_keys: String,
}

/// One version link.
#[derive(Debug, Clone)]
pub struct VersionView {
    /// Number (1 = oldest).
    pub number: usize,
    /// Report URL.
    pub url: String,
    /// File name.
    pub file: String,
    /// This page's version.
    pub this: bool,
    /// The current version.
    pub current: bool,
}

/// The report page.
#[derive(askama::Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    /// Base layout.
    pub layout: Layout,
    /// Record id.
    pub id: String,
    /// Agency.
    pub agency: String,
    /// Agency page, with `?region=CODE` when the place is known.
    pub agency_url: String,
    /// Year in words.
    pub year: String,
    /// Title.
    pub title: String,
    /// Metadata rows (label, value).
    pub meta: Vec<(String, String)>,
    /// Tables.
    pub tables: Vec<TableView>,
    /// Failed checks.
    pub failed: Vec<CheckView>,
    /// Number of checks run.
    pub checks_run: usize,
    /// Narrative.
    pub sections: Vec<SectionView>,
    /// Parser warnings.
    pub warnings: Vec<String>,
    /// Source lines.
    pub raw_lines: Vec<String>,
    /// Versions.
    pub versions: Vec<VersionView>,
    /// Not the current version.
    pub superseded: bool,
    /// The current version's URL when this one is superseded.
    pub current_url: String,
    /// The query words highlighted (empty when none).
    pub q: String,
    /// Back to the search.
    pub search_url: String,
}

/// Loads a report or answers 404.
async fn load(state: &web::Data<WebState>, id: String) -> Result<ReportData, WebError> {
    let what = format!("report {id}");
    blocking(state, move |a| a.report(&id))
        .await?
        .ok_or_else(|| WebError::not_found(what))
}

/// `GET /reports/{id}`, `/reports/{id}.json`.
pub async fn report(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        let mut pairs = Pairs::parse(req.query_string())?;
        let q = pairs.take("q")?.unwrap_or_default();
        pairs.finish(&["q"])?;
        let data = load(&state, path.into_inner()).await?;
        if format == Format::Json {
            return Ok(json_response(&ReportJson {
                record: &data.record,
                versions: &data.versions,
                is_current: data.is_current,
            }));
        }
        render_page(&report_page(data, &q))
    };
    run.await.map_err(|e| e.respond_as(format))
}

/// `GET /reports/{id}.csv`: the record as one CSV row (BOM, header row; `headers=zh`).
pub async fn report_csv(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> Result<HttpResponse, FormattedError> {
    let run = async {
        let mut pairs = Pairs::parse(req.query_string())?;
        let zh = pairs.take_parsed("headers", |v| match v {
            "keys" => Ok(false),
            "zh" => Ok(true),
            _ => Err(format!("expected keys or zh, got \"{v}\"")),
        })?;
        pairs.finish(&["headers"])?;
        let data = load(&state, path.into_inner()).await?;
        let mut out: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
        {
            let mut csv = csv::Writer::from_writer(&mut out);
            let names = record::columns().iter().map(|c| {
                if zh == Some(true) {
                    c.label_zh.as_str()
                } else {
                    c.key.as_str()
                }
            });
            let written = csv
                .write_record(names)
                .and_then(|_| csv.write_record(csv_row(&data.record)))
                .and_then(|_| csv.flush().map_err(csv::Error::from));
            written.map_err(|e| WebError::Internal {
                detail: format!("csv: {e}"),
            })?;
        }
        Ok(HttpResponse::Ok()
            .content_type(Format::Csv.content_type())
            .insert_header(attachment(&format!("{}.csv", data.record.id)))
            .body(out))
    };
    run.await.map_err(|e: WebError| e.respond_as(Format::Csv))
}

/// `GET /reports/{id}/raw`: the source bytes as imported, as text in their encoding.
pub async fn report_raw(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> Result<HttpResponse, FormattedError> {
    let run = async {
        Pairs::parse(req.query_string())?.finish(&[])?;
        let data = load(&state, path.into_inner()).await?;
        let id = data.record.id.clone();
        let raw = blocking(&state, move |a| a.raw(&id))
            .await?
            .ok_or_else(|| WebError::not_found(format!("source of {}", data.record.id)))?;
        let charset = if data.record.source.encoding == "gb18030" {
            "gb18030"
        } else {
            "utf-8"
        };
        Ok(HttpResponse::Ok()
            .content_type(format!("text/plain; charset={charset}"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(raw))
    };
    run.await.map_err(|e: WebError| e.respond_as(Format::Html))
}

fn report_page(data: ReportData, q: &str) -> ReportPage {
    let r = &data.record;
    let agency = r.agency.clone().unwrap_or_else(|| "（机关未识别）".into());
    let year = r.year.map_or("年度未识别".into(), |y| format!("{y}年度"));
    let region: Vec<&str> = [&r.region.province, &r.region.city, &r.region.county]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    let mut meta = vec![
        ("机关".to_string(), agency.clone()),
        ("年度".into(), year.clone()),
        (
            "地区".into(),
            if region.is_empty() {
                "未识别".into()
            } else {
                region.join(" ")
            },
        ),
        ("层级".into(), level_zh(r.level).into()),
        ("类型".into(), r.kind.map_or("未识别", kind_zh).into()),
        ("模板".into(), template_zh(r.template).into()),
    ];
    if let Some(p) = &r.published {
        meta.push(("发布日期".into(), p.clone()));
    }
    meta.push((
        "来源文件".into(),
        format!(
            "{}（{} 字节，{}）",
            r.source.file, r.source.bytes, r.source.encoding
        ),
    ));
    meta.push(("编号".into(), r.id.clone()));

    let bad = bad_keys(&r.checks);
    let mut tables = Vec::new();
    if r.template != Template::Pre2019 {
        tables.push(proactive_table(r, &bad));
        tables.push(requests_table(r, &bad));
        tables.push(review_table(r, &bad));
    }
    let failed = r
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| CheckView {
            id: c.id.clone(),
            message: c.message.clone(),
            left: c.left,
            right: c.right,
            left_keys: c.left_keys.join(" + "),
            right_keys: c.right_keys.join(" + "),
        })
        .collect();
    let words = query_words(q);
    let sections = r
        .sections
        .iter()
        .map(|s| SectionView {
            number: s.number.clone(),
            heading: s.heading.clone(),
            paragraphs: s
                .text
                .split('\n')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| highlight(p, &words))
                .collect(),
        })
        .collect();
    let current_id = data.versions.last().map(|v| v.id.clone());
    let versions = data
        .versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionView {
            number: i + 1,
            url: report_url(&v.id),
            file: v.file.clone(),
            this: v.id == r.id,
            current: Some(&v.id) == current_id.as_ref(),
        })
        .collect();
    let title = format!("{agency} {year}");
    ReportPage {
        layout: Layout {
            title: title.clone(),
            json_url: Some(format!("{}.json", report_url(&r.id))),
            demo: r.demo,
            nav: "",
        },
        id: r.id.clone(),
        agency_url: agency_url(&agency, r.region.code.as_deref()),
        agency,
        year,
        title: r.title.clone().unwrap_or(title),
        meta,
        tables,
        failed,
        checks_run: r.checks.len(),
        sections,
        warnings: r.warnings.clone(),
        raw_lines: data.raw_text.lines().map(str::to_string).collect(),
        versions,
        superseded: !data.is_current,
        current_url: current_id.map(|id| report_url(&id)).unwrap_or_default(),
        search_url: if q.is_empty() {
            String::new()
        } else {
            format!("/search?q={}", encode(q))
        },
        q: q.to_string(),
    }
}

/// Schema key → messages of the failed checks that involve it.
fn bad_keys(checks: &[Check]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in checks.iter().filter(|c| !c.passed) {
        for key in c.left_keys.iter().chain(&c.right_keys) {
            out.entry(key.clone()).or_default().push(format!(
                "未通过校验 {}：{}（{} ≠ {}）",
                c.id, c.message, c.left, c.right
            ));
        }
    }
    out
}

fn th(text: &str, scope: &'static str, colspan: usize, rowspan: usize) -> Cell {
    Cell {
        text: text.to_string(),
        header: true,
        scope,
        colspan,
        rowspan,
        ..Cell::default()
    }
}

/// A value cell of `key`: the number (or the printed text of a blank, `/` …), its note, the
/// link to its source line, and the failed checks it takes part in.
fn value(r: &Record, key: &str, bad: &BTreeMap<String, Vec<String>>, colspan: usize) -> Cell {
    let source = r.cells.get(key);
    let number = r.get(key).map(|v| match v {
        serde_json::Value::String(s) => s,
        v => v.to_string(),
    });
    let mut class = Vec::new();
    let text = match (&number, source) {
        (Some(n), _) => n.clone(),
        (None, Some(s)) => {
            class.push("absent");
            s.text.clone()
        }
        (None, None) => {
            class.push("absent");
            String::new()
        }
    };
    let messages = bad.get(key);
    if messages.is_some() {
        class.push("bad");
    }
    Cell {
        text,
        note: source.and_then(|s| s.note.clone()).unwrap_or_default(),
        colspan,
        rowspan: 1,
        href: source
            .filter(|s| s.line > 0)
            .map(|s| format!("#L{}", s.line))
            .unwrap_or_default(),
        class: class.join(" "),
        title: messages.map(|m| m.join("\n")).unwrap_or_default(),
        key: key.to_string(),
        ..Cell::default()
    }
}

/// A section of the 2019 table 二: heading, column labels, (row key, row label).
type ProactiveSection = (
    &'static str,
    Vec<&'static str>,
    Vec<(&'static str, &'static str)>,
);
/// A group of table 三 rows: label, key prefix, (row key, row label).
type RowGroup = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

fn proactive_table(r: &Record, bad: &BTreeMap<String, Vec<String>>) -> TableView {
    let v = |key: &str, colspan| value(r, &format!("proactive.{key}"), bad, colspan);
    let mut head = Vec::new();
    let mut body = Vec::new();
    if r.template == Template::T2019 {
        head.push(vec![th("第二十条第（一）项", "colgroup", 4, 1)]);
        let sections: [ProactiveSection; 5] = [
            (
                "",
                vec![
                    "信息内容",
                    "本年新制作数量",
                    "本年新公开数量",
                    "对外公开总数量",
                ],
                vec![
                    ("regulations", "规章"),
                    ("normative_documents", "规范性文件"),
                ],
            ),
            (
                "第二十条第（五）项",
                vec!["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
                vec![
                    ("licensing", "行政许可"),
                    ("other_services", "其他对外管理服务事项"),
                ],
            ),
            (
                "第二十条第（六）项",
                vec!["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
                vec![("penalties", "行政处罚"), ("coercion", "行政强制")],
            ),
            (
                "第二十条第（八）项",
                vec!["信息内容", "上一年项目数量", "本年增/减"],
                vec![("fees", "行政事业性收费")],
            ),
            (
                "第二十条第（九）项",
                vec!["信息内容", "采购项目数量", "采购总金额"],
                vec![("procurement", "政府集中采购")],
            ),
        ];
        for (n, (heading, labels, rows)) in sections.iter().enumerate() {
            let target = if n == 0 { &mut head } else { &mut body };
            if !heading.is_empty() {
                target.push(vec![th(heading, "colgroup", 4, 1)]);
            }
            let mut header_row: Vec<Cell> = labels.iter().map(|l| th(l, "col", 1, 1)).collect();
            if let Some(last) = header_row.last_mut() {
                // Four columns in all: the last label spans what the section lacks.
                last.colspan = 5usize.saturating_sub(labels.len()).max(1);
            }
            target.push(header_row);
            let columns: &[&str] = match n {
                0 => &["made", "published", "total_published"],
                1 | 2 => &["prior_items", "change", "decisions"],
                3 => &["prior_items", "change"],
                _ => &["items", "amount"],
            };
            for (key, label) in rows {
                let mut row = vec![th(label, "row", 1, 1)];
                for (i, col) in columns.iter().enumerate() {
                    let span = if i + 1 == columns.len() {
                        4usize.saturating_sub(columns.len()).max(1)
                    } else {
                        1
                    };
                    row.push(v(&format!("{key}.{col}"), span));
                }
                body.push(row);
            }
        }
    } else {
        head.push(vec![
            th("信息内容", "col", 1, 1),
            th("本年制发件数", "col", 1, 1),
            th("本年废止件数", "col", 1, 1),
            th("现行有效件数", "col", 1, 1),
        ]);
        for (key, label) in [
            ("regulations", "规章"),
            ("normative_documents", "行政规范性文件"),
        ] {
            body.push(vec![
                th(label, "row", 1, 1),
                v(&format!("{key}.issued"), 1),
                v(&format!("{key}.repealed"), 1),
                v(&format!("{key}.in_force"), 1),
            ]);
        }
        body.push(vec![
            th("信息内容", "col", 1, 1),
            th("本年处理决定数量", "col", 3, 1),
        ]);
        for (key, label) in [
            ("licensing", "行政许可"),
            ("penalties", "行政处罚"),
            ("coercion", "行政强制"),
        ] {
            body.push(vec![
                th(label, "row", 1, 1),
                v(&format!("{key}.decisions"), 3),
            ]);
        }
        body.push(vec![
            th("信息内容", "col", 1, 1),
            th("本年收费金额（单位：万元）", "col", 3, 1),
        ]);
        body.push(vec![th("行政事业性收费", "row", 1, 1), v("fees.amount", 3)]);
    }
    TableView {
        caption: "二、主动公开政府信息情况".into(),
        head,
        body,
    }
}

fn requests_table(r: &Record, bad: &BTreeMap<String, Vec<String>>) -> TableView {
    let values = |row: &str| -> Vec<Cell> {
        record::APPLICANT_COLUMNS
            .iter()
            .map(|col| value(r, &format!("requests.{row}.{col}"), bad, 1))
            .collect()
    };
    let head = vec![
        vec![
            th(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                "",
                3,
                3,
            ),
            th("申请人情况", "colgroup", 7, 1),
        ],
        vec![
            th("自然人", "col", 1, 2),
            th("法人或其他组织", "colgroup", 5, 1),
            th("总计", "col", 1, 2),
        ],
        vec![
            th("商业企业", "col", 1, 1),
            th("科研机构", "col", 1, 1),
            th("社会公益组织", "col", 1, 1),
            th("法律服务机构", "col", 1, 1),
            th("其他", "col", 1, 1),
        ],
    ];
    let one_other_row = r.template == Template::T2019
        || r.requests.as_ref().is_some_and(|q| {
            q.other.total.is_some()
                && q.other.overdue_correction.is_none()
                && q.other.unpaid_fee.is_none()
                && q.other.other.is_none()
        });
    let mut body = Vec::new();
    let full_row = |label: &str, key: &str| {
        let mut row = vec![th(label, "row", 3, 1)];
        row.extend(values(key));
        row
    };
    body.push(full_row("一、本年新收政府信息公开申请数量", "new"));
    body.push(full_row("二、上年结转政府信息公开申请数量", "carried_over"));
    let outcome_rows = 2 + 8 + 3 + 5 + if one_other_row { 1 } else { 3 } + 1;
    let mut first = vec![th("三、本年度办理结果", "rowgroup", 1, outcome_rows)];
    first.push(th("（一）予以公开", "row", 2, 1));
    first.extend(values("granted"));
    body.push(first);
    let mut row = vec![th(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "row",
        2,
        1,
    )];
    row.extend(values("partly_granted"));
    body.push(row);
    let groups: [RowGroup; 3] = [
        (
            "（三）不予公开",
            "denied",
            vec![
                ("state_secret", "1.属于国家秘密"),
                ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
                ("security_stability", "3.危及“三安全一稳定”"),
                ("third_party", "4.保护第三方合法权益"),
                ("internal_affairs", "5.属于三类内部事务信息"),
                ("process_information", "6.属于四类过程性信息"),
                ("enforcement_files", "7.属于行政执法案卷"),
                ("inquiry_matters", "8.属于行政查询事项"),
            ],
        ),
        (
            "（四）无法提供",
            "unavailable",
            vec![
                ("not_held", "1.本机关不掌握相关政府信息"),
                ("needs_creation", "2.没有现成信息需要另行制作"),
                ("unclear", "3.补正后申请内容仍不明确"),
            ],
        ),
        (
            "（五）不予处理",
            "not_processed",
            vec![
                ("petition", "1.信访举报投诉类申请"),
                ("repeated", "2.重复申请"),
                ("publications", "3.要求提供公开出版物"),
                ("excessive", "4.无正当理由大量反复申请"),
                ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
            ],
        ),
    ];
    let mut push_group = |label: &str, group: &str, rows: &[(&str, &str)]| {
        for (i, (key, row_label)) in rows.iter().enumerate() {
            let mut row = Vec::new();
            if i == 0 {
                row.push(th(label, "rowgroup", 1, rows.len()));
            }
            row.push(th(row_label, "row", 1, 1));
            row.extend(values(&format!("{group}.{key}")));
            body.push(row);
        }
    };
    for (label, group, rows) in &groups {
        push_group(label, group, rows);
    }
    if one_other_row {
        let mut row = vec![th("（六）其他处理", "row", 2, 1)];
        row.extend(values("other.total"));
        body.push(row);
    } else {
        push_group(
            "（六）其他处理",
            "other",
            &[
                (
                    "overdue_correction",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                ),
                (
                    "unpaid_fee",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                ),
                ("other", "3.其他"),
            ],
        );
    }
    let mut row = vec![th("（七）总计", "row", 2, 1)];
    row.extend(values("total"));
    body.push(row);
    body.push(full_row("四、结转下年度继续办理", "carried_forward"));
    TableView {
        caption: "三、收到和处理政府信息公开申请情况".into(),
        head,
        body,
    }
}

fn review_table(r: &Record, bad: &BTreeMap<String, Vec<String>>) -> TableView {
    let labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let head = vec![
        vec![
            th("行政复议", "colgroup", 5, 1),
            th("行政诉讼", "colgroup", 10, 1),
        ],
        labels
            .iter()
            .map(|l| th(l, "col", 1, 2))
            .chain([
                th("未经复议直接起诉", "colgroup", 5, 1),
                th("复议后起诉", "colgroup", 5, 1),
            ])
            .collect(),
        labels
            .iter()
            .chain(labels.iter())
            .map(|l| th(l, "col", 1, 1))
            .collect(),
    ];
    let body = vec![record::REVIEW_GROUPS
        .iter()
        .flat_map(|group| {
            record::REVIEW_COLUMNS
                .iter()
                .map(move |col| format!("review.{group}.{col}"))
        })
        .map(|key| value(r, &key, bad, 1))
        .collect()];
    TableView {
        caption: "四、政府信息公开行政复议、行政诉讼情况".into(),
        head,
        body,
    }
}
