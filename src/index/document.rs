//! One Record as one tantivy document: which record value goes into which field, the
//! statistics of [`STAT_KEYS`] (group sums included), and the stored JSON a hit is built from.
//! Calls the record and the schema's field handles; runs no index operation.

use crate::index::schema::{self, Fields, SECTION_COUNT, STAT_KEYS};
use crate::index::tokenizer::push_part;
use crate::record::{Kind, Level, Record, Region, Requests, Template, REQUEST_ROWS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tantivy::schema::Facet;
use tantivy::TantivyDocument;

/// What the index stores of a report: the hit's fields and the section texts for snippets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct StoredReport {
    pub id: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub title: Option<String>,
    pub level: Level,
    pub kind: Option<Kind>,
    pub template: Template,
    pub region: Region,
    pub figures: BTreeMap<String, i64>,
    pub failed_checks: bool,
    pub demo: bool,
    /// `(section number 1..=6 when it is one of 一 … 六, text)` in report order.
    pub sections: Vec<(Option<u8>, String)>,
}

impl StoredReport {
    /// The whole narrative, sections joined by newlines.
    pub fn narrative(&self) -> String {
        let texts: Vec<&str> = self.sections.iter().map(|(_, t)| t.as_str()).collect();
        texts.join("\n")
    }

    /// The text of section `n`, empty when the report has none.
    pub fn section(&self, n: u8) -> &str {
        self.sections
            .iter()
            .find(|(number, _)| *number == Some(n))
            .map(|(_, t)| t.as_str())
            .unwrap_or_default()
    }

    /// The text a snippet without highlights starts from: section 一, else the first section.
    pub fn opening(&self) -> &str {
        match self.section(1) {
            "" => self
                .sections
                .first()
                .map(|(_, t)| t.as_str())
                .unwrap_or_default(),
            text => text,
        }
    }
}

/// Section number 1..=6 of a printed section number (一 … 六, or 1 … 6).
pub(crate) fn section_number(printed: &str) -> Option<u8> {
    let n = match printed.trim().trim_end_matches(['、', '.', '．', ' ']) {
        "一" | "1" => 1,
        "二" | "2" => 2,
        "三" | "3" => 3,
        "四" | "4" => 4,
        "五" | "5" => 5,
        "六" | "6" => 6,
        _ => return None,
    };
    (n <= SECTION_COUNT).then_some(n)
}

/// The value of a statistic key for a record, if the record has it.
pub fn stat_value(record: &Record, key: &str) -> Option<i64> {
    if key == "failed_checks" {
        return Some(record.checks.iter().filter(|c| !c.passed).count() as i64);
    }
    let (table, rest) = key.split_once('.')?;
    match table {
        "requests" => {
            let requests = record.requests.as_ref()?;
            let row = rest.strip_suffix(".total")?;
            match row {
                "denied" | "unavailable" | "not_processed" | "other" => group_sum(requests, row),
                _ => requests.row(row)?.total,
            }
        }
        "review" => {
            let group = rest.strip_suffix(".total")?;
            record.review.as_ref()?.group(group)?.total
        }
        "proactive" => {
            let p = record.proactive.as_ref()?;
            match rest {
                "normative_documents.in_force" => p.normative_documents.as_ref()?.in_force,
                "licensing.decisions" => p.licensing.as_ref()?.decisions,
                "penalties.decisions" => p.penalties.as_ref()?.decisions,
                "coercion.decisions" => p.coercion.as_ref()?.decisions,
                _ => None,
            }
        }
        _ => None,
    }
}

/// The sum of the `total` column over a group of rows (`denied.*` …); for `other`, the 2019
/// single row `other.total` when present. Absent when no row of the group has a total.
fn group_sum(requests: &Requests, group: &str) -> Option<i64> {
    if group == "other" {
        if let Some(total) = requests.row("other.total").and_then(|r| r.total) {
            return Some(total);
        }
    }
    let prefix = format!("{group}.");
    REQUEST_ROWS
        .iter()
        .filter(|row| row.starts_with(&prefix) && **row != "other.total")
        .filter_map(|row| requests.row(row).and_then(|r| r.total))
        .fold(None, |sum: Option<i64>, v| {
            Some(sum.unwrap_or(0).saturating_add(v))
        })
}

/// The region path `/省/市/县` of the parts the record gives.
fn region_facet(region: &Region) -> Option<Facet> {
    let parts = region.parts();
    (!parts.is_empty()).then(|| Facet::from_path(parts))
}

