//! Query strings → typed parameters. Plain names filter (q, agency, region, level, kind,
//! template, year, from, to, where, failed_checks, section, demo, `<statistic>__gte/__lte`),
//! underscore names steer (`_sort`, `_page`, `_size`). A bad or unknown parameter is a
//! [`WebError::BadParam`] naming it; empty values count as absent (what an empty form field
//! sends). Also the canonical query string of a search, so that links are built in one place.
//! Calls the index's request types; no handler logic.

use crate::archive::CsvHeaders;
use crate::index::{Condition, Op, SearchRequest, Sort, STAT_KEYS};
use crate::record::{Kind, Level, Template};
use crate::web::error::WebError;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The longest query string read (bytes); longer ones get 414.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// The longest `q` (characters).
pub const MAX_Q_CHARS: usize = 500;
/// Largest page size.
pub const MAX_PAGE_SIZE: usize = 100;
/// Default page size.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Deepest page (bounds the work of a single request).
pub const MAX_PAGE: usize = 10_000;

/// The decoded pairs of a query string, taken one name at a time; what is left at the end is
/// an unknown parameter.
#[derive(Debug)]
pub struct Pairs {
    pairs: Vec<(String, String)>,
}

impl Pairs {
    /// Decodes a query string (bounded in length).
    pub fn parse(query: &str) -> Result<Pairs, WebError> {
        if query.len() > MAX_QUERY_BYTES {
            return Err(WebError::UriTooLong {
                length: query.len(),
                limit: MAX_QUERY_BYTES,
            });
        }
        let pairs = actix_web::web::Query::<Vec<(String, String)>>::from_query(query)
            .map_err(|e| WebError::bad_param("query string", format!("cannot be decoded: {e}")))?
            .into_inner();
        Ok(Pairs { pairs })
    }

    /// Every non-empty value of a repeatable parameter, trimmed.
    pub fn take_all(&mut self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.pairs.retain(|(k, v)| {
            if k == name {
                let v = v.trim();
                if !v.is_empty() {
                    out.push(v.to_string());
                }
                false
            } else {
                true
            }
        });
        out
    }

    /// The value of a parameter given at most once (empty counts as absent).
    pub fn take(&mut self, name: &str) -> Result<Option<String>, WebError> {
        let mut values = self.take_all(name);
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            n => Err(WebError::bad_param(
                name,
                format!("given {n} times, expected at most once"),
            )),
        }
    }

    /// A parameter parsed by `parse`, whose error says what it accepts.
    pub fn take_parsed<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, WebError> {
        match self.take(name)? {
            None => Ok(None),
            Some(v) => parse(&v)
                .map(Some)
                .map_err(|p| WebError::bad_param(name, p)),
        }
    }

    /// Fails on the first parameter nobody took, listing the accepted ones.
    pub fn finish(self, accepted: &[&str]) -> Result<(), WebError> {
        match self.pairs.into_iter().find(|(_, v)| !v.trim().is_empty()) {
            None => Ok(()),
            Some((name, _)) => Err(WebError::bad_param(
                name,
                format!("unknown parameter; accepted: {}", accepted.join(", ")),
            )),
        }
    }
}

/// Everything a search page, its JSON twin and its downloads take.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    /// Words to find.
    pub q: String,
    /// Exact agency name.
    pub agency: Option<String>,
    /// Province, city or county.
    pub region: Option<String>,
    /// Level.
    pub level: Option<Level>,
    /// Government or department.
    pub kind: Option<Kind>,
    /// Template.
    pub template: Option<Template>,
    /// First year.
    pub year_from: Option<i32>,
    /// Last year.
    pub year_to: Option<i32>,
    /// Statistic conditions (`where` and the `__gte`/`__lte` form fields).
    pub conditions: Vec<Condition>,
    /// Only reports whose tables do not add up.
    pub failed_checks: bool,
    /// Search one narrative section.
    pub section: Option<u8>,
    /// Only demo (true) or only real (false) reports.
    pub demo: Option<bool>,
    /// `_sort` as given (canonical spelling), `None` for the default.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: usize,
    /// Hits per page.
    pub size: usize,
    /// CSV column names.
    pub headers: CsvHeaders,
}

/// The parameters a search accepts, for the "unknown parameter" message.
pub const SEARCH_PARAMS: &[&str] = &[
    "q",
    "agency",
    "region",
    "level",
    "kind",
    "template",
    "year",
    "from",
    "to",
    "where",
    "<statistic>__gte",
    "<statistic>__lte",
    "failed_checks",
    "section",
    "demo",
    "headers",
    "_sort",
    "_page",
    "_size",
];

