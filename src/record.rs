//! The structured record of one annual report: the common language of every module.
//!
//! Field names are the keys of `../shared/schema.md`, verbatim (no serde renames): they are a
//! public contract shared by the JSON API, the CSV export and the index. This module calls
//! nothing else in the crate; everything else calls it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// Version of the record layout stored in the archive; bump when a stored record would no
/// longer deserialize or would mean something else (then `nianbao reparse` rebuilds them).
pub const RECORD_VERSION: u32 = 1;

/// One parsed report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable identifier: the first 16 hex digits of the SHA-256 of the source bytes.
    pub id: String,
    /// Where the record came from.
    pub source: Source,
    /// The issuing body as the report names it, e.g. 淄博市工业和信息化局.
    pub agency: Option<String>,
    /// The statistics year (the year the report is about).
    pub year: Option<i32>,
    /// The report's title line(s), joined.
    pub title: Option<String>,
    /// Which table template the report follows.
    pub template: Template,
    /// Administrative level of the agency.
    pub level: Level,
    /// `government` (a 人民政府's own report) or `department`; `None` when no agency was found.
    pub kind: Option<Kind>,
    /// Where the agency sits.
    pub region: Region,
    /// Publication date (YYYY-MM-DD) when the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Narrative sections 一 … 六 (and any extra), without table cells.
    pub sections: Vec<Section>,
    /// Table 二: 主动公开政府信息情况.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive: Option<Proactive>,
    /// Table 三: 收到和处理政府信息公开申请情况.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<Requests>,
    /// Table 四: 政府信息公开行政复议、行政诉讼情况.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    /// Numbers the narrative states.
    pub facts: Facts,
    /// Consistency rules (勾稽关系) 1–5, each with the numbers on both sides.
    pub checks: Vec<Check>,
    /// Where each table value came from, keyed by its dotted schema key
    /// (`requests.new.total`), with the text as printed and any note inside the cell.
    pub cells: BTreeMap<String, CellSource>,
    /// Everything the parser did not understand.
    pub warnings: Vec<String>,
    /// True for generated demonstration reports (演示数据), never real government figures.
    #[serde(default)]
    pub demo: bool,
}

/// Provenance of a record: the file and its bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// File name as given to the parser (no directories of the importing machine).
    pub file: String,
    /// SHA-256 of the source bytes, lowercase hex.
    pub sha256: String,
    /// Size of the source in bytes.
    pub bytes: u64,
    /// Detected encoding of the text: `utf-8` or `gb18030`.
    pub encoding: String,
    /// Source format: `text` (and later `html`, `docx`, `pdf`).
    pub format: String,
    /// Publisher named by the page (发布机构), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
}

/// Table template.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Template {
    /// The 2021 format of 国办公开办函〔2021〕30号.
    #[serde(rename = "2021")]
    T2021,
    /// The 2019 format.
    #[serde(rename = "2019")]
    T2019,
    /// Free form before the 2019 template: no statistics tables.
    #[serde(rename = "pre2019")]
    Pre2019,
    /// Not recognised.
    #[default]
    #[serde(rename = "unknown")]
    Unknown,
}

/// Administrative level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 国务院 and its departments.
    National,
    /// 省、自治区、直辖市.
    Province,
    /// 地级市、自治州、地区、盟.
    City,
    /// 县、县级市、区、旗.
    County,
    /// 乡、镇、街道.
    Township,
    /// Not known.
    #[default]
    Unknown,
}

/// Kind of issuing body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A 人民政府's own report.
    Government,
    /// A department (局、委、办 …).
    Department,
}

/// Where the agency sits. Absent parts are `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// 省级.
    pub province: Option<String>,
    /// 地级.
    pub city: Option<String>,
    /// 县级.
    pub county: Option<String>,
    /// GB/T 2260 code of the most specific part, when the gazetteer knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl Region {
    /// The names the region gives, from province down, trimmed, empty ones left out: the
    /// parts of the region path `/省/市/县` that the index files a report under and that a
    /// search's `region` filter takes.
    pub fn parts(&self) -> Vec<&str> {
        [&self.province, &self.city, &self.county]
            .into_iter()
            .flatten()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// One narrative section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// 一, 二 … as printed.
    pub number: String,
    /// Heading without the number, e.g. 总体情况.
    pub heading: String,
    /// Narrative text without table cells.
    pub text: String,
}

