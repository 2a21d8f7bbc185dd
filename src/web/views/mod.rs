//! Page families, one file each: the data a page shows (a plain Serialize struct, also its JSON
//! twin), the page struct its template reads, and the handler. Shared here: the [`Layout`]
//! every page carries, the search form both the home and search pages show, Chinese labels.

pub mod agency;
pub mod browse;
pub mod home;
pub mod meta;
pub mod report;
pub mod search;
pub mod upload;

use crate::index::Op;
use crate::record::{Kind, Level, Region, Template};
use crate::web::error::WebError;
use crate::web::format::html_response;
use crate::web::params::{encode, serde_name, url_with, SearchParams, DEFAULT_PAGE_SIZE};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

/// What the base template reads: title, the JSON twin, the demo banner, the current section.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page title (before " · 年报").
    pub title: String,
    /// URL of the page's JSON twin, declared as `rel="alternate"`.
    pub json_url: Option<String>,
    /// Show the 演示数据 banner.
    pub demo: bool,
    /// Which navigation entry is current: home, browse, api.
    pub nav: &'static str,
}

impl Layout {
    /// A layout with a title only.
    pub fn new(title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            ..Layout::default()
        }
    }
}

/// Renders a page as a 200 HTML response.
pub fn render_page(page: &impl askama::Template) -> Result<HttpResponse, WebError> {
    let body = page.render().map_err(|e| WebError::Internal {
        detail: format!("template: {e}"),
    })?;
    Ok(html_response(StatusCode::OK, body))
}

/// The URL of a report page.
pub fn report_url(id: &str) -> String {
    format!("/reports/{id}")
}

/// The URL of an agency page: the name percent-encoded, plus `?region=CODE` when the place is
/// known, so that a link lands on that agency even when agencies of other places share its
/// name (朝阳区人民政府 of 北京市 and of 长春市). Without a code, the name's page.
pub fn agency_url(name: &str, code: Option<&str>) -> String {
    agency_url_as(name, code, "")
}

/// [`agency_url`] of the page's JSON twin.
pub fn agency_json_url(name: &str, code: Option<&str>) -> String {
    agency_url_as(name, code, ".json")
}

fn agency_url_as(name: &str, code: Option<&str>, suffix: &str) -> String {
    let path = format!("/agencies/{}{suffix}", encode(name));
    match code.filter(|c| !c.is_empty()) {
        Some(code) => url_with(&path, &[("region", code.to_string())]),
        None => path,
    }
}

/// The region names of a place, largest first, joined by spaces (北京市 北京市 朝阳区 keeps the
/// municipality once).
pub fn region_words(region: &Region) -> String {
    let mut words: Vec<&str> = Vec::new();
    for part in [&region.province, &region.city, &region.county]
        .into_iter()
        .flatten()
    {
        if words.last() != Some(&part.as_str()) {
            words.push(part);
        }
    }
    words.join(" ")
}

/// Chinese label of a level.
pub fn level_zh(level: Level) -> &'static str {
    match level {
        Level::National => "国家级",
        Level::Province => "省级",
        Level::City => "市级",
        Level::County => "县级",
        Level::Township => "乡镇级",
        Level::Unknown => "层级未知",
    }
}

/// Chinese label of a kind.
pub fn kind_zh(kind: Kind) -> &'static str {
    match kind {
        Kind::Government => "人民政府",
        Kind::Department => "政府部门",
    }
}

/// Chinese label of a template.
pub fn template_zh(template: Template) -> &'static str {
    match template {
        Template::T2021 => "2021年版模板",
        Template::T2019 => "2019年版模板",
        Template::Pre2019 => "2019年以前（无统计表）",
        Template::Unknown => "模板未识别",
    }
}

/// Chinese label of a facet value (`county` → 县级, `2021` → 2021年版模板), as given otherwise.
pub fn facet_value_zh(facet: &str, value: &str) -> String {
    let parsed = |v: &str| serde_json::Value::String(v.to_string());
    match facet {
        "level" => serde_json::from_value::<Level>(parsed(value))
            .map(|l| level_zh(l).to_string())
            .unwrap_or_else(|_| value.to_string()),
        "template" => serde_json::from_value::<Template>(parsed(value))
            .map(|t| template_zh(t).to_string())
            .unwrap_or_else(|_| value.to_string()),
        "year" => format!("{value}年"),
        _ => value.to_string(),
    }
}

/// Short Chinese labels of the statistics offered in the form, the hit figures and sorting.
pub const STAT_LABELS: [(&str, &str); 9] = [
    ("requests.new.total", "新收申请"),
    ("requests.carried_over.total", "上年结转"),
    ("requests.granted.total", "予以公开"),
    ("requests.partly_granted.total", "部分公开"),
    ("requests.denied.total", "不予公开"),
    ("requests.unavailable.total", "无法提供"),
    ("requests.carried_forward.total", "结转下年"),
    ("review.reconsideration.total", "行政复议"),
    ("review.litigation_direct.total", "行政诉讼"),
];

/// The short label of a statistic key, or the key itself.
pub fn stat_label(key: &str) -> String {
    STAT_LABELS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, l)| l.to_string())
        .unwrap_or_else(|| match key {
            "requests.total.total" => "办理总计".into(),
            "failed_checks" => "未通过校验数".into(),
            "review.litigation_after_reconsideration.total" => "复议后起诉".into(),
            other => other.to_string(),
        })
}

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Submitted value.
    pub value: String,
    /// Shown label.
    pub label: String,
    /// Currently chosen.
    pub selected: bool,
}