/// The `_sort` values besides statistics (`requests.new.total` ascending,
/// `-requests.new.total` descending).
pub const SORTS: &[&str] = &["relevance", "newest", "oldest", "agency"];

impl SearchParams {
    /// Parses a search's query string.
    pub fn parse(query: &str) -> Result<SearchParams, WebError> {
        let mut pairs = Pairs::parse(query)?;
        let params = SearchParams::take_from(&mut pairs)?;
        pairs.finish(SEARCH_PARAMS)?;
        Ok(params)
    }

    /// Takes the search parameters out of `pairs` (others stay for the caller).
    pub fn take_from(pairs: &mut Pairs) -> Result<SearchParams, WebError> {
        let q = pairs.take("q")?.unwrap_or_default();
        if q.chars().count() > MAX_Q_CHARS {
            return Err(WebError::bad_param(
                "q",
                format!(
                    "{} characters, at most {MAX_Q_CHARS} are accepted",
                    q.chars().count()
                ),
            ));
        }
        let agency = pairs.take_parsed("agency", parse_name)?;
        let region = pairs.take_parsed("region", parse_name)?;
        let level = pairs.take_parsed("level", |v| {
            parse_enum(v, "national, province, city, county, township, unknown")
        })?;
        let kind = pairs.take_parsed("kind", |v| parse_enum(v, "government, department"))?;
        let template = pairs.take_parsed("template", |v| {
            parse_enum(v, "2021, 2019, pre2019, unknown")
        })?;
        let year = pairs.take_parsed("year", parse_year)?;
        let from = pairs.take_parsed("from", parse_year)?;
        let to = pairs.take_parsed("to", parse_year)?;
        let (year_from, year_to) = match (year, from, to) {
            (Some(y), None, None) => (Some(y), Some(y)),
            (Some(_), _, _) => {
                return Err(WebError::bad_param(
                    "year",
                    "give either year or from/to, not both",
                ))
            }
            (None, from, to) => (from, to),
        };
        if let (Some(f), Some(t)) = (year_from, year_to) {
            if f > t {
                return Err(WebError::bad_param(
                    "from",
                    format!("{f} is after to={t}; expected from <= to"),
                ));
            }
        }
        let mut conditions = Vec::new();
        for text in pairs.take_all("where") {
            let condition = text
                .parse::<Condition>()
                .map_err(|e| WebError::bad_param("where", e.to_string()))?;
            conditions.push(condition);
        }
        for key in STAT_KEYS {
            for (suffix, op) in [("__gte", Op::Ge), ("__lte", Op::Le)] {
                let name = format!("{key}{suffix}");
                if let Some(value) = pairs.take_parsed(&name, parse_count)? {
                    conditions.push(Condition {
                        key: key.to_string(),
                        op,
                        value,
                    });
                }
            }
        }
        let failed_checks = pairs
            .take_parsed("failed_checks", parse_flag)?
            .unwrap_or(false);
        let section = pairs.take_parsed("section", |v| match v.parse::<u8>() {
            Ok(n) if (1..=6).contains(&n) => Ok(n),
            _ => Err(format!(
                "expected a section number from 1 to 6, got \"{v}\""
            )),
        })?;
        let demo = pairs.take_parsed("demo", parse_flag)?;
        let headers = pairs
            .take_parsed("headers", |v| match v {
                "keys" => Ok(CsvHeaders::Keys),
                "zh" => Ok(CsvHeaders::Chinese),
                _ => Err(format!("expected keys or zh, got \"{v}\"")),
            })?
            .unwrap_or_default();
        let sort = pairs.take_parsed("_sort", parse_sort)?;
        let page = pairs
            .take_parsed("_page", |v| parse_bounded(v, 1, MAX_PAGE))?
            .unwrap_or(1);
        let size = pairs
            .take_parsed("_size", |v| parse_bounded(v, 1, MAX_PAGE_SIZE))?
            .unwrap_or(DEFAULT_PAGE_SIZE);
        Ok(SearchParams {
            q,
            agency,
            region,
            level,
            kind,
            template,
            year_from,
            year_to,
            conditions,
            failed_checks,
            section,
            demo,
            sort: sort.filter(|s| s != "relevance"),
            page,
            size,
            headers,
        })
    }