/// A decimal amount (万元 or 元), serialized as an integer when it is whole so that `0` stays `0`.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Amount(pub f64);

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(Amount)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Table 二 in either template. 2021 rows use issued/repealed/in_force and decisions/amount;
/// 2019 rows use made/published/total_published and prior_items/change/decisions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Proactive {
    /// 规章.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulations: Option<ProactiveRow>,
    /// 行政规范性文件 (2019: 规范性文件).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normative_documents: Option<ProactiveRow>,
    /// 行政许可.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensing: Option<ProactiveRow>,
    /// 其他对外管理服务事项 (2019 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_services: Option<ProactiveRow>,
    /// 行政处罚.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalties: Option<ProactiveRow>,
    /// 行政强制.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coercion: Option<ProactiveRow>,
    /// 行政事业性收费.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<ProactiveRow>,
    /// 第二十条第（九）项 政府集中采购 (2019 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procurement: Option<ProactiveRow>,
}

/// One row of table 二; only the columns its template prints are present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProactiveRow {
    /// 本年制发件数 (2021).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<i64>,
    /// 本年废止件数 (2021).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repealed: Option<i64>,
    /// 现行有效件数 (2021).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force: Option<i64>,
    /// 本年新制作数量 (2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<i64>,
    /// 本年新公开数量 (2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<i64>,
    /// 对外公开总数量 (2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_published: Option<i64>,
    /// 上一年项目数量 (2019).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_items: Option<i64>,
    /// 本年增/减 (2019); may be negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<i64>,
    /// 本年处理决定数量 / 处理决定数量.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions: Option<i64>,
    /// 采购项目数量 (2019 procurement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<i64>,
    /// 本年收费金额（万元） (2021 fees) or 采购总金额 (2019 procurement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// Unit printed for `amount` when the report gives one other than the template's (元, 万元).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_unit: Option<String>,
}

/// The applicant columns of table 三.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicants {
    /// 自然人.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub natural_person: Option<i64>,
    /// 商业企业.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commercial: Option<i64>,
    /// 科研机构.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research: Option<i64>,
    /// 社会公益组织.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_welfare: Option<i64>,
    /// 法律服务机构.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_services: Option<i64>,
    /// 其他 (法人或其他组织).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_org: Option<i64>,
    /// 总计.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// Column keys of [`Applicants`], in the template's order.
pub const APPLICANT_COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
    "total",
];

impl Applicants {
    /// The value of a column by its key (see [`APPLICANT_COLUMNS`]).
    pub fn get(&self, column: &str) -> Option<i64> {
        match column {
            "natural_person" => self.natural_person,
            "commercial" => self.commercial,
            "research" => self.research,
            "social_welfare" => self.social_welfare,
            "legal_services" => self.legal_services,
            "other_org" => self.other_org,
            "total" => self.total,
            _ => None,
        }
    }

    /// A mutable slot for a column by its key; `None` for an unknown key.
    pub fn slot(&mut self, column: &str) -> Option<&mut Option<i64>> {
        match column {
            "natural_person" => Some(&mut self.natural_person),
            "commercial" => Some(&mut self.commercial),
            "research" => Some(&mut self.research),
            "social_welfare" => Some(&mut self.social_welfare),
            "legal_services" => Some(&mut self.legal_services),
            "other_org" => Some(&mut self.other_org),
            "total" => Some(&mut self.total),
            _ => None,
        }
    }
}

/// （三）不予公开.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denied {
    /// 1.属于国家秘密.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_secret: Option<Applicants>,
    /// 2.其他法律行政法规禁止公开.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prohibited_by_law: Option<Applicants>,
    /// 3.危及"三安全一稳定".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_stability: Option<Applicants>,
    /// 4.保护第三方合法权益.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party: Option<Applicants>,
    /// 5.属于三类内部事务信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_affairs: Option<Applicants>,
    /// 6.属于四类过程性信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_information: Option<Applicants>,
    /// 7.属于行政执法案卷.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement_files: Option<Applicants>,
    /// 8.属于行政查询事项.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inquiry_matters: Option<Applicants>,
}

