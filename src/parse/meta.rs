//! The report's title, issuing agency, statistics year and kind (government or department),
//! read from the lines before section 一 (the preface) and, as a fallback, from the statistics
//! period sentence. Pure text functions; calls nothing else in the crate but `record`.

use crate::record::Kind;
use regex::Regex;
use std::sync::OnceLock;

/// What the preface says about the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// The title line(s), joined.
    pub title: Option<String>,
    /// The issuing body as named before the year.
    pub agency: Option<String>,
    /// The statistics year.
    pub year: Option<i32>,
}

/// Longest line (in chars) that can be part of a title; longer lines are sentences.
const MAX_TITLE_LINE_CHARS: usize = 60;
/// How many non-blank lines of the preface are searched when the report has no section 一.
const MAX_PREFACE_LINES: usize = 40;

/// Reads title, agency and year. `preface` is the text before section 一 (or the start of the
/// text when there is none); `text` is the whole narrative, for the year fallbacks.
pub fn read_meta(preface: &str, text: &str) -> Meta {
    let lines: Vec<&str> = preface
        .lines()
        .map(clean_line)
        .filter(|l| !l.is_empty())
        .take(MAX_PREFACE_LINES)
        .collect();
    let mut meta = Meta::default();
    if let Some(title) = find_title(&lines) {
        meta.agency = agency_in_title(&title.text).or(title.agency_line);
        meta.year = year_in_title(&title.text);
        meta.title = Some(title.text);
    }
    if meta.agency.is_none() {
        meta.agency = agency_in_sentence(preface);
    }
    if meta.year.is_none() {
        meta.year = year_from_period(text);
    }
    meta
}

/// `government` when the agency is a 人民政府 (or a 政府 by its short name) itself; a 政府办公室
/// reports as a department of its own. `None` without an agency.
pub fn kind_of(agency: Option<&str>) -> Option<Kind> {
    let agency = agency?;
    if agency.ends_with("政府") {
        Some(Kind::Government)
    } else {
        Some(Kind::Department)
    }
}

/// A title found in the preface.
struct Title {
    /// Title line(s) joined.
    text: String,
    /// The line before the title line when it was taken as the agency's name.
    agency_line: Option<String>,
}

fn find_title(lines: &[&str]) -> Option<Title> {
    for (i, line) in lines.iter().enumerate() {
        if !is_title_like(line) {
            continue;
        }
        let mut text = (*line).to_string();
        // A title broken before its last words: `…2023年政府信息公开` + `工作年度报告`.
        if !text.contains("报告") {
            match lines.get(i + 1) {
                Some(next) if is_short_phrase(next) && next.ends_with("报告") => {
                    text.push_str(next);
                }
                _ => continue,
            }
        }
        let mut agency_line = None;
        if agency_in_title(&text).is_none() {
            if let Some(prev) = i.checked_sub(1).and_then(|p| lines.get(p)) {
                if is_short_phrase(prev) && !prev.contains("报告") && looks_like_agency(prev) {
                    text = format!("{prev}{text}");
                    agency_line = Some(collapse_spaces(prev));
                }
            }
        }
        return Some(Title {
            text: collapse_spaces(&text),
            agency_line,
        });
    }
    None
}

/// A short line naming the report: it mentions 政府信息公开 / 政务公开 / 信息公开 and a 报告, or
/// is the first half of such a title.
fn is_title_like(line: &str) -> bool {
    if !is_short_phrase(line) {
        return false;
    }
    let names_subject = line.contains("信息公开") || line.contains("政务公开");
    let names_report = line.contains("年度报告") || line.contains("工作报告");
    (names_subject && line.contains("报告")) || names_report || (names_subject && has_year(line))
}

fn is_short_phrase(line: &str) -> bool {
    let chars = line.chars().count();
    chars > 0
        && chars <= MAX_TITLE_LINE_CHARS
        && !line.contains(['。', '；', '，', '：', ':', ';', '《', '》', '\t', '|'])
}

fn has_year(line: &str) -> bool {
    year_re().is_match(line)
}

/// Agency suffixes seen in report titles: a line ending in one of them names a body.
fn looks_like_agency(line: &str) -> bool {
    const SUFFIXES: [&str; 26] = [
        "政府",
        "局",
        "委",
        "委员会",
        "办",
        "办公室",
        "办公厅",
        "厅",
        "院",
        "署",
        "会",
        "室",
        "处",
        "部",
        "中心",
        "所",
        "站",
        "馆",
        "队",
        "镇",
        "乡",
        "街道",
        "办事处",
        "公司",
        "社",
        "区",
    ];
    let line = line.trim_end_matches([')', '）']);
    SUFFIXES.iter().any(|s| line.ends_with(s)) || line.contains("人民政府")
}

