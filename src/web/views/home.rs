//! The home page `/` (twin `/.json`): the search form and an overview of the archive (counts,
//! reports by year and province, each a link into the search).

use crate::index::{Facets, SearchRequest};
use crate::web::error::FormattedError;
use crate::web::format::{json_response, Format};
use crate::web::params::{url_with, Pairs, SearchParams};
use crate::web::views::{facet_value_zh, render_page, Layout, SearchForm};
use crate::web::{blocking_with_state, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

/// What the home page shows (and `/.json` answers).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HomeData {
    /// Current reports in the archive.
    pub reports: usize,
    /// Agencies.
    pub agencies: u64,
    /// Demo reports among them.
    pub demo_reports: usize,
    /// Counts by year, level, province, template and the top agencies.
    pub facets: Facets,
}

/// One link of the overview.
#[derive(Debug, Clone)]
pub struct OverviewLink {
    /// Label.
    pub label: String,
    /// Count.
    pub count: u64,
    /// Search URL.
    pub url: String,
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Base layout.
    pub layout: Layout,
    /// The empty search form.
    pub form: SearchForm,
    /// The data.
    pub data: HomeData,
    /// Reports by year.
    pub years: Vec<OverviewLink>,
    /// Reports by province.
    pub provinces: Vec<OverviewLink>,
}

/// Gathers the overview.
fn home_data(state: &WebState) -> Result<HomeData, crate::archive::ArchiveError> {
    let all = state.search(&SearchRequest {
        limit: 0,
        ..SearchRequest::default()
    })?;
    let demo = state.search(&SearchRequest {
        limit: 0,
        demo: Some(true),
        ..SearchRequest::default()
    })?;
    Ok(HomeData {
        reports: all.total,
        agencies: state.archive.agency_count(),
        demo_reports: demo.total,
        facets: all.facets.clone(),
    })
}

/// `GET /`, `/.json`.
pub async fn home(
    req: HttpRequest,
    state: web::Data<WebState>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        Pairs::parse(req.query_string())?.finish(&[])?;
        let data = blocking_with_state(&state, home_data).await?;
        if format != Format::Html {
            return Ok(json_response(&data));
        }
        let link = |facet: &str, param: &'static str, values: &[crate::index::FacetCount]| {
            values
                .iter()
                .map(|f| OverviewLink {
                    label: facet_value_zh(facet, &f.value),
                    count: f.count,
                    url: url_with("/search", &[(param, f.value.clone())]),
                })
                .collect::<Vec<_>>()
        };
        let page = HomePage {
            layout: Layout {
                title: "政府信息公开工作年度报告库".into(),
                json_url: Some("/.json".into()),
                demo: data.demo_reports > 0,
                nav: "home",
            },
            form: SearchForm::from_params(&SearchParams {
                page: 1,
                size: crate::web::params::DEFAULT_PAGE_SIZE,
                ..SearchParams::default()
            }),
            years: link("year", "year", &data.facets.year),
            provinces: link("province", "region", &data.facets.province),
            data,
        };
        render_page(&page)
    };
    run.await.map_err(|e| e.respond_as(format))
}