/// （四）无法提供.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// 1.本机关不掌握相关政府信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_held: Option<Applicants>,
    /// 2.没有现成信息需要另行制作.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_creation: Option<Applicants>,
    /// 3.补正后申请内容仍不明确.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unclear: Option<Applicants>,
}

/// （五）不予处理.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotProcessed {
    /// 1.信访举报投诉类申请.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub petition: Option<Applicants>,
    /// 2.重复申请.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated: Option<Applicants>,
    /// 3.要求提供公开出版物.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publications: Option<Applicants>,
    /// 4.无正当理由大量反复申请.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excessive: Option<Applicants>,
    /// 5.要求行政机关确认或重新出具已获取信息.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation: Option<Applicants>,
}

/// （六）其他处理: three rows in the 2021 template, one (`total`) in the 2019 template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherHandling {
    /// 1.申请人无正当理由逾期不补正….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_correction: Option<Applicants>,
    /// 2.申请人逾期未按收费通知要求缴纳费用….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpaid_fee: Option<Applicants>,
    /// 3.其他.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Applicants>,
    /// （六）其他处理 as a single row (2019 template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Applicants>,
}

/// Table 三: 收到和处理政府信息公开申请情况.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requests {
    /// 一、本年新收政府信息公开申请数量.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Applicants>,
    /// 二、上年结转政府信息公开申请数量.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_over: Option<Applicants>,
    /// （一）予以公开.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted: Option<Applicants>,
    /// （二）部分公开.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partly_granted: Option<Applicants>,
    /// （三）不予公开.
    pub denied: Denied,
    /// （四）无法提供.
    pub unavailable: Unavailable,
    /// （五）不予处理.
    pub not_processed: NotProcessed,
    /// （六）其他处理.
    pub other: OtherHandling,
    /// （七）总计.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Applicants>,
    /// 四、结转下年度继续办理.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_forward: Option<Applicants>,
}

/// Counts the token trees it is given (the length of a row list below).
macro_rules! count {
    () => { 0 };
    ($head:tt $($tail:tt)*) => { 1 + count!($($tail)*) };
}

/// One list of `"dotted.key" => field.path` pairs gives [`REQUEST_ROWS`] and the row accessors
/// of [`Requests`], so the three can never disagree.
macro_rules! request_rows {
    ($($key:literal => $($field:ident).+,)*) => {
        /// Row keys of [`Requests`] in the template's order (2021 rows, then the 2019 single
        /// （六）其他处理 row), as dotted paths below `requests.`.
        pub const REQUEST_ROWS: [&str; count!($($key)*)] = [$($key),*];

        impl Requests {
            /// A row by its dotted key, e.g. `denied.state_secret`.
            pub fn row(&self, key: &str) -> Option<&Applicants> {
                match key {
                    $($key => self.$($field).+.as_ref(),)*
                    _ => None,
                }
            }

            /// A mutable row slot by its dotted key; `None` for an unknown key.
            pub fn row_slot(&mut self, key: &str) -> Option<&mut Option<Applicants>> {
                match key {
                    $($key => Some(&mut self.$($field).+),)*
                    _ => None,
                }
            }
        }
    };
}

request_rows! {
    "new" => new,
    "carried_over" => carried_over,
    "granted" => granted,
    "partly_granted" => partly_granted,
    "denied.state_secret" => denied.state_secret,
    "denied.prohibited_by_law" => denied.prohibited_by_law,
    "denied.security_stability" => denied.security_stability,
    "denied.third_party" => denied.third_party,
    "denied.internal_affairs" => denied.internal_affairs,
    "denied.process_information" => denied.process_information,
    "denied.enforcement_files" => denied.enforcement_files,
    "denied.inquiry_matters" => denied.inquiry_matters,
    "unavailable.not_held" => unavailable.not_held,
    "unavailable.needs_creation" => unavailable.needs_creation,
    "unavailable.unclear" => unavailable.unclear,
    "not_processed.petition" => not_processed.petition,
    "not_processed.repeated" => not_processed.repeated,
    "not_processed.publications" => not_processed.publications,
    "not_processed.excessive" => not_processed.excessive,
    "not_processed.confirmation" => not_processed.confirmation,
    "other.overdue_correction" => other.overdue_correction,
    "other.unpaid_fee" => other.unpaid_fee,
    "other.other" => other.other,
    "other.total" => other.total,
    "total" => total,
    "carried_forward" => carried_forward,
}

