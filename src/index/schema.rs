//! The tantivy schema of the full-text index: every field is named here and only here, with the
//! statistic keys users may filter and sort on ([`STAT_KEYS`]) and their tantivy-safe names.
//! Calls tantivy's schema builder and the tokenizer's name; builds no documents.

use crate::index::tokenizer::{REGION_SPAN, TOKENIZER_NAME};
use crate::record::{Kind, Level, Template};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

/// Version of the schema and of what goes into each field; bump it whenever a field or its
/// content changes, so that an index written by an older build is reported stale.
/// 3: title and agency name are indexed in `narrative` (one posting list per word instead of a
/// union over three fields); the `title` and `agency_text` fields are gone.
/// 4: sections are told apart by their positions in `narrative` ([`section_positions`]); the
/// `section_1` … `section_6` fields, which indexed every section's words a second time, are gone.
pub const SCHEMA_VERSION: u32 = 4;

/// The statistic keys a [`crate::index::Condition`] or a stat sort may name: dotted schema keys
/// (`requests.denied.total` is the sum of the 不予公开 rows) plus `failed_checks`, the number of
/// failed consistency checks.
pub const STAT_KEYS: &[&str] = &[
    "requests.new.total",
    "requests.carried_over.total",
    "requests.granted.total",
    "requests.partly_granted.total",
    "requests.denied.total",
    "requests.unavailable.total",
    "requests.not_processed.total",
    "requests.other.total",
    "requests.total.total",
    "requests.carried_forward.total",
    "review.reconsideration.total",
    "review.litigation_direct.total",
    "review.litigation_after_reconsideration.total",
    "proactive.normative_documents.in_force",
    "proactive.licensing.decisions",
    "proactive.penalties.decisions",
    "proactive.coercion.decisions",
    "failed_checks",
];

/// Number of narrative sections a search can be limited to (一 … 六).
pub const SECTION_COUNT: u8 = 6;

/// The narrative positions of a section are its tokenizer region ([`push_part`] with the
/// section's number; the title, the agency name and unnumbered sections are region 0), so a
/// search limited to a section reads the narrative's postings and keeps the positions in range.
///
/// [`push_part`]: crate::index::tokenizer::push_part
/// The narrative positions of section `n`, or of the title, agency and unnumbered sections
/// for `None`; `None` for a section number outside 1 ..= [`SECTION_COUNT`].
pub fn section_positions(n: Option<u8>) -> Option<std::ops::Range<u32>> {
    let region = match n {
        None => 0,
        Some(n) if (1..=SECTION_COUNT).contains(&n) => u32::from(n),
        Some(_) => return None,
    };
    Some(region * REGION_SPAN..(region + 1) * REGION_SPAN)
}

/// The tantivy field name of a statistic key (dots are path separators to tantivy).
pub fn stat_field_name(key: &str) -> String {
    format!("stat_{}", key.replace('.', "_"))
}

/// Field names used by fast-field readers.
pub mod names {
    /// Report id.
    pub const ID: &str = "id";
    /// Statistics year.
    pub const YEAR: &str = "year";
    /// Exact agency name.
    pub const AGENCY: &str = "agency";
    /// Level keyword.
    pub const LEVEL: &str = "level";
    /// Template keyword.
    pub const TEMPLATE: &str = "template";
    /// Province name.
    pub const PROVINCE: &str = "province";
}

/// Handles of every field.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Report id: exact, stored, fast (for `ids()` and upserts).
    pub id: Field,
    /// The title, the agency name and all narrative sections (with their headings),
    /// jieba-tokenized with positions: the one field words are looked for in. Each section's
    /// words are at the positions of [`section_positions`].
    pub narrative: Field,
    /// Agency name, exact (filter, facet, sort, suggestions).
    pub agency: Field,
    /// Region path facet `/山东省/淄博市/高青县`.
    pub region: Field,
    /// Every region name of the report (province, city, county), exact.
    pub region_name: Field,
    /// Province name, exact (facet).
    pub province: Field,
    /// `national` … `unknown`.
    pub level: Field,
    /// `government` or `department`.
    pub kind: Field,
    /// `2021`, `2019`, `pre2019`, `unknown`.
    pub template: Field,
    /// Statistics year.
    pub year: Field,
    /// Demonstration data.
    pub demo: Field,
    /// One i64 field per [`STAT_KEYS`] entry, in that order.
    pub stats: Vec<Field>,
    /// JSON of what a hit shows and the section texts for snippets (stored only).
    pub stored: Field,
}

