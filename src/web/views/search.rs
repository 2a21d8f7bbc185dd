//! The search page `/search` and its twins: `/search.json` (one page of hits with facets),
//! `/search.csv` and `/search.jsonl` (every match, streamed). One handler: parse the
//! parameters (400 on failure), then match on the format.

use crate::index::{FacetCount, SearchResults};
use crate::web::download::export_response;
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::params::{encode, SearchParams};
use crate::web::views::{
    agency_url, facet_value_zh, render_page, report_url, stat_label, template_zh, Layout,
    SearchForm, STAT_LABELS,
};
use crate::web::{blocking, blocking_with_state, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

/// What `/search.json` answers: the results (`total`, `hits`, `facets`) and paging links.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchData {
    /// Total, hits of this page, facets.
    #[serde(flatten)]
    pub results: SearchResults,
    /// This page (1-based).
    pub page: usize,
    /// Hits per page.
    pub size: usize,
    /// Number of pages.
    pub pages: usize,
    /// The next page's JSON, if any.
    pub next_url: Option<String>,
    /// Every match as CSV.
    pub csv_url: String,
    /// Every match as JSON Lines.
    pub jsonl_url: String,
}

/// One hit as the page shows it.
#[derive(Debug, Clone)]
pub struct HitView {
    /// Agency name.
    pub agency: String,
    /// Agency page, with `?region=CODE` when the place is known.
    pub agency_url: String,
    /// Year.
    pub year: String,
    /// Report page, carrying `q`.
    pub url: String,
    /// The index's snippet HTML (escaped text with `<b>`).
    pub snippet: String,
    /// Region, level and template in words.
    pub details: String,
    /// A few key figures.
    pub figures: Vec<(String, i64)>,
    /// A consistency rule failed.
    pub failed_checks: bool,
    /// Demo data.
    pub demo: bool,
}

/// One facet value as a link.
#[derive(Debug, Clone)]
pub struct FacetLink {
    /// Label.
    pub label: String,
    /// Count.
    pub count: u64,
    /// The search narrowed by (or, when active, without) this value.
    pub url: String,
    /// This value is the current filter.
    pub active: bool,
}

/// One facet.
#[derive(Debug, Clone)]
pub struct FacetGroup {
    /// Heading.
    pub title: &'static str,
    /// Values.
    pub links: Vec<FacetLink>,
}

/// A filter in force, with the link that removes it.
#[derive(Debug, Clone)]
pub struct ActiveFilter {
    /// What it is.
    pub label: String,
    /// The search without it.
    pub remove_url: String,
}

/// The search page.
#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    /// Base layout.
    pub layout: Layout,
    /// The form, filled in.
    pub form: SearchForm,
    /// The data (total, facets, paging).
    pub data: SearchData,
    /// Hits.
    pub hits: Vec<HitView>,
    /// Facets.
    pub facets: Vec<FacetGroup>,
    /// Filters in force.
    pub filters: Vec<ActiveFilter>,
    /// Previous page.
    pub prev_url: Option<String>,
    /// Next page.
    pub next_url: Option<String>,
    /// Downloads of every match.
    pub csv_url: String,
    /// CSV with Chinese headers.
    pub csv_zh_url: String,
    /// JSON Lines.
    pub jsonl_url: String,
    /// This page as JSON.
    pub json_url: String,
    /// First hit's number on this page (1-based).
    pub first: usize,
    /// Last hit's number on this page.
    pub last: usize,
}

/// `GET /search`, `/search.json`, `/search.csv`, `/search.jsonl`.
pub async fn search(
    req: HttpRequest,
    state: web::Data<WebState>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        let params = SearchParams::parse(req.query_string())?;
        let request = params.request();
        if matches!(format, Format::Csv | Format::Jsonl) {
            // Validate the request (e.g. a statistic) before the stream starts: afterwards the
            // status can no longer change.
            let check = crate::index::SearchRequest {
                limit: 0,
                ..request.clone()
            };
            blocking(&state, move |a| a.search(&check)).await?;
            return Ok(export_response(
                &state,
                crate::index::SearchRequest {
                    offset: 0,
                    limit: usize::MAX,
                    ..request
                },
                format,
                params.headers,
                "nianbao-search",
            ));
        }
        let results = match state.search_cache.kept(&state.archive, &request) {
            Some(kept) => kept,
            None => blocking_with_state(&state, move |s| s.search(&request)).await?,
        };
        let data = search_data(&params, SearchResults::clone(&results));
        if format == Format::Json {
            return Ok(json_response(&data));
        }
        render_page(&search_page(&params, data))
    };
    run.await.map_err(|e: WebError| e.respond_as(format))
}

