//! The agency page `/agencies/{name}` (twin `.json`): every year's report with missing years as
//! gaps, key figures per year, an SVG chart of requests received, granted and reconsiderations,
//! and the cross-year checks (rules 6 and 7). An agency is a name in a place: when several
//! places have agencies of the name, the page lists them (each linking to `?region=CODE`), and
//! `?region=CODE` shows one. All from `archive.agency_places` and `archive.agency_history`.

use crate::archive::{AgencyHistory, AgencySummary, Archive, KEY_FIGURES};
use crate::record::Region;
use crate::web::chart::{line_chart, Series};
use crate::web::error::{FormattedError, WebError};
use crate::web::format::{json_response, Format};
use crate::web::params::{parse_place, url_with, Pairs, UNKNOWN_PLACE};
use crate::web::views::{
    agency_json_url, agency_url, kind_zh, level_zh, region_words, render_page, report_url,
    stat_label, Layout,
};
use crate::web::{blocking, WebState};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

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

/// What `/agencies/{name}.json` answers when agencies of several places share the name and
/// no `region` picks one: the name and its places. A client tells it from an
/// [`AgencyHistory`] by its `places` key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgencyPlaces {
    /// The shared name.
    pub agency: String,
    /// One entry per place, in code order (the unknown place first): region (with its
    /// `code`), level, years → current report id, demo.
    pub places: Vec<AgencySummary>,
}

/// One place of a shared name, as the choice page shows it.
#[derive(Debug, Clone)]
pub struct PlaceRow {
    /// Province, city and county ("地区未识别" when unknown).
    pub region: String,
    /// GB/T 2260 code, or the value of `region` for the unknown place.
    pub code: String,
    /// Level in words.
    pub level: String,
    /// First–last year.
    pub years: String,
    /// Reports (current, one per year).
    pub reports: usize,
    /// That place's agency page.
    pub url: String,
    /// Demo data.
    pub demo: bool,
}

/// The page that lists the places of a shared agency name.
#[derive(Template)]
#[template(path = "agency_places.html")]
pub struct AgencyPlacesPage {
    /// Base layout.
    pub layout: Layout,
    /// The shared name.
    pub agency: String,
    /// One row per place.
    pub places: Vec<PlaceRow>,
}

/// What an agency URL finds.
enum Found {
    /// One agency: its history.
    History(AgencyHistory),
    /// A name several places share, without `region`.
    Places(AgencyPlaces),
}

/// `GET /agencies/{name}`, `/agencies/{name}.json`, each with an optional `region=CODE`.
pub async fn agency(
    req: HttpRequest,
    state: web::Data<WebState>,
    path: web::Path<String>,
) -> Result<HttpResponse, FormattedError> {
    let format = Format::of(&req);
    let run = async {
        let mut pairs = Pairs::parse(req.query_string())?;
        let place = pairs.take_parsed("region", parse_place)?;
        pairs.finish(&["region"])?;
        let name = path.into_inner();
        if name.chars().count() > 200 {
            return Err(WebError::not_found(format!("agency {name}")));
        }
        let found = blocking(&state, move |a| find(a, name, place)).await??;
        match (found, format) {
            (Found::History(history), Format::Json) => Ok(json_response(&history)),
            (Found::History(history), _) => render_page(&agency_page(history)),
            (Found::Places(places), Format::Json) => Ok(json_response(&places)),
            (Found::Places(places), _) => render_page(&places_page(places)),
        }
    };
    run.await.map_err(|e| e.respond_as(format))
}

/// The agency of `name` in `place` (`Some(None)`: the unknown place); without a place, the
/// name's only agency or else its places.
fn find(
    archive: &Archive,
    name: String,
    place: Option<Option<String>>,
) -> crate::archive::Result<Result<Found, WebError>> {
    let places = archive.agency_places(&name)?;
    let code = match (place, places.as_slice()) {
        (_, []) => return Ok(Err(WebError::not_found(format!("agency {name}")))),
        (Some(code), _) => code,
        (None, [only]) => only.region.code.clone(),
        (None, _) => {
            return Ok(Ok(Found::Places(AgencyPlaces {
                agency: name,
                places,
            })))
        }
    };
    if !places.iter().any(|p| p.region.code == code) {
        let known: Vec<&str> = places
            .iter()
            .map(|p| p.region.code.as_deref().unwrap_or(UNKNOWN_PLACE))
            .collect();
        return Ok(Err(WebError::not_found(format!(
            "region={} for agency {name}; its regions: {}",
            code.as_deref().unwrap_or(UNKNOWN_PLACE),
            known.join(", ")
        ))));
    }
    Ok(archive
        .agency_history(&name, code.as_deref())?
        .map(Found::History)
        .ok_or_else(|| WebError::not_found(format!("agency {name}"))))
}

fn places_page(data: AgencyPlaces) -> AgencyPlacesPage {
    let places = data
        .places
        .iter()
        .map(|p| {
            let years = match (p.years.keys().next(), p.years.keys().next_back()) {
                (Some(first), Some(last)) if first != last => format!("{first}–{last}"),
                (Some(first), _) => first.to_string(),
                _ => String::new(),
            };
            let code = p.region.code.as_deref();
            PlaceRow {
                region: match region_words(&p.region) {
                    words if words.is_empty() => "地区未识别".into(),
                    words => words,
                },
                code: code.unwrap_or(UNKNOWN_PLACE).to_string(),
                level: level_zh(p.level).to_string(),
                years,
                reports: p.years.len(),
                url: match code {
                    Some(_) => agency_url(&data.agency, code),
                    None => url_with(
                        &agency_url(&data.agency, None),
                        &[("region", UNKNOWN_PLACE.to_string())],
                    ),
                },
                demo: p.demo,
            }
        })
        .collect();
    AgencyPlacesPage {
        layout: Layout {
            title: format!("{}（{} 个地区）", data.agency, data.places.len()),
            json_url: Some(agency_json_url(&data.agency, None)),
            demo: data.places.iter().any(|p| p.demo),
            nav: "browse",
        },
        agency: data.agency,
        places,
    }
}

/// The region path (`/北京市/北京市/朝阳区`, as the search's `region` filter takes it) that
/// narrows a search to the agency's place; a name alone (朝阳区) would take in its namesakes.
fn search_region(region: &Region) -> Option<String> {
    let parts = region.parts();
    (!parts.is_empty()).then(|| format!("/{}", parts.join("/")))
}

fn agency_page(h: AgencyHistory) -> AgencyPage {
    let mut details = region_words(&h.region);
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
    let mut filter = vec![("agency", h.agency.clone())];
    if let Some(region) = search_region(&h.region) {
        filter.push(("region", region));
    }
    AgencyPage {
        layout: Layout {
            title: h.agency.clone(),
            json_url: Some(agency_json_url(&h.agency, h.region.code.as_deref())),
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
        search_url: url_with("/search", &filter),
        csv_url: url_with("/search.csv", &filter),
        agency: h.agency,
    }
}