    /// The archive request of this page.
    pub fn request(&self) -> SearchRequest {
        let sort = match self.sort.as_deref() {
            None | Some("relevance") if self.q.trim().is_empty() => Sort::YearDesc,
            None | Some("relevance") => Sort::Relevance,
            Some("newest") => Sort::YearDesc,
            Some("oldest") => Sort::YearAsc,
            Some("agency") => Sort::Agency,
            Some(stat) => match stat.strip_prefix('-') {
                Some(key) => Sort::Stat {
                    key: key.to_string(),
                    descending: true,
                },
                None => Sort::Stat {
                    key: stat.to_string(),
                    descending: false,
                },
            },
        };
        SearchRequest {
            q: self.q.clone(),
            agency: self.agency.clone(),
            region: self.region.clone(),
            level: self.level,
            kind: self.kind,
            template: self.template,
            year_from: self.year_from,
            year_to: self.year_to,
            conditions: self.conditions.clone(),
            failed_checks: self.failed_checks,
            section: self.section,
            demo: self.demo,
            sort,
            offset: (self.page - 1) * self.size,
            limit: self.size,
        }
    }

    /// The canonical pairs of this search, without `_page` (links add it).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        if !self.q.is_empty() {
            out.push(("q", self.q.clone()));
        }
        if let Some(a) = &self.agency {
            out.push(("agency", a.clone()));
        }
        if let Some(r) = &self.region {
            out.push(("region", r.clone()));
        }
        if let Some(l) = self.level {
            out.push(("level", serde_name(&l)));
        }
        if let Some(k) = self.kind {
            out.push(("kind", serde_name(&k)));
        }
        if let Some(t) = self.template {
            out.push(("template", serde_name(&t)));
        }
        match (self.year_from, self.year_to) {
            (Some(f), Some(t)) if f == t => out.push(("year", f.to_string())),
            (f, t) => {
                if let Some(f) = f {
                    out.push(("from", f.to_string()));
                }
                if let Some(t) = t {
                    out.push(("to", t.to_string()));
                }
            }
        }
        for c in &self.conditions {
            out.push(("where", c.to_string()));
        }
        if self.failed_checks {
            out.push(("failed_checks", "1".into()));
        }
        if let Some(s) = self.section {
            out.push(("section", s.to_string()));
        }
        if let Some(d) = self.demo {
            out.push(("demo", d.to_string()));
        }
        if let Some(s) = &self.sort {
            out.push(("_sort", s.clone()));
        }
        if self.size != DEFAULT_PAGE_SIZE {
            out.push(("_size", self.size.to_string()));
        }
        if self.headers == CsvHeaders::Chinese {
            out.push(("headers", "zh".into()));
        }
        out
    }

    /// `path` with this search's canonical query string (and `_page` when not 1).
    pub fn url(&self, path: &str) -> String {
        let mut pairs = self.pairs();
        if self.page > 1 {
            pairs.push(("_page", self.page.to_string()));
        }
        url_with(path, &pairs)
    }

    /// True when nothing filters the search (no words, no filters).
    pub fn is_empty(&self) -> bool {
        let blank = SearchParams {
            sort: self.sort.clone(),
            page: self.page,
            size: self.size,
            headers: self.headers,
            ..SearchParams::default()
        };
        *self == blank
    }
}

/// `path?k=v&…` with every key and value percent-encoded; just `path` without pairs. Written
/// into one buffer: a search page builds a hundred of these links.
pub fn url_with(path: &str, pairs: &[(&str, String)]) -> String {
    let mut url = String::with_capacity(path.len() + pairs.len() * 24);
    url.push_str(path);
    for (i, (key, value)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.extend(utf8_percent_encode(key, NOT_UNRESERVED));
        url.push('=');
        url.extend(utf8_percent_encode(value, NOT_UNRESERVED));
    }
    url
}

/// Every byte but RFC 3986's unreserved characters (ALPHA / DIGIT / - . _ ~).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986 unreserved characters (for path segments such as
/// Chinese agency names and for query values).
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// The serde name of a unit enum value (`county`, `2021`).
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(v: &str, accepted: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(v.to_string()))
        .map_err(|_| format!("expected one of {accepted}, got \"{v}\""))
}

fn parse_name(v: &str) -> Result<String, String> {
    if v.chars().count() > 100 {
        Err("longer than 100 characters".into())
    } else {
        Ok(v.to_string())
    }
}

/// The value of `region` that picks, among the places of an agency name, the reports whose
/// place is unknown (they have no code to name it by).
pub const UNKNOWN_PLACE: &str = "none";