/// The agency named in a title: the text before the year (`XX局2024年…`), or between the year and
/// 政府信息公开 (`2024年XX市人民政府政府信息公开…`).
fn agency_in_title(title: &str) -> Option<String> {
    let m = year_re().find(title)?;
    let before = clean_agency(&title[..m.start()]);
    if before.chars().count() >= 2 {
        return Some(before);
    }
    let after = &title[m.end()..];
    let after = after.trim_start_matches(['度', ' ', '\u{3000}']);
    let subject = after
        .find("政府信息公开")
        .or_else(|| after.find("政务公开"))?;
    let mut between = clean_agency(&after[..subject]);
    if between.ends_with("人民") {
        // `XX市人民政府信息公开…`: the 政府 was shared by both words.
        between.push_str("政府");
    }
    (between.chars().count() >= 2 && looks_like_agency(&between)).then_some(between)
}

/// `…现发布《清河县科技和工业信息化局2024年度政府信息公开工作报告》` in a preface sentence.
fn agency_in_sentence(preface: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([^\s《》，。、：；“”（）()]{2,40}?)\s*(?:19|20)\d{2}\s*年度?\s*(?:政府信息公开|政务公开)")
            .expect("static regex")
    });
    re.captures_iter(preface)
        .filter_map(|c| c.get(1))
        .map(|m| clean_agency(m.as_str()))
        .find(|a| looks_like_agency(a))
}

fn clean_agency(raw: &str) -> String {
    let s = collapse_spaces(raw);
    let s = s.trim_matches(|c: char| c.is_whitespace() || "，。、：；:;“”\"《》".contains(c));
    s.strip_suffix("关于").unwrap_or(s).trim().to_string()
}

fn year_in_title(title: &str) -> Option<i32> {
    year_re()
        .captures(title)
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

/// Fallbacks: the statistics period (`统计期限自2024年1月1日`), then `2024年度`.
fn year_from_period(text: &str) -> Option<i32> {
    static PERIOD: OnceLock<Regex> = OnceLock::new();
    static YEAR_OF: OnceLock<Regex> = OnceLock::new();
    let period = PERIOD.get_or_init(|| {
        Regex::new(r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日").expect("static regex")
    });
    let year_of =
        YEAR_OF.get_or_init(|| Regex::new(r"((?:19|20)\d{2})\s*年度").expect("static regex"));
    [period, year_of].iter().find_map(|re| {
        re.captures(text)
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().parse().ok())
    })
}

/// `2024年`, `2024 年`, `2024年度`.
fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("static regex"))
}

/// A preface line without bookmark markers, `**` and surrounding whitespace.
pub fn clean_line(line: &str) -> &str {
    let line = line.trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '#');
    strip_bookmark_prefix(line)
}

fn strip_bookmark_prefix(mut line: &str) -> &str {
    while let Some(rest) = line.strip_prefix("[bookmark:") {
        match rest.find(']') {
            Some(end) => line = rest[end + 1..].trim_start(),
            None => break,
        }
    }
    line
}

fn collapse_spaces(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_and_title_on_two_lines_are_joined() {
        let m = read_meta(
            "\n某县水利局\n\n2023年政府信息公开工作年度报告\n\n本报告…\n",
            "",
        );
        assert_eq!(
            m.title.as_deref(),
            Some("某县水利局2023年政府信息公开工作年度报告")
        );
        assert_eq!(m.agency.as_deref(), Some("某县水利局"));
        assert_eq!(m.year, Some(2023));
    }

    #[test]
    fn agency_and_year_on_one_line_with_spaces() {
        let m = read_meta("某区商务局 2022 年政府信息公开工作年度报告\n", "");
        assert_eq!(m.agency.as_deref(), Some("某区商务局"));
        assert_eq!(m.year, Some(2022));
    }

    #[test]
    fn year_first_title_names_a_government() {
        let m = read_meta("2021年某市人民政府政府信息公开工作年度报告\n", "");
        assert_eq!(m.agency.as_deref(), Some("某市人民政府"));
        assert_eq!(kind_of(m.agency.as_deref()), Some(Kind::Government));
    }

    #[test]
    fn year_falls_back_to_statistics_period() {
        let m = read_meta("年度报告\n", "统计期限自2020年1月1日起至2020年12月31日止");
        assert_eq!(m.year, Some(2020));
    }

    #[test]
    fn agency_from_a_preface_sentence() {
        let m = read_meta(
            "根据条例，现发布《某县农业农村局2024年度政府信息公开工作报告》。\n",
            "",
        );
        assert_eq!(m.agency.as_deref(), Some("某县农业农村局"));
    }

    #[test]
    fn office_of_a_government_is_a_department() {
        assert_eq!(kind_of(Some("某县人民政府办公室")), Some(Kind::Department));
        assert_eq!(kind_of(None), None);
    }
}
