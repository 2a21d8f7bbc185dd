//! The 索引号 / 发布机构 / 发布日期 block that government portals print above a report: which
//! lines belong to it, and the publisher and publication date it gives. Pure string functions;
//! calls nothing else in the crate.

use regex::Regex;
use std::sync::OnceLock;

/// Labels of a portal's metadata block. A line that starts with one of them (and a colon) is
/// site chrome, not the report.
const META_LABELS: [&str; 20] = [
    "索引号",
    "索 引 号",
    "发布机构",
    "发文机关",
    "发布单位",
    "信息来源",
    "来源",
    "发布日期",
    "发布时间",
    "成文日期",
    "生成日期",
    "发文日期",
    "发文字号",
    "文号",
    "主题分类",
    "公开方式",
    "公开范围",
    "公开时限",
    "有效性",
    "浏览次数",
];

/// What the metadata block says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    /// 发布日期 as YYYY-MM-DD.
    pub published: Option<String>,
    /// 发布机构.
    pub publisher: Option<String>,
}

/// True when a line (or a table row's joined cells) is part of a metadata block.
pub fn is_meta_line(line: &str) -> bool {
    let line = line.trim_start();
    META_LABELS.iter().any(|label| {
        line.strip_prefix(label)
            .map(|rest| rest.trim_start().starts_with(['：', ':']))
            .unwrap_or(false)
    })
}

impl PageMeta {
    /// Takes what a metadata line gives (`发布机构：某局 发布日期：2024-01-25`); earlier values win.
    pub fn read_line(&mut self, line: &str) {
        let found: Vec<_> = label_re().captures_iter(line).collect();
        for (n, cap) in found.iter().enumerate() {
            let (Some(whole), Some(label)) = (cap.get(0), cap.get(1)) else {
                continue;
            };
            let end = found
                .get(n + 1)
                .and_then(|next| next.get(0))
                .map_or(line.len(), |m| m.start());
            let value = line.get(whole.end()..end).unwrap_or("");
            let value = value.split_whitespace().next().unwrap_or("");
            // Spans printed without spaces run into the next label: `某局发布日期`.
            let value = META_LABELS
                .iter()
                .filter_map(|l| value.find(l))
                .min()
                .map_or(value, |at| &value[..at]);
            match label.as_str() {
                "发布机构" | "发布单位" | "发文机关"
                    if self.publisher.is_none() && !value.is_empty() =>
                {
                    self.publisher = Some(value.to_string());
                }
                "发布日期" | "发布时间" if self.published.is_none() => {
                    self.published = parse_date(value);
                }
                _ => {}
            }
        }
    }
}

/// The labels whose values are kept; a value runs to the next whitespace or label.
fn label_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(发布机构|发布单位|发文机关|发布日期|发布时间)\s*[：:]\s*")
            .expect("a valid regex")
    })
}

/// `2024-01-25`, `2024-1-5 10:30`, `2024/01/25`, `2024.01.25`, `2024年1月25日` → `2024-01-25`;
/// anything else (or an impossible date) → `None`.
pub fn parse_date(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
            .expect("a valid regex")
    });
    let cap = re.captures(text)?;
    let year: u32 = cap.get(1)?.as_str().parse().ok()?;
    let month: u32 = cap.get(2)?.as_str().parse().ok()?;
    let day: u32 = cap.get(3)?.as_str().parse().ok()?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_spelling() {
        assert_eq!(parse_date("2024-01-25 10:30"), Some("2024-01-25".into()));
        assert_eq!(parse_date("2024/1/5"), Some("2024-01-05".into()));
        assert_eq!(parse_date("2024年1月25日"), Some("2024-01-25".into()));
        assert_eq!(parse_date("2023.02.29"), None);
        assert_eq!(parse_date("二〇二四年"), None);
    }

    #[test]
    fn a_metadata_row_gives_publisher_and_date() {
        let line = "索引号：0001/2024-00012 发布机构：青禾县农业农村局 成文日期：2024-01-20 发布日期：2024-01-26";
        assert!(is_meta_line(line));
        let mut meta = PageMeta::default();
        meta.read_line(line);
        assert_eq!(meta.publisher.as_deref(), Some("青禾县农业农村局"));
        assert_eq!(meta.published.as_deref(), Some("2024-01-26"));
        assert!(!is_meta_line("发布机构负责落实公开要求。"));
    }

    #[test]
    fn a_label_with_its_value_in_the_next_cell() {
        let mut meta = PageMeta::default();
        meta.read_line("发布机构： 青禾县农业农村局");
        assert_eq!(meta.publisher.as_deref(), Some("青禾县农业农村局"));
        let mut joined = PageMeta::default();
        joined.read_line("发布机构：青禾县农业农村局发布日期：2024-01-26");
        assert_eq!(joined.publisher.as_deref(), Some("青禾县农业农村局"));
        assert_eq!(joined.published.as_deref(), Some("2024-01-26"));
    }
}