fn search_data(params: &SearchParams, results: SearchResults) -> SearchData {
    let pages = results.total.div_ceil(params.size).max(1);
    let next_url = (params.page < pages).then(|| {
        SearchParams {
            page: params.page + 1,
            ..params.clone()
        }
        .url("/search.json")
    });
    let downloads = SearchParams {
        page: 1,
        ..params.clone()
    };
    SearchData {
        results,
        page: params.page,
        size: params.size,
        pages,
        next_url,
        csv_url: downloads.url("/search.csv"),
        jsonl_url: downloads.url("/search.jsonl"),
    }
}

fn search_page(params: &SearchParams, data: SearchData) -> SearchPage {
    let q_suffix = if params.q.trim().is_empty() {
        String::new()
    } else {
        format!("?q={}", encode(&params.q))
    };
    let hits: Vec<HitView> = data
        .results
        .hits
        .iter()
        .map(|h| {
            let agency = h.agency.clone().unwrap_or_else(|| "（机关未识别）".into());
            let region: Vec<&str> = [&h.region.province, &h.region.city, &h.region.county]
                .into_iter()
                .filter_map(|p| p.as_deref())
                .collect();
            let mut details = region.join(" ");
            if !details.is_empty() {
                details.push_str(" · ");
            }
            details.push_str(crate::web::views::level_zh(h.level));
            details.push_str(" · ");
            details.push_str(template_zh(h.template));
            HitView {
                agency_url: agency_url(&agency, h.region.code.as_deref()),
                agency,
                year: h.year.map_or("年度未识别".into(), |y| format!("{y}年度")),
                url: format!("{}{q_suffix}", report_url(&h.id)),
                snippet: h.snippet.clone(),
                details,
                figures: STAT_LABELS
                    .iter()
                    .filter(|(k, _)| {
                        matches!(
                            *k,
                            "requests.new.total"
                                | "requests.granted.total"
                                | "review.reconsideration.total"
                                | "review.litigation_direct.total"
                        )
                    })
                    .filter_map(|(k, label)| h.figures.get(*k).map(|v| (label.to_string(), *v)))
                    .collect(),
                failed_checks: h.failed_checks,
                demo: h.demo,
            }
        })
        .collect();
    let first_page = SearchParams {
        page: 1,
        ..params.clone()
    };
    let facets = facet_groups(&first_page, &data.results);
    let filters = active_filters(&first_page);
    let prev_url = (params.page > 1).then(|| {
        SearchParams {
            page: params.page - 1,
            ..params.clone()
        }
        .url("/search")
    });
    let next_url = (params.page < data.pages).then(|| {
        SearchParams {
            page: params.page + 1,
            ..params.clone()
        }
        .url("/search")
    });
    let first = if data.results.total == 0 {
        0
    } else {
        (params.page - 1) * params.size + 1
    };
    let last = (first + hits.len()).saturating_sub(1).max(first);
    let demo = hits.iter().any(|h| h.demo);
    let title = if params.q.trim().is_empty() {
        "检索".to_string()
    } else {
        format!("检索：{}", params.q)
    };
    let json_url = params.url("/search.json");
    SearchPage {
        layout: Layout {
            title,
            json_url: Some(json_url.clone()),
            demo,
            nav: "home",
        },
        form: SearchForm::from_params(params),
        hits,
        facets,
        filters,
        prev_url,
        next_url,
        csv_url: data.csv_url.clone(),
        csv_zh_url: SearchParams {
            headers: crate::archive::CsvHeaders::Chinese,
            ..first_page.clone()
        }
        .url("/search.csv"),
        jsonl_url: data.jsonl_url.clone(),
        json_url,
        first,
        last,
        data,
    }
}

