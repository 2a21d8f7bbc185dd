//! The browse page `/browse` (twin `.json`): provinces with their agency and report counts;
//! `/browse?region=山东省` drills down to that province's agencies, grouped by city and county,
//! in a grid of agencies × years showing which reports exist. Paged so that 20k agencies stay
//! fast. From `archive.agencies()`: agencies of one name in two places are two rows, each
//! linking to its own place (`/agencies/{name}?region=CODE`).

use crate::archive::AgencySummary;
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::params::{url_with, Pairs};
use crate::web::views::{agency_url, render_page, report_url, Layout};
use crate::web::{blocking, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name under which agencies without a known province are listed.
pub const UNKNOWN_REGION: &str = "未识别地区";
/// Agencies per page of a province.
const AGENCIES_PER_PAGE: usize = 500;

/// One province of the listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProvinceCount {
    /// Province (or [`UNKNOWN_REGION`]).
    pub name: String,
    /// Agencies.
    pub agencies: usize,
    /// Current reports.
    pub reports: usize,
    /// Agencies with demo data.
    pub demo_agencies: usize,
}

/// What `/browse.json` answers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BrowseData {
    /// The province drilled into, if any.
    pub region: Option<String>,
    /// Every province (when no region is given).
    pub provinces: Vec<ProvinceCount>,
    /// The province's agencies on this page (when a region is given).
    pub agencies: Vec<AgencySummary>,
    /// Agencies in the province in all.
    pub total: usize,
    /// Page (1-based).
    pub page: usize,
    /// Pages.
    pub pages: usize,
}

/// One agency's row of the grid.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// Name.
    pub name: String,
    /// Agency page.
    pub url: String,
    /// One entry per grid year: the report URL or "" for none.
    pub cells: Vec<String>,
    /// Demo data.
    pub demo: bool,
}

/// Agencies of one city / county.
#[derive(Debug, Clone)]
pub struct GridGroup {
    /// City and county.
    pub title: String,
    /// Rows.
    pub rows: Vec<GridRow>,
}

/// The browse page.
#[derive(Template)]
#[template(path = "browse.html")]
pub struct BrowsePage {
    /// Base layout.
    pub layout: Layout,
    /// Provinces with their links (no region).
    pub provinces: Vec<(ProvinceCount, String)>,
    /// The province shown ("" for the listing).
    pub region: String,
    /// Grid years.
    pub years: Vec<i32>,
    /// Grid groups.
    pub groups: Vec<GridGroup>,
    /// The data (counts, paging).
    pub data: BrowseData,
    /// Previous page.
    pub prev_url: String,
    /// Next page.
    pub next_url: String,
}

fn province_of(a: &AgencySummary) -> &str {
    a.region.province.as_deref().unwrap_or(UNKNOWN_REGION)
}

/// `GET /browse`, `/browse.json`.
pub async fn browse(
    req: HttpRequest,
    state: web::Data<WebState>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        let mut pairs = Pairs::parse(req.query_string())?;
        let region = pairs.take("region")?;
        let page = pairs
            .take_parsed("_page", |v| match v.parse::<usize>() {
                Ok(n) if (1..=10_000).contains(&n) => Ok(n),
                _ => Err(format!("expected a number from 1 to 10000, got \"{v}\"")),
            })?
            .unwrap_or(1);
        pairs.finish(&["region", "_page"])?;
        let all = blocking(&state, |a| a.agencies()).await?;
        let data = browse_data(all, region, page)?;
        if format == Format::Json {
            return Ok(json_response(&data));
        }
        render_page(&browse_page(data))
    };
    run.await.map_err(|e| e.respond_as(format))
}

