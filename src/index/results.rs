//! What a search returns: the total, one page of hits and the facet counts of all matches.
//! Plain Serialize data, rendered by the web pages, the JSON API and the CLI. Calls nothing.

use crate::record::{Kind, Level, Region, Template};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The answer to a [`crate::index::SearchRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of matching reports.
    pub total: usize,
    /// The requested page of them.
    pub hits: Vec<Hit>,
    /// Counts over all matches.
    pub facets: Facets,
}

/// One matching report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Record id.
    pub id: String,
    /// Issuing body.
    pub agency: Option<String>,
    /// Statistics year.
    pub year: Option<i32>,
    /// Title.
    pub title: Option<String>,
    /// Administrative level.
    pub level: Level,
    /// Government or department.
    pub kind: Option<Kind>,
    /// Table template.
    pub template: Template,
    /// Where the agency sits.
    pub region: Region,
    /// HTML: escaped text with the matched words in `<b>…</b>`, "…" where cut.
    pub snippet: String,
    /// Key figures the report gives, by statistic key (`requests.new.total` …).
    pub figures: BTreeMap<String, i64>,
    /// True when a consistency check failed.
    pub failed_checks: bool,
    /// Demonstration data.
    pub demo: bool,
    /// Relevance score (0 when not ranked by text).
    pub score: f32,
}

/// Facet counts over all matches of a search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// By statistics year, newest first.
    pub year: Vec<FacetCount>,
    /// By level keyword, most frequent first.
    pub level: Vec<FacetCount>,
    /// By province name, most frequent first.
    pub province: Vec<FacetCount>,
    /// The 20 most frequent agencies.
    pub agency: Vec<FacetCount>,
    /// By template keyword, most frequent first.
    pub template: Vec<FacetCount>,
}

/// One value of a facet and how many matches have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value as filters take it (`county`, `2021`, 山东省 …).
    pub value: String,
    /// Number of matching reports with that value.
    pub count: u64,
}