/// Facets as links: a value narrows the search; the active value's link removes the filter.
fn facet_groups(params: &SearchParams, results: &SearchResults) -> Vec<FacetGroup> {
    let group = |title: &'static str,
                 facet: &str,
                 values: &[FacetCount],
                 active: &dyn Fn(&str) -> bool,
                 set: &dyn Fn(&mut SearchParams, Option<&str>)| {
        let links = values
            .iter()
            .map(|f| {
                let is_active = active(&f.value);
                let mut narrowed = params.clone();
                set(&mut narrowed, (!is_active).then_some(f.value.as_str()));
                FacetLink {
                    label: facet_value_zh(facet, &f.value),
                    count: f.count,
                    url: narrowed.url("/search"),
                    active: is_active,
                }
            })
            .collect();
        FacetGroup { title, links }
    };
    let year_of = |v: &str| v.parse::<i32>().ok();
    vec![
        group(
            "年度",
            "year",
            &results.facets.year,
            &|v| {
                params.year_from.is_some()
                    && params.year_from == params.year_to
                    && params.year_from == year_of(v)
            },
            &|p, v| {
                let y = v.and_then(year_of);
                p.year_from = y;
                p.year_to = y;
            },
        ),
        group(
            "层级",
            "level",
            &results.facets.level,
            &|v| {
                params
                    .level
                    .map(|l| crate::web::params::serde_name(&l))
                    .as_deref()
                    == Some(v)
            },
            &|p, v| {
                p.level = v.and_then(|v| {
                    serde_json::from_value(serde_json::Value::String(v.to_string())).ok()
                })
            },
        ),
        group(
            "省份",
            "province",
            &results.facets.province,
            &|v| params.region.as_deref() == Some(v),
            &|p, v| p.region = v.map(str::to_string),
        ),
        group(
            "机关（前20）",
            "agency",
            &results.facets.agency,
            &|v| params.agency.as_deref() == Some(v),
            &|p, v| p.agency = v.map(str::to_string),
        ),
        group(
            "模板",
            "template",
            &results.facets.template,
            &|v| {
                params
                    .template
                    .map(|t| crate::web::params::serde_name(&t))
                    .as_deref()
                    == Some(v)
            },
            &|p, v| {
                p.template = v.and_then(|v| {
                    serde_json::from_value(serde_json::Value::String(v.to_string())).ok()
                })
            },
        ),
    ]
    .into_iter()
    .filter(|g| !g.links.is_empty())
    .collect()
}

/// The filters in force, each with a link that drops it.
fn active_filters(p: &SearchParams) -> Vec<ActiveFilter> {
    let mut out = Vec::new();
    let mut push = |label: String, without: SearchParams| {
        out.push(ActiveFilter {
            label,
            remove_url: without.url("/search"),
        })
    };
    if let Some(a) = &p.agency {
        push(
            format!("机关：{a}"),
            SearchParams {
                agency: None,
                ..p.clone()
            },
        );
    }
    if let Some(r) = &p.region {
        push(
            format!("地区：{r}"),
            SearchParams {
                region: None,
                ..p.clone()
            },
        );
    }
    if let Some(l) = p.level {
        push(
            format!("层级：{}", crate::web::views::level_zh(l)),
            SearchParams {
                level: None,
                ..p.clone()
            },
        );
    }
    if let Some(k) = p.kind {
        push(
            format!("类型：{}", crate::web::views::kind_zh(k)),
            SearchParams {
                kind: None,
                ..p.clone()
            },
        );
    }
    if let Some(t) = p.template {
        push(
            format!("模板：{}", template_zh(t)),
            SearchParams {
                template: None,
                ..p.clone()
            },
        );
    }
    if p.year_from.is_some() || p.year_to.is_some() {
        let label = match (p.year_from, p.year_to) {
            (Some(f), Some(t)) if f == t => format!("年度：{f}"),
            (f, t) => format!(
                "年度：{}–{}",
                f.map_or(String::new(), |y| y.to_string()),
                t.map_or(String::new(), |y| y.to_string())
            ),
        };
        push(
            label,
            SearchParams {
                year_from: None,
                year_to: None,
                ..p.clone()
            },
        );
    }
    for (i, c) in p.conditions.iter().enumerate() {
        let mut without = p.clone();
        without.conditions.remove(i);
        push(
            format!("{} {} {}", stat_label(&c.key), c.op.symbol(), c.value),
            without,
        );
    }
    if p.failed_checks {
        push(
            "仅勾稽关系不符的报告".into(),
            SearchParams {
                failed_checks: false,
                ..p.clone()
            },
        );
    }
    if let Some(s) = p.section {
        push(
            format!("仅第{s}部分"),
            SearchParams {
                section: None,
                ..p.clone()
            },
        );
    }
    if let Some(d) = p.demo {
        push(
            if d {
                "仅演示数据"
            } else {
                "不含演示数据"
            }
            .into(),
            SearchParams {
                demo: None,
                ..p.clone()
            },
        );
    }
    out
}