/// The tantivy document of a record, and what is stored of it.
pub(crate) fn build(record: &Record, fields: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.id, &record.id);

    let mut stored = StoredReport {
        id: record.id.clone(),
        agency: record.agency.clone(),
        year: record.year,
        title: record.title.clone(),
        level: record.level,
        kind: record.kind,
        template: record.template,
        region: record.region.clone(),
        failed_checks: record.has_failed_checks(),
        demo: record.demo,
        ..Default::default()
    };

    // Words of the title and the agency name are found like words of the narrative, in one
    // field: a search reads one posting list per word.
    // Each section's words go to its own positions (schema::section_positions), so that a
    // search can be limited to a section without indexing its words a second time.
    let mut narrative = String::new();
    for text in [&record.title, &record.agency].into_iter().flatten() {
        push_part(&mut narrative, 0, text);
    }
    for section in &record.sections {
        let number = section_number(&section.number);
        for text in [&section.heading, &section.text] {
            push_part(&mut narrative, number.unwrap_or(0), text);
        }
        stored.sections.push((number, section.text.clone()));
    }
    if !narrative.is_empty() {
        doc.add_text(fields.narrative, narrative);
    }
    if let Some(agency) = record
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        doc.add_text(fields.agency, agency);
    }
    if let Some(facet) = region_facet(&record.region) {
        doc.add_facet(fields.region, facet);
    }
    let region = &record.region;
    for name in [&region.province, &region.city, &region.county]
        .into_iter()
        .flatten()
    {
        doc.add_text(fields.region_name, name.trim());
    }
    if let Some(province) = &region.province {
        doc.add_text(fields.province, province.trim());
    }
    doc.add_text(fields.level, schema::level_keyword(record.level));
    if let Some(kind) = record.kind {
        doc.add_text(fields.kind, schema::kind_keyword(kind));
    }
    doc.add_text(fields.template, schema::template_keyword(record.template));
    if let Some(year) = record.year {
        doc.add_i64(fields.year, i64::from(year));
    }
    doc.add_bool(fields.demo, record.demo);
    for (key, field) in STAT_KEYS.iter().zip(&fields.stats) {
        if let Some(value) = stat_value(record, key) {
            doc.add_i64(*field, value);
            if *key != "failed_checks" {
                stored.figures.insert((*key).to_string(), value);
            }
        }
    }
    let json = serde_json::to_string(&stored).expect("a StoredReport always serializes");
    doc.add_text(fields.stored, json);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Applicants, Check, Denied, OtherHandling};

    fn row(total: i64) -> Option<Applicants> {
        Some(Applicants {
            total: Some(total),
            ..Default::default()
        })
    }

    #[test]
    fn group_sums_add_the_rows_and_absent_stays_absent() {
        let mut record = Record::default();
        assert_eq!(stat_value(&record, "requests.new.total"), None);
        record.requests = Some(Requests {
            new: row(7),
            denied: Denied {
                state_secret: row(1),
                third_party: row(2),
                ..Default::default()
            },
            other: OtherHandling {
                total: row(4),
                other: row(9),
                ..Default::default()
            },
            ..Default::default()
        });
        assert_eq!(stat_value(&record, "requests.new.total"), Some(7));
        assert_eq!(stat_value(&record, "requests.denied.total"), Some(3));
        assert_eq!(stat_value(&record, "requests.other.total"), Some(4));
        assert_eq!(stat_value(&record, "requests.unavailable.total"), None);
        assert_eq!(stat_value(&record, "review.reconsideration.total"), None);
        record.checks.push(Check::default());
        assert_eq!(stat_value(&record, "failed_checks"), Some(1));
    }

    #[test]
    fn every_stat_key_is_understood() {
        // A key stat_value cannot read would silently never match.
        let records = crate::index::tests::seed_records();
        for record in &records {
            for key in STAT_KEYS {
                if key.starts_with("requests.")
                    || key.starts_with("review.")
                    || *key == "failed_checks"
                {
                    assert!(stat_value(record, key).is_some(), "{}: {key}", record.id);
                }
            }
        }
    }

    #[test]
    fn narrative_words_lie_in_their_sections_positions_in_order() {
        let section = |number: &str, text: &str| crate::record::Section {
            number: number.into(),
            heading: "情况".into(),
            text: text.into(),
        };
        // Section 二 printed before 一, and one without a number.
        let record = Record {
            title: Some("某某局年度报告".into()),
            sections: vec![
                section("二", "主动公开文件。"),
                section("一", "总体情况良好。"),
                section("", "附件说明。"),
            ],
            ..Default::default()
        };
        let (_, fields) = schema::build();
        let doc = build(&record, &fields);
        let value = doc
            .get_first(fields.narrative)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
            .expect("a narrative")
            .to_string();
        let tokens = crate::index::tokenizer::index_tokens(&value);
        assert!(tokens.windows(2).all(|w| w[0].position <= w[1].position));
        let region = |n| schema::section_positions(n).expect("known");
        let title: Vec<_> = tokens.iter().filter(|t| t.text == "年度报告").collect();
        assert!(!title.is_empty());
        assert!(title
            .iter()
            .all(|t| region(None).contains(&(t.position as u32))));
        for section in &record.sections {
            let n = section_number(&section.number);
            let words = crate::index::tokenizer::analyze(&section.text, false);
            let first = words.first().expect("a section with words");
            assert!(
                tokens
                    .iter()
                    .any(|t| t.text == first.text && region(n).contains(&(t.position as u32))),
                "section {n:?}: {}",
                first.text
            );
        }
    }

    #[test]
    fn section_numbers() {
        assert_eq!(section_number("一"), Some(1));
        assert_eq!(section_number("六、"), Some(6));
        assert_eq!(section_number("七"), None);
    }
}