fn choices(current: &str, options: &[(&str, &str)]) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice {
            value: value.to_string(),
            label: label.to_string(),
            selected: *value == current,
        })
        .collect()
}

/// A min/max pair of the form for one statistic.
#[derive(Debug, Clone)]
pub struct StatRange {
    /// Statistic key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Minimum as typed ("" when none).
    pub min: String,
    /// Maximum as typed.
    pub max: String,
}

/// The search form's values and choices (view only).
#[derive(Debug, Clone)]
pub struct SearchForm {
    /// Words.
    pub q: String,
    /// Agency.
    pub agency: String,
    /// Region.
    pub region: String,
    /// Level choices.
    pub levels: Vec<Choice>,
    /// Kind choices.
    pub kinds: Vec<Choice>,
    /// Template choices.
    pub templates: Vec<Choice>,
    /// First year.
    pub from: String,
    /// Last year.
    pub to: String,
    /// Statistic ranges.
    pub ranges: Vec<StatRange>,
    /// Conditions the min/max fields cannot show, kept as hidden `where` fields.
    pub hidden_where: Vec<String>,
    /// Only failing tables.
    pub failed_checks: bool,
    /// Section choices.
    pub sections: Vec<Choice>,
    /// Sort choices.
    pub sorts: Vec<Choice>,
    /// Page size, when not the default ("" otherwise).
    pub size: String,
    /// Whether any advanced filter is set (then the details element starts open).
    pub advanced_open: bool,
}

impl SearchForm {
    /// The form showing `p`.
    pub fn from_params(p: &SearchParams) -> SearchForm {
        let mut ranges: Vec<StatRange> = STAT_LABELS
            .iter()
            .filter(|(k, _)| {
                *k != "requests.carried_over.total" && *k != "requests.carried_forward.total"
            })
            .map(|(key, label)| StatRange {
                key: key.to_string(),
                label: label.to_string(),
                min: String::new(),
                max: String::new(),
            })
            .collect();
        let mut hidden_where = Vec::new();
        for c in &p.conditions {
            let slot = ranges.iter_mut().find(|r| r.key == c.key);
            match (slot, c.op) {
                (Some(r), Op::Ge) if r.min.is_empty() => r.min = c.value.to_string(),
                (Some(r), Op::Le) if r.max.is_empty() => r.max = c.value.to_string(),
                _ => hidden_where.push(c.to_string()),
            }
        }
        let level = p.level.map(|l| serde_name(&l)).unwrap_or_default();
        let kind = p.kind.map(|k| serde_name(&k)).unwrap_or_default();
        let template = p.template.map(|t| serde_name(&t)).unwrap_or_default();
        let section = p.section.map(|s| s.to_string()).unwrap_or_default();
        let sort = p.sort.clone().unwrap_or_else(|| "relevance".into());
        let mut sort_options: Vec<(String, String)> = vec![
            ("relevance".into(), "相关度（无检索词时按年度）".into()),
            ("newest".into(), "年度：新→旧".into()),
            ("oldest".into(), "年度：旧→新".into()),
            ("agency".into(), "机关名称".into()),
        ];
        for (key, label) in STAT_LABELS {
            sort_options.push((format!("-{key}"), format!("{label}：多→少")));
        }
        let sort_refs: Vec<(&str, &str)> = sort_options
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let advanced_open = p.level.is_some()
            || p.kind.is_some()
            || p.template.is_some()
            || !p.conditions.is_empty()
            || p.failed_checks
            || p.section.is_some()
            || p.region.is_some();
        SearchForm {
            q: p.q.clone(),
            agency: p.agency.clone().unwrap_or_default(),
            region: p.region.clone().unwrap_or_default(),
            levels: choices(
                &level,
                &[
                    ("", "全部层级"),
                    ("national", "国家级"),
                    ("province", "省级"),
                    ("city", "市级"),
                    ("county", "县级"),
                    ("township", "乡镇级"),
                ],
            ),
            kinds: choices(
                &kind,
                &[
                    ("", "全部"),
                    ("government", "人民政府"),
                    ("department", "政府部门"),
                ],
            ),
            templates: choices(
                &template,
                &[
                    ("", "全部模板"),
                    ("2021", "2021年版"),
                    ("2019", "2019年版"),
                    ("pre2019", "2019年以前"),
                ],
            ),
            from: p.year_from.map(|y| y.to_string()).unwrap_or_default(),
            to: p.year_to.map(|y| y.to_string()).unwrap_or_default(),
            ranges,
            hidden_where,
            failed_checks: p.failed_checks,
            sections: choices(
                &section,
                &[
                    ("", "全文"),
                    ("1", "一、总体情况"),
                    ("2", "二、主动公开"),
                    ("3", "三、依申请公开"),
                    ("4", "四、复议诉讼"),
                    ("5", "五、存在问题及改进"),
                    ("6", "六、其他事项"),
                ],
            ),
            sorts: choices(&sort, &sort_refs),
            size: if p.size == DEFAULT_PAGE_SIZE {
                String::new()
            } else {
                p.size.to_string()
            },
            advanced_open,
        }
    }
}
