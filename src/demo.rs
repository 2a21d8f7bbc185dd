//! The demo-corpus generator: fictional but realistic annual reports, for demos and benchmarks.
//! Owns its own RNG (splitmix64) so the output is byte-identical on every machine; calls only
//! [`crate::gazetteer`] (real place names) and [`crate::record`] (levels). Every report says it is
//! demo data on a line of its own ([`DEMO_MARKER`]); its numbers are invented.
//!
//! Each agency gets a run of consecutive years, and the numbers chain across them:
//! carried_forward(Y−1) = carried_over(Y), in_force(Y) = in_force(Y−1) + issued − repealed, and in
//! the 2019 template 上一年项目数量(Y) = 上一年项目数量(Y−1) + 本年增/减(Y−1). A `broken_share` of
//! reports break exactly one of the consistency rules 1–4 of schema.md on purpose.
//!
//! A report is first written as blocks (title, headings, paragraphs, tables with the template's
//! merged cells), then laid out in its file format: text in one of three layouts (most
//! reports), a saved portal page ([`html`], about 15 %) or a Word file ([`docx`], about 10 %).
//! The format and its look are drawn from the seed too, on a stream of their own, so forcing
//! one format ([`DemoOptions::format`]) leaves every report's content as it was.

pub mod docx;
pub mod html;
pub mod table;

use crate::gazetteer::{Division, Gazetteer};
use crate::record::Level;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use table::Cell;

/// The line every generated report carries; the parser sets `demo = true` on it.
pub const DEMO_MARKER: &str =
    "【演示数据】本报告由 nianbao 演示语料生成器生成，数字为虚构，不是真实的政府数据。";

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// How many reports.
    pub count: usize,
    /// Seed of the generator: the same options give the same bytes.
    pub seed: u64,
    /// Share of reports (0.0..=1.0) that break exactly one consistency rule on purpose.
    pub broken_share: f64,
    /// Every report in this format; `None` mixes them (15 % HTML, 10 % .docx, the rest text).
    pub format: Option<DemoFormat>,
}

/// The file format of a generated report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DemoFormat {
    /// A UTF-8 text file in one of three table layouts (tabs, Markdown, one cell per line).
    Text,
    /// A saved portal page, UTF-8 or GBK, with the site's menus and metadata block.
    Html,
    /// A Word .docx file.
    Docx,
}

impl DemoFormat {
    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            DemoFormat::Text => "txt",
            DemoFormat::Html => "html",
            DemoFormat::Docx => "docx",
        }
    }
}

/// Percent of reports written as HTML pages, then as .docx files, when formats are mixed.
const HTML_PERCENT: u64 = 15;

/// Revision of what the generator writes: bumped whenever the same options give other bytes, so
/// that a corpus kept from an older revision (the benchmarks keep theirs) is written anew.
/// 2: an agency is never drawn twice (revision 1 drew some province-level bodies several times,
/// and their reports of one year became versions of each other).
pub const GENERATOR_REVISION: u32 = 2;
const DOCX_PERCENT: u64 = 10;

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            count: 100,
            seed: 1,
            broken_share: 0.05,
            format: None,
        }
    }
}

/// One generated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// An ASCII file name: `demo-<seed>-<index>-<division code>-<year>.<txt|html|docx>`.
    pub file_name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// The file's format.
    pub format: DemoFormat,
    /// The issuing agency as the title names it (real place name + body).
    pub agency: String,
    /// The statistics year.
    pub year: i32,
    /// The consistency rule (1–4) this report breaks on purpose, if any.
    pub broken_rule: Option<u8>,
}

/// Generates `opts.count` reports. Deterministic: the first N reports of a larger count are the
/// same as those of count N with the same seed.
pub fn generate(opts: &DemoOptions) -> impl Iterator<Item = DemoReport> {
    let broken_share = if opts.broken_share.is_nan() {
        0.0
    } else {
        opts.broken_share.clamp(0.0, 1.0)
    };
    let places: Vec<&'static Division> = Gazetteer::global()
        .all()
        .iter()
        .filter(|d| is_demo_place(d))
        .collect();
    DemoReports {
        seed: opts.seed,
        count: opts.count,
        broken_share,
        format: opts.format,
        rng: SplitMix64::new(opts.seed),
        places,
        used_agencies: BTreeSet::new(),
        agency: None,
        emitted: 0,
    }
}

/// The generator's state between reports.
struct DemoReports {
    seed: u64,
    count: usize,
    broken_share: f64,
    format: Option<DemoFormat>,
    rng: SplitMix64,
    places: Vec<&'static Division>,
    used_agencies: BTreeSet<String>,
    agency: Option<AgencyPlan>,
    emitted: usize,
}

impl Iterator for DemoReports {
    type Item = DemoReport;