/// An agency page's `region`: the place of the agency, as a GB/T 2260 code (`110105`), or
/// [`UNKNOWN_PLACE`] for reports whose place is unknown. `Some(code)` or `None` like
/// `record.region.code`.
pub fn parse_place(v: &str) -> Result<Option<String>, String> {
    if v == UNKNOWN_PLACE {
        Ok(None)
    } else if v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(v.to_string()))
    } else {
        Err(format!(
            "expected a 6-digit GB/T 2260 code (e.g. 110105) or {UNKNOWN_PLACE}, got \"{v}\""
        ))
    }
}

/// A statistics year: four digits from 1990 to 2100.
pub fn parse_year(v: &str) -> Result<i32, String> {
    match v.parse::<i32>() {
        Ok(y) if v.len() == 4 && (1990..=2100).contains(&y) => Ok(y),
        _ => Err(format!(
            "expected a 4-digit year from 1990 to 2100, got \"{v}\""
        )),
    }
}

fn parse_count(v: &str) -> Result<i64, String> {
    v.parse::<i64>()
        .map_err(|_| format!("expected an integer, got \"{v}\""))
}

fn parse_flag(v: &str) -> Result<bool, String> {
    match v {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        _ => Err(format!("expected 1 or 0 (true or false), got \"{v}\"")),
    }
}

fn parse_bounded(v: &str, min: usize, max: usize) -> Result<usize, String> {
    match v.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number from {min} to {max}, got \"{v}\""
        )),
    }
}

fn parse_sort(v: &str) -> Result<String, String> {
    let key = v.strip_prefix('-').unwrap_or(v);
    if SORTS.contains(&v) || STAT_KEYS.contains(&key) {
        Ok(v.to_string())
    } else {
        Err(format!(
            "expected one of {} or a statistic (descending with a leading -), e.g. -requests.new.total; got \"{v}\"",
            SORTS.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(query: &str) -> String {
        match SearchParams::parse(query) {
            Err(WebError::BadParam { param, .. }) => param,
            other => panic!("{query}: {other:?}"),
        }
    }

    #[test]
    fn bad_values_name_their_parameter() {
        assert_eq!(bad("year=abc"), "year");
        assert_eq!(bad("where=foo"), "where");
        assert_eq!(bad("where=nope>=1"), "where");
        assert_eq!(bad("level=moon"), "level");
        assert_eq!(bad("_size=1000"), "_size");
        assert_eq!(bad("_page=0"), "_page");
        assert_eq!(bad("section=9"), "section");
        assert_eq!(bad("_sort=size"), "_sort");
        assert_eq!(bad("from=2024&to=2020"), "from");
        assert_eq!(bad("colour=red"), "colour");
        assert_eq!(bad("q=a&q=b"), "q");
        assert_eq!(bad("requests.new.total__gte=x"), "requests.new.total__gte");
    }

    #[test]
    fn empty_form_fields_are_absent_and_urls_round_trip() {
        let p = SearchParams::parse(
            "q=%E5%BB%BA%E8%AE%AE&agency=&year=2024&requests.new.total__gte=5&failed_checks=on&_sort=-requests.new.total&_page=2",
        )
        .unwrap();
        assert_eq!(p.q, "建议");
        assert_eq!(p.agency, None);
        assert_eq!((p.year_from, p.year_to), (Some(2024), Some(2024)));
        assert_eq!(p.conditions[0].to_string(), "requests.new.total>=5");
        let url = p.url("/search");
        let again = SearchParams::parse(url.split_once('?').unwrap().1).unwrap();
        assert_eq!(again, p);
        assert_eq!(p.request().offset, DEFAULT_PAGE_SIZE);
    }

    #[test]
    fn an_agency_place_is_a_code_or_none() {
        assert_eq!(parse_place("110105"), Ok(Some("110105".into())));
        assert_eq!(parse_place(UNKNOWN_PLACE), Ok(None));
        for bad in ["11010", "1101050", "北京市", "abcdef"] {
            let problem = parse_place(bad).unwrap_err();
            assert!(problem.contains("6-digit GB/T 2260 code"), "{problem}");
        }
    }

    #[test]
    fn huge_query_is_too_long() {
        let q = format!("q={}", "x".repeat(MAX_QUERY_BYTES));
        assert!(matches!(
            SearchParams::parse(&q),
            Err(WebError::UriTooLong { .. })
        ));
    }

    #[test]
    fn encode_keeps_unreserved_only() {
        assert_eq!(encode("a b/山"), "a%20b%2F%E5%B1%B1");
    }
}