/// The 办理结果 rows whose sum is （七）总计 (rule 2).
pub const REQUEST_OUTCOME_ROWS: [&str; 22] = [
    "granted",
    "partly_granted",
    "denied.state_secret",
    "denied.prohibited_by_law",
    "denied.security_stability",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_information",
    "denied.enforcement_files",
    "denied.inquiry_matters",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.petition",
    "not_processed.repeated",
    "not_processed.publications",
    "not_processed.excessive",
    "not_processed.confirmation",
    "other.overdue_correction",
    "other.unpaid_fee",
    "other.other",
    "other.total",
];

impl Requests {
    /// Every row key (dotted, below `requests.`) in template order.
    pub fn row_keys() -> impl Iterator<Item = &'static str> {
        REQUEST_ROWS.iter().copied()
    }
}

/// One group of table 四.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewGroup {
    /// 结果维持.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upheld: Option<i64>,
    /// 结果纠正.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<i64>,
    /// 其他结果.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<i64>,
    /// 尚未审结.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<i64>,
    /// 总计.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

/// Column keys of [`ReviewGroup`] in the template's order.
pub const REVIEW_COLUMNS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// Group keys of [`Review`] in the template's order.
pub const REVIEW_GROUPS: [&str; 3] = [
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
];

impl ReviewGroup {
    /// The value of a column by its key (see [`REVIEW_COLUMNS`]).
    pub fn get(&self, column: &str) -> Option<i64> {
        match column {
            "upheld" => self.upheld,
            "corrected" => self.corrected,
            "other" => self.other,
            "pending" => self.pending,
            "total" => self.total,
            _ => None,
        }
    }

    /// A mutable slot for a column by its key.
    pub fn slot(&mut self, column: &str) -> Option<&mut Option<i64>> {
        match column {
            "upheld" => Some(&mut self.upheld),
            "corrected" => Some(&mut self.corrected),
            "other" => Some(&mut self.other),
            "pending" => Some(&mut self.pending),
            "total" => Some(&mut self.total),
            _ => None,
        }
    }
}

/// Table 四: 政府信息公开行政复议、行政诉讼情况.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// 行政复议.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconsideration: Option<ReviewGroup>,
    /// 行政诉讼 未经复议直接起诉.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub litigation_direct: Option<ReviewGroup>,
    /// 行政诉讼 复议后起诉.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub litigation_after_reconsideration: Option<ReviewGroup>,
}

impl Review {
    /// A group by its key (see [`REVIEW_GROUPS`]).
    pub fn group(&self, key: &str) -> Option<&ReviewGroup> {
        match key {
            "reconsideration" => self.reconsideration.as_ref(),
            "litigation_direct" => self.litigation_direct.as_ref(),
            "litigation_after_reconsideration" => self.litigation_after_reconsideration.as_ref(),
            _ => None,
        }
    }

    /// A mutable group slot by its key.
    pub fn group_slot(&mut self, key: &str) -> Option<&mut Option<ReviewGroup>> {
        match key {
            "reconsideration" => Some(&mut self.reconsideration),
            "litigation_direct" => Some(&mut self.litigation_direct),
            "litigation_after_reconsideration" => Some(&mut self.litigation_after_reconsideration),
            _ => None,
        }
    }
}

/// Numbers the narrative states (not the tables). Approximate figures (10余条) are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// 主动公开 … 条/篇/件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive_published: Option<i64>,
    /// 本年新收/收到 … 申请 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_received: Option<i64>,
    /// 上年结转 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_carried_over: Option<i64>,
    /// 行政复议 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconsiderations: Option<i64>,
    /// 行政诉讼 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lawsuits: Option<i64>,
    /// 人大代表建议 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub npc_suggestions: Option<i64>,
    /// 政协委员提案 … 件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cppcc_proposals: Option<i64>,
}

/// The result of one consistency rule on one column or group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Rule number of schema.md (1–7).
    pub rule: u8,
    /// Stable id, e.g. `1.natural_person`, `3.denied.state_secret`, `4.reconsideration`,
    /// `5.requests_received`.
    pub id: String,
    /// Whether both sides agree.
    pub passed: bool,
    /// The left side's value.
    pub left: i64,
    /// The right side's value.
    pub right: i64,
    /// The dotted keys summed on the left side.
    pub left_keys: Vec<String>,
    /// The dotted keys summed on the right side.
    pub right_keys: Vec<String>,
    /// A readable statement of the rule with its numbers, in Chinese.
    pub message: String,
}