    fn next(&mut self) -> Option<DemoReport> {
        if self.emitted >= self.count || self.places.is_empty() {
            return None;
        }
        let exhausted = self
            .agency
            .as_ref()
            .is_none_or(|a| a.next_year > a.last_year);
        if exhausted {
            self.agency = Some(new_agency(
                &mut self.rng,
                &self.places,
                &mut self.used_agencies,
            ));
        }
        let plan = self.agency.as_mut()?;
        let broken = self
            .rng
            .chance(self.broken_share)
            .then(|| 1 + self.rng.below(4) as u8);
        // Drawn whether or not the format is forced, so that the content stays the same.
        let roll = self.rng.below(100);
        let mut style = SplitMix64::new(self.rng.next_u64());
        let format = self.format.unwrap_or(if roll < HTML_PERCENT {
            DemoFormat::Html
        } else if roll < HTML_PERCENT + DOCX_PERCENT {
            DemoFormat::Docx
        } else {
            DemoFormat::Text
        });
        let report = write_report(&mut self.rng, plan, broken);
        let year = plan.next_year;
        let bytes = match format {
            DemoFormat::Text => render_text(&report.blocks, report.layout).into_bytes(),
            DemoFormat::Html => {
                let written = (year + 1, report.signed_month, style.range(1, 20) as u32);
                let published = (written.0, written.1, written.2 + style.range(0, 8) as u32);
                let portal = html::Portal {
                    site: plan.site(),
                    publisher: &plan.agency,
                    index_number: format!(
                        "{}/{}-{:05}",
                        plan.place.code,
                        year + 1,
                        style.below(100_000)
                    ),
                    written,
                    published,
                };
                html::write(&report.blocks, &portal, &mut style)
            }
            DemoFormat::Docx => {
                let saved = (year + 1, report.signed_month, style.range(1, 28) as u32);
                docx::write(&report.blocks, saved, &mut style)
            }
        };
        let file_name = format!(
            "demo-{:x}-{:05}-{}-{}.{}",
            self.seed,
            self.emitted,
            plan.place.code,
            year,
            format.extension()
        );
        plan.next_year += 1;
        self.emitted += 1;
        Some(DemoReport {
            file_name,
            bytes,
            format,
            agency: plan.agency.clone(),
            year,
            broken_rule: report.broken_rule,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast and the same on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        SplitMix64(seed ^ 0x6E69_616E_6261_6F21)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A skewed count in `0..=max`: most agencies get few requests, some get many.
    fn skewed(&mut self, max: i64) -> i64 {
        let u = self.unit();
        (u * u * (max + 1) as f64) as i64
    }

    /// Index drawn by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(sum);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len().saturating_sub(1)
    }

    /// Splits `n` into `weights.len()` parts drawn by weight.
    fn split(&mut self, n: i64, weights: &[u32]) -> Vec<i64> {
        let mut parts = vec![0; weights.len()];
        for _ in 0..n.max(0) {
            parts[self.weighted(weights)] += 1;
        }
        parts
    }

    /// Up to `k` distinct items of `items`, in a random order.
    fn some<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        for i in (1..order.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        order.into_iter().take(k).map(|i| &items[i]).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Agencies

/// Bodies of a department at city or county level (and in municipalities).
const LOCAL_DEPARTMENTS: [&str; 20] = [
    "工业和信息化局",
    "教育局",
    "自然资源局",
    "生态环境局",
    "财政局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "市场监督管理局",
    "应急管理局",
    "司法局",
    "民政局",
    "人力资源和社会保障局",
    "水利局",
    "审计局",
    "统计局",
    "医疗保障局",
];

/// Bodies of a department at province level (not municipalities).
const PROVINCE_DEPARTMENTS: [&str; 12] = [
    "工业和信息化厅",
    "教育厅",
    "自然资源厅",
    "生态环境厅",
    "财政厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "农业农村厅",
    "商务厅",
    "民政厅",
    "司法厅",
    "水利厅",
];

const ROADS: [&str; 14] = [
    "人民路",
    "建设路",
    "文化路",
    "和平路",
    "新华路",
    "迎宾大道",
    "振兴路",
    "中心大街",
    "解放路",
    "团结路",
    "长安路",
    "府前街",
    "光明路",
    "青年路",
];

/// One agency and its running numbers across its years.
struct AgencyPlan {
    place: &'static Division,
    /// The place's province and city names (municipal districts have no city here).
    province: String,
    city: Option<String>,
    agency: String,
    government: bool,
    /// How the report refers to its own body (本机关, 我局 …).
    self_name: &'static str,
    address: String,
    email: String,
    /// Scale of request numbers for this agency.
    request_scale: i64,
    next_year: i32,
    last_year: i32,
    carry: Carry,
}

impl AgencyPlan {
    /// The portal that carries the agency's reports: its own if it is a government, else its
    /// place's government's.
    fn site(&self) -> String {
        if self.government {
            self.agency.clone()
        } else {
            format!("{}人民政府", self.place.name)
        }
    }
}

/// Numbers that chain from one year to the next.
#[derive(Default)]
struct Carry {
    carried_forward: Option<[i64; 7]>,
    /// 2021 template: 现行有效件数 of 规章 and 行政规范性文件.
    in_force: Option<[i64; 2]>,
    /// 2019 template: 对外公开总数量 of 规章 and 规范性文件.
    total_published: Option<[i64; 2]>,
    /// 2019 template: 上一年项目数量 of 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制, 收费.
    items: Option<[i64; 5]>,
    proactive_published: Option<i64>,
}

/// Divisions the demo can use: real divisions, not the statistical zones (codes ..7x) nor a
/// county that repeats its city's name.
fn is_demo_place(d: &Division) -> bool {
    if d.level == Level::County && d.code.as_bytes().get(4) == Some(&b'7') {
        return false;
    }
    let g = Gazetteer::global();
    let parent_name = d
        .parent
        .as_deref()
        .and_then(|p| g.by_code(p))
        .map(|p| &p.name);
    parent_name != Some(&d.name)
}

/// Draws of a place and body before a new agency takes a name already used.
const MAX_AGENCY_DRAWS: usize = 2_000;

fn is_municipality(name: &str) -> bool {
    matches!(name, "北京市" | "天津市" | "上海市" | "重庆市")
}

fn new_agency(
    rng: &mut SplitMix64,
    places: &[&'static Division],
    used: &mut BTreeSet<String>,
) -> AgencyPlan {
    let g = Gazetteer::global();
    // Counties are the most numerous publishers, then cities; provinces are few.
    let wanted = match rng.weighted(&[8, 35, 57]) {
        0 => Level::Province,
        1 => Level::City,
        _ => Level::County,
    };
    let of_level: Vec<&'static Division> = places
        .iter()
        .copied()
        .filter(|d| d.level == wanted)
        .collect();
    let pool = if of_level.is_empty() {
        places
    } else {
        &of_level
    };
    let mut place = rng.pick(pool);
    let mut agency = String::new();
    let mut government = false;
    // One agency, one run of years: a body drawn before is drawn again, first at the wanted
    // level and then, once that level's few bodies are used up (31 provinces), at any level.
    // Only a corpus larger than every place's bodies (over 60,000 agencies) repeats one.
    for attempt in 0..MAX_AGENCY_DRAWS {
        let pool = if attempt < 20 { pool } else { places };
        place = rng.pick(pool);
        government = rng.chance(0.3);
        let body = if government {
            "人民政府"
        } else if place.level == Level::Province && !is_municipality(&place.name) {
            rng.pick(&PROVINCE_DEPARTMENTS)
        } else {
            rng.pick(&LOCAL_DEPARTMENTS)
        };
        agency = format!("{}{}", place.name, body);
        if !used.contains(&agency) {
            break;
        }
    }
    used.insert(agency.clone());

    let mut lineage = vec![place];
    while let Some(parent) = lineage
        .last()
        .and_then(|d| d.parent.as_deref())
        .and_then(|p| g.by_code(p))
    {
        lineage.push(parent);
    }
    let name_at = |level: Level| {
        lineage
            .iter()
            .find(|d| d.level == level)
            .map(|d| d.name.clone())
    };
    let province = name_at(Level::Province).unwrap_or_default();
    let city = name_at(Level::City);
    let county = name_at(Level::County);

    // The address names every level (and the provincial capital for a province), so the text
    // tells a reader, and the gazetteer, exactly where the agency sits.
    let mut address = province.clone();
    match place.level {
        Level::Province if !is_municipality(&province) => {
            if let Some(capital) = g.children(Some(&place.code)).first() {
                address.push_str(&capital.name);
            }
        }
        _ => {
            for part in [&city, &county].into_iter().flatten() {
                address.push_str(part);
            }
        }
    }
    let _ = write!(address, "{}{}号", rng.pick(&ROADS), rng.range(1, 299));

    let self_name = if government {
        "本机关"
    } else if agency.ends_with('局') {
        rng.pick(&["我局", "本局", "本机关"])
    } else if agency.ends_with('厅') {
        rng.pick(&["我厅", "本厅", "本机关"])
    } else {
        rng.pick(&["我委", "本机关"])
    };
    let level_factor = match place.level {
        Level::Province => 40,
        Level::City => 10,
        _ => 3,
    };
    let request_scale = level_factor * if government { 3 } else { 1 } * rng.range(1, 4);
    let first_year = rng.range(2019, 2022) as i32;
    let last_year = (first_year + rng.range(2, 5) as i32).min(2024);
    AgencyPlan {
        place,
        province,
        city,
        email: format!("xxgk{:04}@example.org", rng.below(10_000)),
        agency,
        government,
        self_name,
        address,
        request_scale,
        next_year: first_year,
        last_year,
        carry: Carry::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

/// Applicant columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, then 总计.
type Row = [i64; 7];

/// Labels of table 三 as (column A, column B, column C), 2021 template, with the row kinds.
const REQUEST_ROWS_2021: [(&str, &str, &str); 25] = [
    ("一、本年新收政府信息公开申请数量", "", ""),
    ("二、上年结转政府信息公开申请数量", "", ""),
    ("三、本年度办理结果", "（一）予以公开", ""),
    (
        "",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "",
    ),
    ("", "（三）不予公开", "1.属于国家秘密"),
    ("", "", "2.其他法律行政法规禁止公开"),
    ("", "", "3.危及“三安全一稳定”"),
    ("", "", "4.保护第三方合法权益"),
    ("", "", "5.属于三类内部事务信息"),
    ("", "", "6.属于四类过程性信息"),
    ("", "", "7.属于行政执法案卷"),
    ("", "", "8.属于行政查询事项"),
    ("", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("", "", "2.没有现成信息需要另行制作"),
    ("", "", "3.补正后申请内容仍不明确"),
    ("", "（五）不予处理", "1.信访举报投诉类申请"),
    ("", "", "2.重复申请"),
    ("", "", "3.要求提供公开出版物"),
    ("", "", "4.无正当理由大量反复申请"),
    ("", "", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "",
        "",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("", "", "3.其他"),
    ("", "（七）总计", ""),
    ("四、结转下年度继续办理", "", ""),
];

/// Weights of the 办理结果 rows (2021: 21 rows; the 2019 template folds the last three).
const OUTCOME_WEIGHTS_2021: [u32; 21] = [
    90, 14, 1, 1, 1, 3, 2, 3, 1, 1, 45, 6, 3, 5, 6, 2, 2, 1, 3, 1, 3,
];

/// The numbers of one report's tables.
struct Figures {
    new: Row,
    carried_over: Row,
    /// 办理结果 rows in table order (21 in 2021, 19 in 2019).
    outcomes: Vec<Row>,
    total: Row,
    carried_forward: Row,
    /// 行政复议, 未经复议直接起诉, 复议后起诉: 维持, 纠正, 其他, 尚未审结, 总计.
    review: [[i64; 5]; 3],
}

fn with_total(parts: &[i64]) -> Row {
    let mut row = [0; 7];
    row[..6].copy_from_slice(&parts[..6]);
    row[6] = parts[..6].iter().sum();
    row
}

fn request_figures(rng: &mut SplitMix64, plan: &mut AgencyPlan, t2021: bool) -> Figures {
    const APPLICANT_WEIGHTS: [u32; 6] = [80, 12, 2, 2, 3, 1];
    let new_total = rng.skewed(plan.request_scale * 12);
    let new = with_total(&rng.split(new_total, &APPLICANT_WEIGHTS));
    let carried_over = match plan.carry.carried_forward {
        Some(row) => row,
        None => {
            let n = rng.skewed(plan.request_scale);
            with_total(&rng.split(n, &APPLICANT_WEIGHTS))
        }
    };
    let mut carried_forward = [0; 7];
    let mut handled = [0; 7];
    for c in 0..6 {
        let available = new[c] + carried_over[c];
        carried_forward[c] = rng.below((available / 8 + 1) as u64) as i64;
        handled[c] = available - carried_forward[c];
    }
    let weights: Vec<u32> = if t2021 {
        OUTCOME_WEIGHTS_2021.to_vec()
    } else {
        let mut w = OUTCOME_WEIGHTS_2021[..18].to_vec();
        w.push(OUTCOME_WEIGHTS_2021[18..].iter().sum());
        w
    };
    let mut columns: Vec<Vec<i64>> = Vec::new();
    for &n in &handled[..6] {
        columns.push(rng.split(n, &weights));
    }
    let outcomes: Vec<Row> = (0..weights.len())
        .map(|r| with_total(&columns.iter().map(|col| col[r]).collect::<Vec<_>>()))
        .collect();
    let total = with_total(&handled[..6]);
    let carried_forward = with_total(&carried_forward[..6]);
    plan.carry.carried_forward = Some(carried_forward);

    let mut review = [[0; 5]; 3];
    for (g, group) in review.iter_mut().enumerate() {
        let max = if g == 0 { 3 } else { 1 } * (plan.request_scale / 6 + 1);
        let n = if rng.chance(0.6) { 0 } else { rng.skewed(max) };
        let parts = rng.split(n, &[6, 1, 1, 2]);
        group[..4].copy_from_slice(&parts);
        group[4] = n;
    }
    Figures {
        new,
        carried_over,
        outcomes,
        total,
        carried_forward,
        review,
    }
}

/// Breaks exactly one of rules 1–4 by changing printed cells (the returned rule may differ from
/// the asked one when the asked one cannot be broken alone, e.g. rule 3 with no requests).
fn break_rule(rng: &mut SplitMix64, f: &mut Figures, rule: u8) -> u8 {
    let delta = rng.range(1, 3);
    match rule {
        // 本年新收 one more in a column and its row total: rule 3 holds, rule 1 fails.
        1 => {
            let c = rng.below(6) as usize;
            f.new[c] += delta;
            f.new[6] += delta;
            1
        }
        // One 办理结果 row gains in a column and its total: rule 3 holds, rule 2 fails.
        2 => {
            let r = rng.below(f.outcomes.len() as u64) as usize;
            let c = rng.below(6) as usize;
            f.outcomes[r][c] += delta;
            f.outcomes[r][6] += delta;
            2
        }
        // Move requests between two 办理结果 rows in one column without touching the row totals:
        // the column sums hold (rule 2), both rows' totals are wrong (rule 3).
        3 => {
            let source = (0..f.outcomes.len())
                .flat_map(|r| (0..6).map(move |c| (r, c)))
                .find(|&(r, c)| f.outcomes[r][c] > 0);
            match source {
                Some((r, c)) => {
                    let to = (r + 1 + rng.below(f.outcomes.len() as u64 - 1) as usize)
                        % f.outcomes.len();
                    f.outcomes[r][c] -= 1;
                    f.outcomes[to][c] += 1;
                    3
                }
                None => break_rule(rng, f, 4),
            }
        }
        // A wrong 总计 in one review group.
        _ => {
            let g = rng.below(3) as usize;
            f.review[g][4] += delta;
            4
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layout

/// The three text layouts of real reports converted from Word/PDF.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// One table row per line, cells separated by tabs.
    Tabs,
    /// Markdown pipe tables.
    Markdown,
    /// One cell per line (each starting with a tab), rows separated by blank lines.
    CellPerLine,
}

type Grid = Vec<Vec<String>>;

/// A table as authored: rows of cells with their spans (see [`table`]).
type Rows = Vec<Vec<Cell>>;

fn render_table(out: &mut String, grid: &Grid, layout: Layout) {
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    match layout {
        Layout::Tabs => {
            for row in grid {
                let mut cells = row.clone();
                cells.resize(width, String::new());
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
        }
        Layout::Markdown => {
            for (i, row) in grid.iter().enumerate() {
                let mut cells = row.clone();
                cells.resize(width, String::new());
                out.push_str("| ");
                out.push_str(&cells.join(" | "));
                out.push_str(" |\n");
                if i == 0 {
                    out.push('|');
                    out.push_str(&"------|".repeat(width));
                    out.push('\n');
                }
            }
        }
        Layout::CellPerLine => {
            for row in grid {
                // Leading blank cells stay (they stand for merged cells); inner blanks go, as
                // they do when a Word table is flattened.
                let first = row.iter().position(|c| !c.is_empty()).unwrap_or(row.len());
                for (i, cell) in row.iter().enumerate() {
                    if i < first || !cell.is_empty() {
                        out.push('\t');
                        out.push_str(cell);
                        out.push('\n');
                    }
                }
                out.push('\n');
            }
        }
    }
}

/// One-column cells, one per text.
fn cells(items: &[&str]) -> Vec<Cell> {
    items.iter().map(|s| Cell::new(*s)).collect()
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// A row of a label and values; the last value stretches over `last_span` columns.
fn row_with(label: &str, values: &[String], last_span: usize) -> Vec<Cell> {
    let mut row = vec![Cell::new(label)];
    row.extend(values.iter().map(Cell::new));
    if let Some(last) = row.last_mut().filter(|_| !values.is_empty()) {
        last.colspan = last_span.max(1);
    }
    row
}

/// The caption row of a block of table 二 (第二十条第（…）项), across the table's 4 columns.
fn caption(text: &str) -> Vec<Cell> {
    vec![Cell::span(text, 4, 1)]
}

/// A header row: 信息内容 and column names, the last stretched to the table's 4 columns.
fn header(names: &[&str]) -> Vec<Cell> {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    row_with("信息内容", &names, 4 - names.len())
}

/// Table 二 of the 2021 template.
fn proactive_2021(rng: &mut SplitMix64, plan: &mut AgencyPlan) -> Rows {
    let makes_rules = plan.government && plan.place.level != Level::County;
    let prev = plan.carry.in_force.unwrap_or([
        if makes_rules { rng.range(5, 60) } else { 0 },
        rng.range(0, 40),
    ]);
    let mut in_force = [0; 2];
    let mut rows = Vec::new();
    for (i, label) in ["规章", "行政规范性文件"].into_iter().enumerate() {
        let issued = if i == 0 && !makes_rules {
            0
        } else {
            rng.skewed(if i == 0 { 6 } else { 12 })
        };
        let repealed = rng.below((prev[i] / 4 + 1) as u64) as i64;
        in_force[i] = prev[i] + issued - repealed;
        rows.push(row_with(
            label,
            &[
                issued.to_string(),
                repealed.to_string(),
                in_force[i].to_string(),
            ],
            1,
        ));
    }
    plan.carry.in_force = Some(in_force);
    let scale = plan.request_scale;
    let decisions = |rng: &mut SplitMix64, max: i64| rng.skewed(max).to_string();
    let fee = if rng.chance(0.6) {
        "0".to_string()
    } else {
        format!("{:.2}", rng.range(1, scale * 400) as f64 / 100.0)
    };
    let mut grid = vec![
        caption("第二十条第（一）项"),
        cells(&["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    ];
    grid.extend(rows);
    grid.push(caption("第二十条第（五）项"));
    grid.push(header(&["本年处理决定数量"]));
    grid.push(row_with("行政许可", &[decisions(rng, scale * 60)], 3));
    grid.push(caption("第二十条第（六）项"));
    grid.push(header(&["本年处理决定数量"]));
    grid.push(row_with("行政处罚", &[decisions(rng, scale * 20)], 3));
    grid.push(row_with("行政强制", &[decisions(rng, scale * 3)], 3));
    grid.push(caption("第二十条第（八）项"));
    grid.push(header(&["本年收费金额（单位：万元）"]));
    grid.push(row_with("行政事业性收费", &[fee], 3));
    grid
}

/// Table 二 of the 2019 template.
fn proactive_2019(rng: &mut SplitMix64, plan: &mut AgencyPlan) -> Rows {
    let makes_rules = plan.government && plan.place.level != Level::County;
    let prev_total = plan.carry.total_published.unwrap_or([
        if makes_rules { rng.range(5, 60) } else { 0 },
        rng.range(0, 40),
    ]);
    let mut total = [0; 2];
    let mut grid = vec![
        caption("第二十条第（一）项"),
        cells(&[
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ]),
    ];
    for (i, label) in ["规章", "规范性文件"].into_iter().enumerate() {
        let made = if i == 0 && !makes_rules {
            0
        } else {
            rng.skewed(if i == 0 { 5 } else { 12 })
        };
        let published = made - rng.below((made / 5 + 1) as u64) as i64;
        total[i] = prev_total[i] + published;
        grid.push(row_with(
            label,
            &[
                made.to_string(),
                published.to_string(),
                total[i].to_string(),
            ],
            1,
        ));
    }
    plan.carry.total_published = Some(total);
    let scale = plan.request_scale;
    let prior = plan.carry.items.unwrap_or([
        rng.range(0, scale * 8),
        rng.range(0, scale * 4),
        rng.range(0, scale * 6),
        rng.range(0, scale * 2),
        rng.range(0, 12),
    ]);
    let mut next = prior;
    let mut item_row = |rng: &mut SplitMix64, i: usize, label: &str, decisions: Option<i64>| {
        let change = (rng.range(-2, 3)).max(-prior[i]);
        next[i] = prior[i] + change;
        let mut values = vec![prior[i].to_string(), signed(change)];
        if let Some(d) = decisions {
            values.push(d.to_string());
        }
        let last_span = 4 - values.len();
        row_with(label, &values, last_span)
    };
    let item_header = ["上一年项目数量", "本年增/减", "处理决定数量"];
    grid.push(caption("第二十条第（五）项"));
    grid.push(header(&item_header));
    let d = rng.skewed(scale * 60);
    grid.push(item_row(rng, 0, "行政许可", Some(d)));
    let d = rng.skewed(scale * 10);
    grid.push(item_row(rng, 1, "其他对外管理服务事项", Some(d)));
    grid.push(caption("第二十条第（六）项"));
    grid.push(header(&item_header));
    let d = rng.skewed(scale * 20);
    grid.push(item_row(rng, 2, "行政处罚", Some(d)));
    let d = rng.skewed(scale * 3);
    grid.push(item_row(rng, 3, "行政强制", Some(d)));
    grid.push(caption("第二十条第（八）项"));
    grid.push(header(&item_header[..2]));
    grid.push(item_row(rng, 4, "行政事业性收费", None));
    plan.carry.items = Some(next);
    if rng.chance(0.7) {
        let items = rng.skewed(scale * 5);
        let amount = if items == 0 {
            "0".to_string()
        } else {
            format!("{:.2}", rng.range(items * 50, items * 3000) as f64 / 100.0)
        };
        grid.push(caption("第二十条第（九）项"));
        grid.push(header(&["采购项目数量", "采购总金额"]));
        grid.push(row_with("政府集中采购", &[items.to_string(), amount], 2));
    }
    grid
}

/// Table 三 with the template's merges: the note spans the 3 label columns of the 3 header
/// rows, 三、本年度办理结果 spans all its outcome rows and （七）总计, each group of numbered items
/// (（三）不予公开 …) spans its items, and a label without sub-items spans the columns to its
/// right.
fn request_table(f: &Figures, t2021: bool) -> Rows {
    let mut rows = vec![
        vec![
            Cell::span(
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                3,
                3,
            ),
            Cell::span("申请人情况", 7, 1),
        ],
        vec![
            Cell::span("自然人", 1, 2),
            Cell::span("法人或其他组织", 5, 1),
            Cell::span("总计", 1, 2),
        ],
        cells(&[
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他",
        ]),
    ];
    let numbers = |labels: Vec<Cell>, row: &Row| {
        let mut cells = labels;
        cells.extend(row.iter().map(|n| Cell::new(n.to_string())));
        cells
    };
    let labels = &REQUEST_ROWS_2021;
    rows.push(numbers(vec![Cell::span(labels[0].0, 3, 1)], &f.new));
    rows.push(numbers(
        vec![Cell::span(labels[1].0, 3, 1)],
        &f.carried_over,
    ));
    let outcome_labels: Vec<(&str, &str, &str)> = if t2021 {
        labels[2..23].to_vec()
    } else {
        let mut v = labels[2..20].to_vec();
        v.push(("", "（六）其他处理", ""));
        v
    };
    for (i, ((a, b, c), row)) in outcome_labels.iter().zip(&f.outcomes).enumerate() {
        let mut label_cells = Vec::new();
        if !a.is_empty() {
            // The outcome rows and （七）总计.
            label_cells.push(Cell::span(*a, 1, f.outcomes.len() + 1));
        }
        if c.is_empty() {
            label_cells.push(Cell::span(*b, 2, 1));
        } else {
            if !b.is_empty() {
                let items = 1 + outcome_labels[i + 1..]
                    .iter()
                    .take_while(|(_, b, c)| b.is_empty() && !c.is_empty())
                    .count();
                label_cells.push(Cell::span(*b, 1, items));
            }
            label_cells.push(Cell::new(*c));
        }
        rows.push(numbers(label_cells, row));
    }
    rows.push(numbers(vec![Cell::span(labels[23].1, 2, 1)], &f.total));
    rows.push(numbers(
        vec![Cell::span(labels[24].0, 3, 1)],
        &f.carried_forward,
    ));
    rows
}

/// Table 四: 行政复议 spans its 5 columns, 行政诉讼 its 10; each 行政复议 column name spans
/// two header rows; 未经复议直接起诉 and 复议后起诉 span 5 columns each.
fn review_table(f: &Figures) -> Rows {
    let heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut second: Vec<Cell> = heads.iter().map(|h| Cell::span(*h, 1, 2)).collect();
    second.push(Cell::span("未经复议直接起诉", 5, 1));
    second.push(Cell::span("复议后起诉", 5, 1));
    vec![
        vec![Cell::span("行政复议", 5, 1), Cell::span("行政诉讼", 10, 1)],
        second,
        heads.iter().chain(&heads).map(|h| Cell::new(*h)).collect(),
        f.review
            .iter()
            .flatten()
            .map(|n| Cell::new(n.to_string()))
            .collect(),
    ]
}

// ---------------------------------------------------------------------------------------------
// Narrative

/// A report as its author wrote it, before any file format lays it out.
struct Written {
    blocks: Vec<Block>,
    /// The text layout a text export of it uses.
    layout: Layout,
    /// Month (1–3) of the year after the statistics year in which the report is signed.
    signed_month: u32,
    broken_rule: Option<u8>,
}

/// Fills `{self}`, `{agency}`, `{year}` and `{place}` in a sentence template.
fn fill(template: &str, plan: &AgencyPlan, year: i32) -> String {
    template
        .replace("{self}", plan.self_name)
        .replace("{agency}", &plan.agency)
        .replace("{year}", &year.to_string())
        .replace("{place}", &plan.place.name)
}

const OPENINGS: [&str; 4] = [
    "{year}年，{self}坚持以人民为中心的发展思想，认真贯彻《中华人民共和国政府信息公开条例》，把政务公开融入业务工作全过程，以公开促落实、以公开促规范、以公开促服务，各项工作平稳有序推进。",
    "{year}年，{self}在上级政务公开主管部门的指导下，围绕年度重点任务，健全公开机制、规范公开流程、丰富公开形式，政府信息公开的及时性和准确性进一步提高。",
    "{year}年，{self}对照政务公开工作要点逐项抓落实，坚持“公开为常态、不公开为例外”，持续提升政府信息公开的质量和群众满意度。",
    "{year}年以来，{self}把政府信息公开作为建设法治机关、服务型机关的基础工作来抓，领导班子专题研究部署，业务科室分工负责，形成了上下联动的工作格局。",
];

const PROACTIVE_SENTENCES: [&str; 4] = [
    "依托门户网站信息公开专栏和政务新媒体，全年主动公开信息{n}条，内容涵盖机构职能、政策文件、规划计划、财政资金、人事信息和工作动态等方面。",
    "{self}严格落实信息发布审核制度，坚持先审后发、分级把关，全年主动公开信息{n}条，未发生泄密和信息发布错误情况。",
    "围绕群众和企业关注的热点，全年主动公开信息{n}条，其中政策解读类信息占比较上年有所提高，解读材料与政策文件同步起草、同步审签、同步发布。",
    "本年度全年主动公开信息{n}条，重点做好重大决策预公开、财政预决算、“双随机、一公开”抽查结果等信息的发布工作。",
];

const REQUEST_SENTENCES: [&str; 4] = [
    "{self}畅通依申请公开受理渠道，规范登记、审核、答复等环节，本年新收政府信息公开申请{n}件{carry}，均在法定期限内依法作出答复。",
    "依申请公开方面，本年新收政府信息公开申请{n}件{carry}。对每件申请均逐一登记、集体研究，做到答复内容准确、法律依据充分、告知事项完整。",
    "全年通过信函、网络平台和当面提交等方式，本年新收政府信息公开申请{n}件{carry}；对申请内容不明确的，及时一次性告知申请人补正。",
    "在依申请公开工作中，{self}坚持依法依规、便民高效，本年新收政府信息公开申请{n}件{carry}，答复文书统一使用规范格式。",
];

/// Further subsections of 一、总体情况: a heading and its variants.
const MANAGEMENT_SUBSECTIONS: [(&str, [&str; 2]); 3] = [
    (
        "政府信息管理",
        [
            "{self}建立了信息公开属性源头认定机制，公文起草时同步明确公开属性，对不予公开的逐件说明理由。定期开展规范性文件清理，清理结果及时向社会公布，保证公开内容的权威性和时效性。",
            "严格执行信息公开保密审查制度，落实“谁起草、谁审查，谁发布、谁负责”的要求，对拟公开信息实行科室初审、分管领导复审、主要领导终审的三级审核，全年未出现因公开不当引发的问题。",
        ],
    ),
    (
        "政府信息公开平台建设",
        [
            "进一步优化门户网站信息公开专栏的栏目设置，及时更新机构职能、领导信息、办事指南等基础内容；对长期未更新、内容重复的栏目进行整合，提高网站的易用性。",
            "统筹用好门户网站、政务微信公众号和政务服务平台，推动信息发布、政策解读、回应关切一体化运行；对政务新媒体实行统一管理，落实日常巡查和内容审核制度。",
        ],
    ),
    (
        "监督保障",
        [
            "{self}将政务公开纳入年度工作考核，明确分管领导和专职人员，定期通报各科室信息报送情况；组织业务培训，帮助工作人员熟悉条例规定和操作流程。",
            "主动接受社会监督，在门户网站公开监督电话和电子邮箱，对群众反映的信息公开问题及时核实整改；年内开展内部自查，对发现的问题建立台账、限期整改。",
        ],
    ),
];

const PROBLEMS: [&str; 5] = [
    "一是政策解读的形式还比较单一，以文字解读为主，图表、视频等形式运用不多；二是个别科室主动公开意识不够强，信息报送不够及时。",
    "一是公开内容的深度和广度还有待拓展，部分信息更新不够及时；二是工作人员业务能力与新形势新要求相比仍有差距，依申请公开答复的规范性需进一步提高。",
    "一是政务新媒体互动回应功能发挥不充分，对群众留言的回复有时不够及时；二是基层政务公开标准化规范化建设还需持续推进。",
    "一是信息公开工作人员多为兼职，力量相对薄弱；二是对重点领域信息公开的梳理还不够细，公开目录有待进一步完善。",
    "一是主动公开与业务工作结合不够紧密，部分公开信息的实用性不强；二是解读材料的通俗性还有提升空间，群众理解政策仍有一定难度。",
];

const IMPROVEMENTS: [&str; 5] = [
    "下一步，{self}将丰富解读方式，综合运用图解、问答、短视频等形式开展政策解读；同时建立信息报送提醒和通报机制，督促各科室按时报送应公开信息。",
    "针对上述问题，{self}将加强政务公开业务培训，每年至少组织两次专题学习；完善依申请公开答复模板和法律审核流程，提高答复质量。",
    "下一步将完善留言办理机制，明确回复时限和责任人；对照国家和省级标准目录，持续推进政务公开标准化规范化建设，做到应公开尽公开。",
    "今后将充实政务公开工作力量，保持工作人员相对稳定；全面梳理重点领域公开事项，动态更新公开目录，并加强对公开效果的评估。",
    "{self}将坚持需求导向，围绕企业和群众关心的事项精准公开；在政策文件发布时同步推出通俗解读，提高政策的知晓度和可及性。",
];

const FEE_PARAGRAPHS: [&str; 3] = [
    "{year}年，{self}未收取政府信息公开信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，{self}{year}年度在办理政府信息公开申请过程中未收取任何信息处理费。",
    "本年度{self}没有发生收取信息处理费的情况。",
];

const INNOVATION_PARAGRAPHS: [&str; 3] = [
    "{self}在门户网站开设“政策问答”栏目，将群众咨询较多的问题整理成问答集，便于公众查询。",
    "结合“政务公开日”活动，{self}邀请企业代表和群众走进机关，面对面介绍政策、听取意见建议。",
    "{self}推行政策文件“一文一解读”，并在解读材料中标注联系人和咨询方式，方便群众进一步了解政策。",
];

fn suggestion_paragraph(rng: &mut SplitMix64, plan: &AgencyPlan, year: i32) -> String {
    let npc = rng.skewed(plan.request_scale * 3 + 4);
    let cppcc = rng.skewed(plan.request_scale * 3 + 4);
    let together = rng.pick(&["建议、提案", "建议提案", "人大代表建议和政协委员提案"]);
    let s = match rng.below(3) {
        0 => format!(
            "{year}年，{self}共承办人大代表建议{npc}件、政协提案{cppcc}件，均已按期办结。办理复文在征得代表、委员同意后予以公开，{together}办理情况同步在门户网站专栏发布。",
            self = plan.self_name
        ),
        1 => format!(
            "本年度共办理人大代表建议{npc}件，政协提案{cppcc}件，按时办结率100%。除涉及国家秘密等依法不予公开的内容外，{together}办理结果全部向社会公开。"
        ),
        _ => format!(
            "{self}高度重视{together}办理工作，全年承办人大代表建议{npc}件，承办政协提案{cppcc}件，代表和委员对办理结果总体满意，办理复文已在网站公开。",
            self = plan.self_name
        ),
    };
    s
}

fn write_report(rng: &mut SplitMix64, plan: &mut AgencyPlan, broken: Option<u8>) -> Written {
    let year = plan.next_year;
    let t2021 = year >= 2021;
    let layout = match rng.below(3) {
        0 => Layout::Tabs,
        1 => Layout::Markdown,
        _ => Layout::CellPerLine,
    };

    let proactive = if t2021 {
        proactive_2021(rng, plan)
    } else {
        proactive_2019(rng, plan)
    };
    let mut figures = request_figures(rng, plan, t2021);
    let broken_rule = broken.map(|rule| break_rule(rng, &mut figures, rule));
    let published = {
        let base = plan
            .carry
            .proactive_published
            .unwrap_or_else(|| rng.range(plan.request_scale * 4, plan.request_scale * 60));
        (base + rng.range(-base / 5, base / 4)).max(1)
    };
    let previous_published = plan.carry.proactive_published.replace(published);

    let mut out = Vec::with_capacity(48);
    let paragraph = |text: String| Block::Paragraph(text);
    // Title block.
    out.push(Block::Title(match rng.below(3) {
        0 => vec![
            plan.agency.clone(),
            format!("{year}年政府信息公开工作年度报告"),
        ],
        1 => vec![format!("{}{year}年政府信息公开工作年度报告", plan.agency)],
        _ => vec![
            plan.agency.clone(),
            format!("{year}年度政府信息公开工作报告"),
        ],
    }));
    out.push(paragraph(DEMO_MARKER.to_string()));

    // Preamble.
    let basis = if t2021 {
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
    } else {
        "国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告格式的要求"
    };
    out.push(paragraph(format!(
        "本报告依据《中华人民共和国政府信息公开条例》和{basis}编制，由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
    )));
    out.push(paragraph(format!(
        "本报告电子版可在{}门户网站查阅。如对报告内容有疑问，请与{}办公室联系（地址：{}；电子邮箱：{}）。",
        plan.site(),
        plan.agency,
        plan.address,
        plan.email
    )));

    // 一、总体情况
    out.push(Block::heading(0, 0, "总体情况"));
    out.push(paragraph(fill(rng.pick(&OPENINGS), plan, year)));
    out.push(Block::heading(1, 0, "主动公开"));
    let mut proactive_text =
        fill(rng.pick(&PROACTIVE_SENTENCES), plan, year).replace("{n}", &published.to_string());
    if let Some(prev) = previous_published {
        let trend = match published.cmp(&prev) {
            std::cmp::Ordering::Greater => "较上年有所增加",
            std::cmp::Ordering::Less => "较上年略有减少，主要是合并了内容重复的动态类信息",
            std::cmp::Ordering::Equal => "与上年持平",
        };
        let _ = write!(proactive_text, "公开数量{trend}。");
    }
    out.push(paragraph(proactive_text));
    out.push(Block::heading(1, 1, "依申请公开"));
    let carry = if rng.chance(0.5) {
        format!("，上年结转{}件", figures.carried_over[6])
    } else {
        String::new()
    };
    let mut request_text = fill(rng.pick(&REQUEST_SENTENCES), plan, year)
        .replace("{n}", &figures.new[6].to_string())
        .replace("{carry}", &carry);
    if rng.chance(0.5) {
        let reconsiderations = figures.review[0][4];
        let lawsuits = figures.review[1][4] + figures.review[2][4];
        let _ = write!(
            request_text,
            "全年因政府信息公开工作被申请行政复议{reconsiderations}件，被提起行政诉讼{lawsuits}件。"
        );
    }
    out.push(paragraph(request_text));
    // A varying number of further subsections keeps the sizes realistic and varied.
    let mut number = 2;
    for (heading, variants) in MANAGEMENT_SUBSECTIONS {
        if rng.chance(0.75) {
            out.push(Block::heading(1, number, heading));
            if rng.chance(0.3) {
                // Both variants: some reports say more about one topic.
                out.extend(variants.map(|v| paragraph(fill(v, plan, year))));
            } else {
                out.push(paragraph(fill(rng.pick(&variants), plan, year)));
            }
            number += 1;
        }
    }

    // Tables.
    let heading_2 = if rng.chance(0.3) {
        "行政机关主动公开政府信息情况"
    } else {
        "主动公开政府信息情况"
    };
    out.push(Block::heading(0, 1, heading_2));
    out.push(Block::Table(proactive));
    out.push(Block::heading(0, 2, "收到和处理政府信息公开申请情况"));
    out.push(Block::Table(request_table(&figures, t2021)));
    out.push(Block::heading(0, 3, "政府信息公开行政复议、行政诉讼情况"));
    out.push(Block::Table(review_table(&figures)));

    // 五、存在的主要问题及改进情况
    out.push(Block::heading(0, 4, "存在的主要问题及改进情况"));
    let k = 1 + rng.below(2) as usize;
    for p in rng.some(&PROBLEMS, k) {
        out.push(paragraph(fill(p, plan, year)));
    }
    let k = 1 + rng.below(2) as usize;
    for p in rng.some(&IMPROVEMENTS, k) {
        out.push(paragraph(fill(p, plan, year)));
    }

    // 六、其他需要报告的事项
    out.push(Block::heading(0, 5, "其他需要报告的事项"));
    let mut items: Vec<(&str, String)> = vec![
        (
            "政府信息公开信息处理费收取情况",
            fill(rng.pick(&FEE_PARAGRAPHS), plan, year),
        ),
        (
            "人大代表建议和政协委员提案办理结果公开情况",
            suggestion_paragraph(rng, plan, year),
        ),
    ];
    if rng.chance(0.6) {
        items.push((
            "政务公开工作创新情况",
            fill(rng.pick(&INNOVATION_PARAGRAPHS), plan, year),
        ));
    }
    if rng.chance(0.5) {
        let upper = plan.city.clone().unwrap_or_else(|| plan.province.clone());
        items.push((
            "落实上级年度政务公开工作要点情况",
            format!(
                "{self}对照《{year}年{upper}政务公开工作要点》，逐项制定落实措施，明确责任科室和完成时限，各项任务均已按要求完成。",
                self = plan.self_name
            ),
        ));
    }
    for (i, (heading, text)) in items.into_iter().enumerate() {
        out.push(Block::heading(1, i, heading));
        out.push(paragraph(text));
    }
    let signed_month = rng.range(1, 3) as u32;
    out.push(Block::Signature(plan.agency.clone()));
    out.push(Block::Signature(format!("{}年{signed_month}月", year + 1)));

    Written {
        blocks: out,
        layout,
        signed_month,
        broken_rule,
    }
}

const CHINESE_NUMBERS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// One block of a report as its author wrote it; each file format lays blocks out its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    /// The title: the agency and the report's name, on one or two lines.
    Title(Vec<String>),
    /// A numbered heading: level 0 (`一、总体情况`) or level 1 (`（一）主动公开`).
    Heading {
        level: u8,
        /// The number as typed: `一、` or `（一）`.
        number: String,
        words: String,
    },
    /// A paragraph of narrative (or the demo marker).
    Paragraph(String),
    /// A statistics table with its merged cells.
    Table(Rows),
    /// A line of the signature at the end (agency, then date), set flush right.
    Signature(String),
}

impl Block {
    /// The heading numbered `index` (0 = 一) at `level`.
    fn heading(level: u8, index: usize, words: &str) -> Block {
        let n = CHINESE_NUMBERS.get(index).copied().unwrap_or("六");
        Block::Heading {
            level,
            number: if level == 0 {
                format!("{n}、")
            } else {
                format!("（{n}）")
            },
            words: words.to_string(),
        }
    }
}

/// The report as a text file in `layout`: paragraphs separated by blank lines (single line
/// breaks in the one-cell-per-line layout, as flattened Word files have them), tables as the
/// layout draws them.
fn render_text(blocks: &[Block], layout: Layout) -> String {
    let gap = if layout == Layout::CellPerLine {
        "\n"
    } else {
        "\n\n"
    };
    let mut out = String::with_capacity(12_000);
    let last = blocks.len().saturating_sub(1);
    for (i, block) in blocks.iter().enumerate() {
        let end = if i == last { "\n" } else { gap };
        match block {
            Block::Title(lines) => {
                for line in lines {
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str(&gap[1..]);
            }
            Block::Heading { number, words, .. } => {
                out.push_str(number);
                out.push_str(words);
                out.push_str(end);
            }
            Block::Paragraph(text) | Block::Signature(text) => {
                out.push_str(text);
                out.push_str(end);
            }
            Block::Table(rows) => {
                render_table(&mut out, &table::text_grid(rows), layout);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn reports(count: usize, seed: u64, broken_share: f64) -> Vec<DemoReport> {
        generate(&DemoOptions {
            count,
            seed,
            broken_share,
            format: None,
        })
        .collect()
    }

    /// The reports as text files, with their text.
    fn texts(count: usize, seed: u64, broken_share: f64) -> Vec<(DemoReport, String)> {
        generate(&DemoOptions {
            count,
            seed,
            broken_share,
            format: Some(DemoFormat::Text),
        })
        .map(|r| {
            let text = String::from_utf8(r.bytes.clone()).expect("text reports are UTF-8");
            (r, text)
        })
        .collect()
    }

    /// `word/document.xml` of a .docx.
    fn document_xml(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .expect("a document part")
            .read_to_string(&mut xml)
            .expect("UTF-8 XML");
        xml
    }

    /// Which of rules 1–4 of schema.md the figures break.
    fn failing_rules(f: &Figures) -> BTreeSet<u8> {
        let mut failed = BTreeSet::new();
        for c in 0..7 {
            if f.new[c] + f.carried_over[c] != f.total[c] + f.carried_forward[c] {
                failed.insert(1);
            }
            if f.outcomes.iter().map(|r| r[c]).sum::<i64>() != f.total[c] {
                failed.insert(2);
            }
        }
        let rows = [&f.new, &f.carried_over, &f.total, &f.carried_forward];
        for row in rows.into_iter().chain(&f.outcomes) {
            if row[..6].iter().sum::<i64>() != row[6] {
                failed.insert(3);
            }
        }
        for g in &f.review {
            if g[..4].iter().sum::<i64>() != g[4] {
                failed.insert(4);
            }
        }
        failed
    }

    fn test_plan(rng: &mut SplitMix64) -> AgencyPlan {
        let places: Vec<_> = Gazetteer::global()
            .all()
            .iter()
            .filter(|d| is_demo_place(d))
            .collect();
        new_agency(rng, &places, &mut BTreeSet::new())
    }

    /// The integers of the first table row after `label` (the 7 applicant columns for table 三).
    fn row_numbers(text: &str, label: &str) -> Vec<i64> {
        let start = text.find(label).expect("row label present") + label.len();
        text[start..]
            .split(|c: char| c.is_whitespace() || c == '|')
            .filter(|t| !t.is_empty())
            .take(7)
            .map(|t| t.parse().expect("a number cell"))
            .collect()
    }

    #[test]
    fn same_seed_gives_same_bytes_and_other_seeds_differ() {
        let a = reports(30, 7, 0.05);
        let b = reports(30, 7, 0.05);
        assert_eq!(a, b);
        let c = reports(30, 8, 0.05);
        assert_ne!(a[0].bytes, c[0].bytes);
        // A shorter run is a prefix of a longer one.
        assert_eq!(reports(10, 7, 0.05)[..], a[..10]);
    }

    #[test]
    fn output_bytes_are_pinned() {
        // Guards against accidental platform- or order-dependence: if this changes, the change
        // must be deliberate (and then the digest updated). Changed when HTML and .docx output
        // came in (the format draw shifts the stream, and the layout became blocks).
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for format in [None, Some(DemoFormat::Html), Some(DemoFormat::Docx)] {
            for r in generate(&DemoOptions {
                count: 5,
                seed: 42,
                broken_share: 0.05,
                format,
            }) {
                hasher.update(r.file_name.as_bytes());
                hasher.update(&r.bytes);
            }
        }
        let digest = format!("{:x}", hasher.finalize());
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, PINNED_DIGEST, "demo output changed");
    }

    const PINNED_DIGEST: &str = "0c4c089a199c4416910af49c565453deb1f9f36a26ab77b4521f5077c091f916";

    #[test]
    fn count_names_and_marker() {
        let r = reports(60, 3, 0.05);
        assert_eq!(r.len(), 60);
        let names: BTreeSet<_> = r.iter().map(|x| &x.file_name).collect();
        assert_eq!(names.len(), 60);
        for x in &r {
            let extension = format!(".{}", x.format.extension());
            assert!(x.file_name.is_ascii() && x.file_name.ends_with(&extension));
        }
        for (x, text) in texts(60, 3, 0.05) {
            assert!(text.lines().any(|l| l == DEMO_MARKER), "{}", x.file_name);
            assert!(text.starts_with(&x.agency), "{}", x.file_name);
        }
        let none = generate(&DemoOptions {
            count: 0,
            ..Default::default()
        });
        assert_eq!(none.count(), 0);
    }

    #[test]
    fn formats_are_mixed_by_share_and_forcing_one_keeps_the_content() {
        let mixed = reports(1000, 17, 0.05);
        let of = |f: DemoFormat| mixed.iter().filter(|x| x.format == f).count();
        let (html, docx) = (of(DemoFormat::Html), of(DemoFormat::Docx));
        assert!((110..=190).contains(&html), "{html} HTML pages");
        assert!((60..=140).contains(&docx), "{docx} .docx files");
        let pages: Vec<_> = mixed
            .iter()
            .filter(|x| x.format == DemoFormat::Html)
            .collect();
        let gbk = pages
            .iter()
            .filter(|x| std::str::from_utf8(&x.bytes).is_err())
            .count();
        assert!(
            gbk > 20 && gbk < pages.len() - 20,
            "{gbk} of {}",
            pages.len()
        );
        for x in &mixed {
            match x.format {
                DemoFormat::Docx => assert!(x.bytes.starts_with(b"PK\x03\x04")),
                DemoFormat::Html => assert!(x.bytes.starts_with(b"<!DOCTYPE html>")),
                DemoFormat::Text => assert!(x.bytes.starts_with(x.agency.as_bytes())),
            }
        }
        // Forced formats: same agencies, years and broken rules, report by report.
        let same = |x: &DemoReport| (x.agency.clone(), x.year, x.broken_rule);
        for format in [DemoFormat::Text, DemoFormat::Html, DemoFormat::Docx] {
            let forced: Vec<DemoReport> = generate(&DemoOptions {
                count: 50,
                seed: 17,
                broken_share: 0.05,
                format: Some(format),
            })
            .collect();
            assert!(forced.iter().all(|x| x.format == format));
            for (a, b) in forced.iter().zip(&mixed) {
                assert_eq!(same(a), same(b));
                if a.format == b.format {
                    assert_eq!(a, b);
                }
            }
        }
    }

    #[test]
    fn html_and_docx_tables_merge_cells_as_the_template_does() {
        let options = |format| DemoOptions {
            count: 12,
            seed: 21,
            broken_share: 0.0,
            format: Some(format),
        };
        for x in generate(&options(DemoFormat::Html)) {
            let page = match std::str::from_utf8(&x.bytes) {
                Ok(utf8) => utf8.to_string(),
                Err(_) => encoding_rs::GB18030.decode(&x.bytes).0.into_owned(),
            };
            // 三、本年度办理结果 spans its outcome rows and （七）总计.
            let outcomes = if x.year >= 2021 { 22 } else { 20 };
            for span in [
                format!("<td rowspan=\"{outcomes}\">"),
                "<td rowspan=\"8\">".to_string(),
                "<td colspan=\"3\" rowspan=\"3\">".to_string(),
                "<td colspan=\"5\">".to_string(),
                "<td colspan=\"10\">".to_string(),
            ] {
                assert!(page.contains(&span), "{}: no {span}", x.file_name);
            }
            assert!(page.contains("发布机构："), "{}", x.file_name);
            assert!(page.contains("charset="), "{}", x.file_name);
        }
        for x in generate(&options(DemoFormat::Docx)) {
            let xml = document_xml(&x.bytes);
            for mark in [
                "<w:gridSpan w:val=\"10\"/>",
                "<w:gridSpan w:val=\"3\"/><w:vMerge w:val=\"restart\"/>",
                "<w:vMerge/>",
            ] {
                assert!(xml.contains(mark), "{}: no {mark}", x.file_name);
            }
            assert!(xml.contains("演示数据"), "{}", x.file_name);
        }
    }

    #[test]
    fn layouts_and_templates_are_mixed() {
        let r = texts(90, 11, 0.05);
        let markdown = r.iter().filter(|(_, t)| t.contains("\n|------|")).count();
        let cells = r
            .iter()
            .filter(|(_, t)| t.contains("\n\t信息内容\n"))
            .count();
        let tabs = r.iter().filter(|(_, t)| t.contains("\n信息内容\t")).count();
        assert_eq!(markdown + cells + tabs, r.len());
        assert!(
            markdown > 10 && cells > 10 && tabs > 10,
            "{markdown} {cells} {tabs}"
        );
        for (x, text) in &r {
            let t2021 = text.contains("本年制发件数");
            let t2019 = text.contains("本年新制作数量");
            assert!(t2021 != t2019, "{}", x.file_name);
            assert_eq!(t2021, x.year >= 2021, "{}", x.file_name);
        }
        assert!(r.iter().any(|(x, _)| x.year < 2021) && r.iter().any(|(x, _)| x.year >= 2021));
    }

    #[test]
    fn agencies_are_drawn_once_even_when_a_level_runs_out() {
        let places: Vec<&'static Division> = Gazetteer::global()
            .all()
            .iter()
            .filter(|d| is_demo_place(d))
            .collect();
        let mut rng = SplitMix64::new(5);
        let mut used = BTreeSet::new();
        // 8 % of 10,000 draws want a province: about twice the ~435 bodies at that level.
        for _ in 0..10_000 {
            new_agency(&mut rng, &places, &mut used);
        }
        assert_eq!(used.len(), 10_000, "every agency is a new one");
    }

    #[test]
    fn agencies_are_real_places_the_gazetteer_locates() {
        let g = Gazetteer::global();
        let mut levels = BTreeSet::new();
        for (x, text) in texts(120, 5, 0.05) {
            let code = x
                .file_name
                .split('-')
                .nth(3)
                .expect("code in the file name");
            let division = g.by_code(code).expect("a gazetteer code");
            assert!(x.agency.starts_with(&division.name), "{}", x.agency);
            let found = g.locate(&x.agency, &text);
            assert_eq!(found.region.code.as_deref(), Some(code), "{}", x.agency);
            assert!(found.from_gazetteer.is_empty(), "{} {:?}", x.agency, found);
            levels.insert(format!("{:?}", found.level));
        }
        assert!(levels.len() >= 3, "{levels:?}");
    }

    #[test]
    fn sizes_are_like_real_reports() {
        for (x, text) in texts(150, 9, 0.05) {
            let n = text.len();
            assert!(
                (5_000..=12_000).contains(&n),
                "{} has {n} bytes",
                x.file_name
            );
        }
    }

    #[test]
    fn narrative_numbers_agree_with_the_tables() {
        let stated = regex::Regex::new(r"本年新收政府信息公开申请(\d+)件").unwrap();
        for (x, text) in texts(60, 13, 0.3) {
            let n: i64 = stated.captures(&text).expect("stated")[1].parse().unwrap();
            let row = row_numbers(&text, "一、本年新收政府信息公开申请数量");
            assert_eq!(row.len(), 7, "{}", x.file_name);
            assert_eq!(row[6], n, "{}", x.file_name);
            for phrase in ["全年主动公开信息", "人大代表建议", "政协提案"] {
                assert!(text.contains(phrase), "{} lacks {phrase}", x.file_name);
            }
        }
    }

    #[test]
    fn figures_pass_rules_one_to_four_unless_broken_on_purpose() {
        let mut rng = SplitMix64::new(99);
        for i in 0..300 {
            let mut plan = test_plan(&mut rng);
            let t2021 = i % 2 == 0;
            let mut f = request_figures(&mut rng, &mut plan, t2021);
            assert_eq!(f.outcomes.len(), if t2021 { 21 } else { 19 });
            assert!(failing_rules(&f).is_empty());
            let asked = 1 + (i % 4) as u8;
            let broken = break_rule(&mut rng, &mut f, asked);
            assert_eq!(failing_rules(&f), BTreeSet::from([broken]), "asked {asked}");
            assert!(f.outcomes.iter().flatten().all(|&v| v >= 0));
        }
    }

    #[test]
    fn broken_share_is_respected() {
        assert!(reports(50, 1, 0.0).iter().all(|x| x.broken_rule.is_none()));
        assert!(reports(50, 1, 1.0).iter().all(|x| x.broken_rule.is_some()));
        assert!(reports(20, 1, f64::NAN)
            .iter()
            .all(|x| x.broken_rule.is_none()));
        let some = reports(400, 2, 0.05);
        let broken = some.iter().filter(|x| x.broken_rule.is_some()).count();
        assert!((5..=45).contains(&broken), "{broken}");
    }

    #[test]
    fn numbers_chain_across_years() {
        let mut rng = SplitMix64::new(4);
        for _ in 0..50 {
            let mut plan = test_plan(&mut rng);
            let mut previous: Option<Row> = None;
            let mut in_force: Option<[i64; 2]> = None;
            for year in 2019..2025 {
                let t2021 = year >= 2021;
                if t2021 {
                    let grid = table::text_grid(&proactive_2021(&mut rng, &mut plan));
                    let now = plan.carry.in_force.expect("set");
                    for (i, row) in grid[2..4].iter().enumerate() {
                        let num = |k: usize| row[k].parse::<i64>().unwrap();
                        if let Some(before) = in_force {
                            assert_eq!(num(3), before[i] + num(1) - num(2));
                        }
                        assert_eq!(num(3), now[i]);
                        assert!(num(3) >= 0);
                    }
                    in_force = Some(now);
                } else {
                    proactive_2019(&mut rng, &mut plan);
                }
                let f = request_figures(&mut rng, &mut plan, t2021);
                if let Some(p) = previous {
                    assert_eq!(f.carried_over, p);
                }
                previous = Some(f.carried_forward);
            }
        }
    }
}