impl Fields {
    /// The field of a statistic key, if the key is one of [`STAT_KEYS`].
    pub fn stat(&self, key: &str) -> Option<Field> {
        let i = STAT_KEYS.iter().position(|k| *k == key)?;
        self.stats.get(i).copied()
    }
}

/// Build the schema and the handles of its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(text_indexing);
    let exact_fast = STRING.set_fast("raw");

    let id = b.add_text_field(names::ID, STRING.set_stored().set_fast("raw"));
    let narrative = b.add_text_field("narrative", text);
    let agency = b.add_text_field(names::AGENCY, exact_fast.clone());
    let region = b.add_facet_field("region", tantivy::schema::FacetOptions::default());
    let region_name = b.add_text_field("region_name", STRING);
    let province = b.add_text_field(names::PROVINCE, exact_fast.clone());
    let level = b.add_text_field(names::LEVEL, exact_fast.clone());
    let kind = b.add_text_field("kind", STRING);
    let template = b.add_text_field(names::TEMPLATE, exact_fast);
    let year = b.add_i64_field(names::YEAR, INDEXED | FAST);
    let demo = b.add_bool_field("demo", INDEXED);
    let stats = STAT_KEYS
        .iter()
        .map(|key| b.add_i64_field(&stat_field_name(key), INDEXED | FAST))
        .collect();
    let stored = b.add_text_field("stored", STORED);
    let fields = Fields {
        id,
        narrative,
        agency,
        region,
        region_name,
        province,
        level,
        kind,
        template,
        year,
        demo,
        stats,
        stored,
    };
    (b.build(), fields)
}

/// The keyword stored for a level (its serde name).
pub fn level_keyword(level: Level) -> &'static str {
    match level {
        Level::National => "national",
        Level::Province => "province",
        Level::City => "city",
        Level::County => "county",
        Level::Township => "township",
        Level::Unknown => "unknown",
    }
}

/// The keyword stored for a kind (its serde name).
pub fn kind_keyword(kind: Kind) -> &'static str {
    match kind {
        Kind::Government => "government",
        Kind::Department => "department",
    }
}

/// The keyword stored for a template (its serde name).
pub fn template_keyword(template: Template) -> &'static str {
    match template {
        Template::T2021 => "2021",
        Template::T2019 => "2019",
        Template::Pre2019 => "pre2019",
        Template::Unknown => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_positions_do_not_overlap_and_fit_in_u32() {
        let ranges: Vec<_> = [None, Some(1), Some(2), Some(6)]
            .into_iter()
            .map(|n| section_positions(n).expect("a known section"))
            .collect();
        assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
        assert_eq!(section_positions(Some(0)), None);
        assert_eq!(section_positions(Some(7)), None);
        assert!(ranges.iter().all(|r| r.start < r.end));
    }

    #[test]
    fn every_stat_key_has_its_own_field() {
        let (schema, fields) = build();
        assert_eq!(fields.stats.len(), STAT_KEYS.len());
        for key in STAT_KEYS {
            let name = stat_field_name(key);
            assert!(!name.contains('.'), "{name}");
            assert_eq!(schema.get_field(&name).ok(), fields.stat(key));
        }
    }

    #[test]
    fn keywords_match_serde_names() {
        for level in [Level::National, Level::County, Level::Unknown] {
            let json = serde_json::to_value(level).unwrap_or_default();
            assert_eq!(json.as_str(), Some(level_keyword(level)));
        }
        for t in [
            Template::T2021,
            Template::T2019,
            Template::Pre2019,
            Template::Unknown,
        ] {
            let json = serde_json::to_value(t).unwrap_or_default();
            assert_eq!(json.as_str(), Some(template_keyword(t)));
        }
        let json = serde_json::to_value(Kind::Government).unwrap_or_default();
        assert_eq!(json.as_str(), Some(kind_keyword(Kind::Government)));
    }
}