/// Where one table value came from in the source text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellSource {
    /// The cell's text as printed (`22（其中修订16件）`, `/`, empty for a blank cell).
    pub text: String,
    /// A note inside the cell beside the number (`其中修订16件`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// 1-based line of the decoded text.
    pub line: usize,
    /// Byte range `[start, end)` in the decoded UTF-8 text (`raw` as stored).
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

impl Record {
    /// True when any consistency rule failed.
    pub fn has_failed_checks(&self) -> bool {
        self.checks.iter().any(|c| !c.passed)
    }

    /// The record as `(dotted key, value)` pairs for its scalar leaves, in the field order of the
    /// schema (metadata, proactive, requests, review, facts). Sections, checks, cells and
    /// warnings are left out: they are not columns.
    pub fn flatten(&self) -> Vec<(String, serde_json::Value)> {
        let value = serde_json::to_value(self).expect("a Record always serializes to JSON");
        let mut out = Vec::new();
        if let serde_json::Value::Object(map) = value {
            for key in FLAT_ROOTS {
                if let Some(v) = map.get(*key) {
                    flatten_into(key, v, &mut out);
                }
            }
        }
        out
    }

    /// The value of one dotted key (`requests.new.total`), if present.
    ///
    /// Table keys are looked up directly (pages read hundreds of them); other keys serialize only
    /// the top-level field they name.
    pub fn get(&self, key: &str) -> Option<serde_json::Value> {
        let (root, rest) = key.split_once('.').unwrap_or((key, ""));
        let number = |v: Option<i64>| v.map(serde_json::Value::from);
        let field = match root {
            "requests" => {
                let (row, column) = rest.rsplit_once('.')?;
                return number(self.requests.as_ref()?.row(row)?.get(column));
            }
            "review" => {
                let (group, column) = rest.split_once('.')?;
                return number(self.review.as_ref()?.group(group)?.get(column));
            }
            "proactive" => serde_json::to_value(&self.proactive),
            "facts" => serde_json::to_value(&self.facts),
            "region" => serde_json::to_value(&self.region),
            "source" => serde_json::to_value(&self.source),
            "id" => serde_json::to_value(&self.id),
            "agency" => serde_json::to_value(&self.agency),
            "year" => serde_json::to_value(self.year),
            "title" => serde_json::to_value(&self.title),
            "template" => serde_json::to_value(self.template),
            "level" => serde_json::to_value(self.level),
            "kind" => serde_json::to_value(self.kind),
            "published" => serde_json::to_value(&self.published),
            "demo" => serde_json::to_value(self.demo),
            _ => serde_json::to_value(self).map(|all| all.get(root).cloned().unwrap_or_default()),
        }
        .ok()?;
        let mut cur = &field;
        for part in rest.split('.').filter(|p| !p.is_empty()) {
            cur = cur.get(part)?;
        }
        match cur {
            serde_json::Value::Null => None,
            v => Some(v.clone()),
        }
    }
}

/// Top-level keys that become columns, in order.
const FLAT_ROOTS: &[&str] = &[
    "id",
    "agency",
    "year",
    "title",
    "template",
    "level",
    "kind",
    "region",
    "published",
    "demo",
    "proactive",
    "requests",
    "review",
    "facts",
];

fn flatten_into(
    prefix: &str,
    value: &serde_json::Value,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                flatten_into(&format!("{prefix}.{k}"), v, out);
            }
        }
        v => out.push((prefix.to_string(), v.clone())),
    }
}

/// One CSV / export column: the dotted schema key and its Chinese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Dotted schema key.
    pub key: String,
    /// The template's Chinese label for `--headers zh`.
    pub label_zh: String,
}

/// Every column of the export, in a fixed order: metadata, failed-check count, then every
/// table key of both templates, then the narrative facts. The same list for every record, so a
/// CSV of mixed templates lines up.
pub fn columns() -> &'static [Column] {
    static COLUMNS: OnceLock<Vec<Column>> = OnceLock::new();
    COLUMNS.get_or_init(build_columns)
}