fn browse_data(
    all: Vec<AgencySummary>,
    region: Option<String>,
    page: usize,
) -> Result<BrowseData, WebError> {
    let Some(region) = region else {
        let mut counts: BTreeMap<String, ProvinceCount> = BTreeMap::new();
        for a in &all {
            let entry = counts
                .entry(province_of(a).to_string())
                .or_insert_with(|| ProvinceCount {
                    name: province_of(a).to_string(),
                    agencies: 0,
                    reports: 0,
                    demo_agencies: 0,
                });
            entry.agencies += 1;
            entry.reports += a.years.len();
            entry.demo_agencies += usize::from(a.demo);
        }
        let mut provinces: Vec<ProvinceCount> = counts.into_values().collect();
        provinces.sort_by(|a, b| b.agencies.cmp(&a.agencies).then(a.name.cmp(&b.name)));
        return Ok(BrowseData {
            region: None,
            provinces,
            agencies: Vec::new(),
            total: all.len(),
            page: 1,
            pages: 1,
        });
    };
    let mut agencies: Vec<AgencySummary> = all
        .into_iter()
        .filter(|a| province_of(a) == region)
        .collect();
    if agencies.is_empty() {
        return Err(WebError::not_found(format!("region {region}")));
    }
    // Grouped by city, then county, then name.
    agencies.sort_by(|a, b| {
        (&a.region.city, &a.region.county, &a.agency).cmp(&(
            &b.region.city,
            &b.region.county,
            &b.agency,
        ))
    });
    let total = agencies.len();
    let pages = total.div_ceil(AGENCIES_PER_PAGE).max(1);
    if page > pages {
        return Err(WebError::bad_param(
            "_page",
            format!("{page} is past the last page ({pages})"),
        ));
    }
    let agencies = agencies
        .into_iter()
        .skip((page - 1) * AGENCIES_PER_PAGE)
        .take(AGENCIES_PER_PAGE)
        .collect();
    Ok(BrowseData {
        region: Some(region),
        provinces: Vec::new(),
        agencies,
        total,
        page,
        pages,
    })
}

fn browse_page(data: BrowseData) -> BrowsePage {
    let region = data.region.clone().unwrap_or_default();
    let provinces = data
        .provinces
        .iter()
        .map(|p| {
            (
                p.clone(),
                url_with("/browse", &[("region", p.name.clone())]),
            )
        })
        .collect();
    let first = data
        .agencies
        .iter()
        .filter_map(|a| a.years.keys().next())
        .min();
    let last = data
        .agencies
        .iter()
        .filter_map(|a| a.years.keys().next_back())
        .max();
    let years: Vec<i32> = match (first, last) {
        (Some(f), Some(l)) => (*f..=*l).collect(),
        _ => Vec::new(),
    };
    let mut groups: Vec<GridGroup> = Vec::new();
    for a in &data.agencies {
        let title = [&a.region.city, &a.region.county]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        let title = if title.is_empty() {
            format!("{region}（省级及未细分）")
        } else {
            title
        };
        let row = GridRow {
            name: a.agency.clone(),
            url: agency_url(&a.agency, a.region.code.as_deref()),
            cells: years
                .iter()
                .map(|y| a.years.get(y).map(|id| report_url(id)).unwrap_or_default())
                .collect(),
            demo: a.demo,
        };
        match groups.last_mut() {
            Some(g) if g.title == title => g.rows.push(row),
            _ => groups.push(GridGroup {
                title,
                rows: vec![row],
            }),
        }
    }
    let page_url = |page: usize| {
        let mut pairs = vec![("region", region.clone())];
        if page > 1 {
            pairs.push(("_page", page.to_string()));
        }
        url_with("/browse", &pairs)
    };
    let demo =
        data.agencies.iter().any(|a| a.demo) || data.provinces.iter().any(|p| p.demo_agencies > 0);
    BrowsePage {
        layout: Layout {
            title: if region.is_empty() {
                "按地区浏览".into()
            } else {
                format!("按地区浏览：{region}")
            },
            json_url: Some(if region.is_empty() {
                "/browse.json".into()
            } else {
                url_with("/browse.json", &[("region", region.clone())])
            }),
            demo,
            nav: "browse",
        },
        provinces,
        years,
        groups,
        prev_url: if data.page > 1 {
            page_url(data.page - 1)
        } else {
            String::new()
        },
        next_url: if data.page < data.pages {
            page_url(data.page + 1)
        } else {
            String::new()
        },
        region,
        data,
    }
}
