//! The agency page `/agencies/{name}` (twin `.json`): every year's report with missing years as
//! gaps, key figures per year, an SVG chart of requests received, granted and reconsiderations,
//! and the cross-year checks (rules 6 and 7). All from `archive.agency_history`.

use crate::archive::{AgencyHistory, KEY_FIGURES};
use crate::web::chart::{line_chart, Series};
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::params::{url_with, Pairs};
use crate::web::views::{kind_zh, level_zh, render_page, report_url, stat_label, Layout};
use crate::web::{blocking, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// One year's row.
#[derive(Debug, Clone)]
pub struct YearRow {
    /// Year.
    pub year: i32,
    /// Report URL ("" for a gap).
    pub url: String,
    /// Template label.
    pub template: String,
    /// Figures in [`KEY_FIGURES`] order ("" when not printed).
    pub figures: Vec<String>,
    /// Failed checks.
    pub failed: String,
}

/// A cross-year check as shown.
#[derive(Debug, Clone)]
pub struct HistoryCheck {
    /// Rule id.
    pub id: String,
    /// Passed.
    pub passed: bool,
    /// Message.
    pub message: String,
}

/// The agency page.
#[derive(Template)]
#[template(path = "agency.html")]
pub struct AgencyPage {
    /// Base layout.
    pub layout: Layout,
    /// Name.
    pub agency: String,
    /// Region, level, kind in words.
    pub details: String,
    /// Figure column labels.
    pub figure_labels: Vec<String>,
    /// Year rows, oldest first.
    pub years: Vec<YearRow>,
    /// Years with a report.
    pub reported: usize,
    /// The chart (our own SVG, escaped where it holds text).
    pub chart: String,
    /// Rules 6 and 7.
    pub checks: Vec<HistoryCheck>,
    /// Search within this agency.
    pub search_url: String,
    /// Download of this agency's reports.
    pub csv_url: String,
}

/// `GET /agencies/{name}`, `/agencies/{name}.json`.
pub async fn agency(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        Pairs::parse(req.query_string())?.finish(&[])?;
        let name = path.into_inner();
        if name.chars().count() > 200 {
            return Err(WebError::not_found(format!("agency {name}")));
        }
        let lookup = name.clone();
        let history = blocking(&state, move |a| a.agency_history(&lookup))
            .await?
            .ok_or_else(|| WebError::not_found(format!("agency {name}")))?;
        if format == Format::Json {
            return Ok(json_response(&history));
        }
        render_page(&agency_page(history))
    };
    run.await.map_err(|e| e.respond_as(format))
}

fn agency_page(h: AgencyHistory) -> AgencyPage {
    let region: Vec<&str> = [&h.region.province, &h.region.city, &h.region.county]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
    let mut details = region.join(" ");
    if !details.is_empty() {
        details.push_str(" · ");
    }
    details.push_str(level_zh(h.level));
    if let Some(k) = h.kind {
        details.push_str(" · ");
        details.push_str(kind_zh(k));
    }
    let years: Vec<YearRow> = h
        .years
        .iter()
        .map(|y| YearRow {
            year: y.year,
            url: y.id.as_deref().map(report_url).unwrap_or_default(),
            template: y
                .template
                .map(|t| crate::web::views::template_zh(t).to_string())
                .unwrap_or_default(),
            figures: KEY_FIGURES
                .iter()
                .map(|k| y.figures.get(*k).map(|v| v.to_string()).unwrap_or_default())
                .collect(),
            failed: y.failed_checks.join(" "),
        })
        .collect();
    let year_numbers: Vec<i32> = h.years.iter().map(|y| y.year).collect();
    let series = |label: &str, color: &'static str, key: &str| Series {
        label: label.to_string(),
        color,
        values: h
            .years
            .iter()
            .map(|y| y.figures.get(key).copied())
            .collect(),
    };
    let chart = line_chart(
        &format!("{} 历年申请与复议", h.agency),
        &year_numbers,
        &[
            series("新收申请", "#1f5fa8", "requests.new.total"),
            series("予以公开", "#2a7d2e", "requests.granted.total"),
            series("行政复议", "#b3261e", "review.reconsideration.total"),
        ],
    );
    AgencyPage {
        layout: Layout {
            title: h.agency.clone(),
            json_url: Some(format!("{}.json", crate::web::views::agency_url(&h.agency))),
            demo: h.demo,
            nav: "browse",
        },
        details,
        figure_labels: KEY_FIGURES.iter().map(|k| stat_label(k)).collect(),
        reported: years.iter().filter(|y| !y.url.is_empty()).count(),
        years,
        chart,
        checks: h
            .checks
            .iter()
            .map(|c| HistoryCheck {
                id: c.id.clone(),
                passed: c.passed,
                message: c.message.clone(),
            })
            .collect(),
        search_url: url_with("/search", &[("agency", h.agency.clone())]),
        csv_url: url_with("/search.csv", &[("agency", h.agency.clone())]),
        agency: h.agency,
    }
}