fn build_columns() -> Vec<Column> {
    let mut cols: Vec<Column> = Vec::new();
    let mut push = |key: String, label: String| {
        cols.push(Column {
            key,
            label_zh: label,
        })
    };
    for (key, label) in [
        ("id", "编号"),
        ("agency", "机关名称"),
        ("year", "年度"),
        ("title", "标题"),
        ("template", "模板"),
        ("level", "层级"),
        ("kind", "类型"),
        ("region.province", "省"),
        ("region.city", "市"),
        ("region.county", "县区"),
        ("region.code", "行政区划代码"),
        ("published", "发布日期"),
        ("demo", "演示数据"),
        ("failed_checks", "未通过的勾稽校验"),
    ] {
        push(key.into(), label.into());
    }
    let proactive_rows = [
        ("regulations", "规章"),
        ("normative_documents", "行政规范性文件"),
        ("licensing", "行政许可"),
        ("other_services", "其他对外管理服务事项"),
        ("penalties", "行政处罚"),
        ("coercion", "行政强制"),
        ("fees", "行政事业性收费"),
        ("procurement", "政府集中采购"),
    ];
    let proactive_cols = [
        ("issued", "本年制发件数"),
        ("repealed", "本年废止件数"),
        ("in_force", "现行有效件数"),
        ("made", "本年新制作数量"),
        ("published", "本年新公开数量"),
        ("total_published", "对外公开总数量"),
        ("prior_items", "上一年项目数量"),
        ("change", "本年增/减"),
        ("decisions", "处理决定数量"),
        ("items", "采购项目数量"),
        ("amount", "金额"),
        ("amount_unit", "金额单位"),
    ];
    for (row, row_zh) in proactive_rows {
        for (col, col_zh) in proactive_cols {
            if proactive_column_applies(row, col) {
                push(
                    format!("proactive.{row}.{col}"),
                    format!("{row_zh}-{col_zh}"),
                );
            }
        }
    }
    for row in Requests::row_keys() {
        for col in APPLICANT_COLUMNS {
            push(
                format!("requests.{row}.{col}"),
                format!("{}-{}", request_row_label_zh(row), applicant_label_zh(col)),
            );
        }
    }
    for group in REVIEW_GROUPS {
        for col in REVIEW_COLUMNS {
            push(
                format!("review.{group}.{col}"),
                format!(
                    "{}-{}",
                    review_group_label_zh(group),
                    review_column_label_zh(col)
                ),
            );
        }
    }
    for (key, label) in [
        ("facts.proactive_published", "正文-主动公开信息数"),
        ("facts.requests_received", "正文-收到申请数"),
        ("facts.requests_carried_over", "正文-上年结转申请数"),
        ("facts.reconsiderations", "正文-行政复议数"),
        ("facts.lawsuits", "正文-行政诉讼数"),
        ("facts.npc_suggestions", "正文-人大代表建议数"),
        ("facts.cppcc_proposals", "正文-政协提案数"),
    ] {
        push(key.into(), label.into());
    }
    cols
}

/// Which columns a row of table 二 can carry in either template.
fn proactive_column_applies(row: &str, col: &str) -> bool {
    match row {
        "regulations" | "normative_documents" => matches!(
            col,
            "issued" | "repealed" | "in_force" | "made" | "published" | "total_published"
        ),
        "licensing" | "penalties" | "coercion" => {
            matches!(col, "decisions" | "prior_items" | "change")
        }
        "other_services" => matches!(col, "decisions" | "prior_items" | "change"),
        "fees" => matches!(col, "amount" | "amount_unit" | "prior_items" | "change"),
        "procurement" => matches!(col, "items" | "amount" | "amount_unit"),
        _ => false,
    }
}

/// The template's Chinese label of a `requests` row key.
pub fn request_row_label_zh(row: &str) -> &'static str {
    match row {
        "new" => "本年新收政府信息公开申请数量",
        "carried_over" => "上年结转政府信息公开申请数量",
        "granted" => "予以公开",
        "partly_granted" => "部分公开",
        "denied.state_secret" => "不予公开-属于国家秘密",
        "denied.prohibited_by_law" => "不予公开-其他法律行政法规禁止公开",
        "denied.security_stability" => "不予公开-危及“三安全一稳定”",
        "denied.third_party" => "不予公开-保护第三方合法权益",
        "denied.internal_affairs" => "不予公开-属于三类内部事务信息",
        "denied.process_information" => "不予公开-属于四类过程性信息",
        "denied.enforcement_files" => "不予公开-属于行政执法案卷",
        "denied.inquiry_matters" => "不予公开-属于行政查询事项",
        "unavailable.not_held" => "无法提供-本机关不掌握相关政府信息",
        "unavailable.needs_creation" => "无法提供-没有现成信息需要另行制作",
        "unavailable.unclear" => "无法提供-补正后申请内容仍不明确",
        "not_processed.petition" => "不予处理-信访举报投诉类申请",
        "not_processed.repeated" => "不予处理-重复申请",
        "not_processed.publications" => "不予处理-要求提供公开出版物",
        "not_processed.excessive" => "不予处理-无正当理由大量反复申请",
        "not_processed.confirmation" => "不予处理-要求行政机关确认或重新出具已获取信息",
        "other.overdue_correction" => "其他处理-申请人无正当理由逾期不补正",
        "other.unpaid_fee" => "其他处理-申请人逾期未按收费通知要求缴纳费用",
        "other.other" => "其他处理-其他",
        "other.total" => "其他处理",
        "total" => "总计",
        "carried_forward" => "结转下年度继续办理",
        _ => "",
    }
}

/// The template's Chinese label of an applicant column key.
pub fn applicant_label_zh(col: &str) -> &'static str {
    match col {
        "natural_person" => "自然人",
        "commercial" => "商业企业",
        "research" => "科研机构",
        "social_welfare" => "社会公益组织",
        "legal_services" => "法律服务机构",
        "other_org" => "其他",
        "total" => "总计",
        _ => "",
    }
}

/// The template's Chinese label of a `review` group key.
pub fn review_group_label_zh(group: &str) -> &'static str {
    match group {
        "reconsideration" => "行政复议",
        "litigation_direct" => "行政诉讼（未经复议直接起诉）",
        "litigation_after_reconsideration" => "行政诉讼（复议后起诉）",
        _ => "",
    }
}

/// The template's Chinese label of a `review` column key.
pub fn review_column_label_zh(col: &str) -> &'static str {
    match col {
        "upheld" => "结果维持",
        "corrected" => "结果纠正",
        "other" => "其他结果",
        "pending" => "尚未审结",
        "total" => "总计",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_amount_serializes_as_integer() {
        assert_eq!(serde_json::to_string(&Amount(0.0)).unwrap(), "0");
        assert_eq!(serde_json::to_string(&Amount(12.5)).unwrap(), "12.5");
    }

    #[test]
    fn request_rows_are_reachable_by_key() {
        let mut r = Requests::default();
        for key in Requests::row_keys() {
            *r.row_slot(key).unwrap() = Some(Applicants {
                total: Some(1),
                ..Default::default()
            });
            assert_eq!(r.row(key).unwrap().total, Some(1), "{key}");
        }
    }

    #[test]
    fn columns_are_unique_and_labelled() {
        let cols = columns();
        let mut keys: Vec<_> = cols.iter().map(|c| &c.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), cols.len());
        assert!(cols
            .iter()
            .all(|c| !c.label_zh.is_empty() && !c.label_zh.starts_with('-')));
    }

    #[test]
    fn flatten_gives_dotted_keys() {
        let mut rec = Record {
            agency: Some("某局".into()),
            ..Default::default()
        };
        rec.requests = Some(Requests {
            new: Some(Applicants {
                total: Some(3),
                ..Default::default()
            }),
            ..Default::default()
        });
        let flat = rec.flatten();
        assert!(flat.contains(&("requests.new.total".into(), serde_json::json!(3))));
        assert_eq!(rec.get("requests.new.total"), Some(serde_json::json!(3)));
        assert_eq!(rec.get("requests.new.natural_person"), None);
        assert_eq!(rec.get("region.county"), None);
        assert_eq!(rec.get("agency"), Some(serde_json::json!("某局")));
        // Every flattened key reads back the same value through `get`.
        for (key, value) in rec.flatten() {
            let expected = (!value.is_null()).then_some(value);
            assert_eq!(rec.get(&key), expected, "{key}");
        }
    }
}
