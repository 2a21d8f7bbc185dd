//! Narrative sections 一 … 六 (and any extra): headings and text without the table spans.
//! Only a top-level `一、` heading at line start counts, in sequence, outside the tables;
//! `（一）` sub-headings, `一是` and table row labels do not. Calls only `record`.

use crate::record::Section;
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

/// The sections of a report and where its preface ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionSplit {
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Byte offset where the first section's heading starts (the text's length when there is
    /// none): everything before it is the preface.
    pub preface_end: usize,
}

/// A heading longer than this (in chars) is a heading only when a `。` or `：` ends it early.
const MAX_HEADING_CHARS: usize = 40;

/// Splits decoded text into sections; `spans` are the byte ranges of table content.
pub fn split_sections(text: &str, spans: &[Range<usize>]) -> SectionSplit {
    let spans = merge_spans(spans, text.len());
    let mut split = SectionSplit {
        sections: Vec::new(),
        preface_end: text.len(),
    };
    let mut last_number = 0u32;
    let mut body: Vec<String> = Vec::new();
    for line in narrative_lines(text, &spans) {
        if let Some(heading) = heading_of(&line, last_number) {
            if let Some(current) = split.sections.last_mut() {
                current.text = body.join("\n");
            } else {
                split.preface_end = line.start;
            }
            body.clear();
            last_number = heading.value;
            if !heading.rest.is_empty() {
                body.push(heading.rest);
            }
            split.sections.push(Section {
                number: heading.number,
                heading: heading.title,
                text: String::new(),
            });
        } else if !split.sections.is_empty() && !line.text.is_empty() {
            body.push(line.text);
        }
    }
    if let Some(current) = split.sections.last_mut() {
        current.text = body.join("\n");
    }
    split
}

/// The narrative of the whole text (preface included): every line without table spans,
/// markers and blank lines, joined by `\n`. What the facts are searched in.
pub fn narrative(text: &str, spans: &[Range<usize>]) -> String {
    let spans = merge_spans(spans, text.len());
    narrative_lines(text, &spans)
        .map(|l| l.text)
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// One line of narrative: its start offset, whether it began with a tab (a table cell of the
/// one-cell-per-line layout) or inside a table span, and its cleaned text outside the spans.
struct NarrativeLine {
    start: usize,
    starts_with_tab: bool,
    starts_in_table: bool,
    text: String,
}

fn narrative_lines<'a>(
    text: &'a str,
    spans: &'a [Range<usize>],
) -> impl Iterator<Item = NarrativeLine> + 'a {
    let mut offset = 0usize;
    let mut span_index = 0usize;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        let end = start + raw.len();
        offset = end;
        while span_index < spans.len() && spans[span_index].end <= start {
            span_index += 1;
        }
        let mut kept = String::new();
        let mut cursor = start;
        let starts_in_table = spans
            .get(span_index)
            .is_some_and(|s| s.start <= start && start < s.end);
        for span in spans[span_index..].iter().take_while(|s| s.start < end) {
            if span.start > cursor {
                kept.push_str(text.get(cursor..span.start).unwrap_or(""));
            }
            cursor = cursor.max(span.end);
        }
        if cursor < end {
            kept.push_str(text.get(cursor..end).unwrap_or(""));
        }
        NarrativeLine {
            start,
            starts_with_tab: raw.starts_with('\t'),
            starts_in_table,
            text: clean_text(&kept),
        }
    })
}

/// Sorted, non-overlapping spans clipped to the text.
fn merge_spans(spans: &[Range<usize>], len: usize) -> Vec<Range<usize>> {
    let mut sorted: Vec<Range<usize>> = spans
        .iter()
        .map(|s| s.start.min(len)..s.end.min(len))
        .filter(|s| s.start < s.end)
        .collect();
    sorted.sort_by_key(|s| s.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for s in sorted {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// Removes `[bookmark: …]` markers and `**`, and trims whitespace (ideographic spaces too).
pub fn clean_text(raw: &str) -> String {
    // Most lines hold neither; the regex and `replace` would copy them twice for nothing.
    if !raw.contains(['[', '*']) {
        return raw.trim().to_string();
    }
    static BOOKMARK: OnceLock<Regex> = OnceLock::new();
    let bookmark =
        BOOKMARK.get_or_init(|| Regex::new(r"\[bookmark:[^\]\n]*\]").expect("static regex"));
    let without = bookmark.replace_all(raw, "");
    without.replace("**", "").trim().to_string()
}

struct Heading {
    number: String,
    value: u32,
    title: String,
    rest: String,
}

fn heading_of(line: &NarrativeLine, last_number: u32) -> Option<Heading> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^#*\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(\S.*)$")
            .expect("static regex")
    });
    if line.starts_with_tab || line.starts_in_table {
        return None;
    }
    let caps = re.captures(&line.text)?;
    let number = caps.get(1)?.as_str();
    let value = chinese_numeral(number)?;
    let in_sequence = if last_number == 0 {
        value <= 2
    } else {
        value > last_number && value <= last_number + 2
    };
    if !in_sequence {
        return None;
    }
    let after = caps.get(2)?.as_str();
    if after.contains(['\t', '|']) {
        return None;
    }
    // `一、总体情况。今年…` carries text after its heading; a long line without an early stop is
    // a sentence, not a heading.
    let stop = after
        .char_indices()
        .take(MAX_HEADING_CHARS)
        .find(|(_, c)| matches!(c, '。' | '：' | ':'));
    let (title, rest) = match stop {
        Some((at, c)) => (&after[..at], after.get(at + c.len_utf8()..).unwrap_or("")),
        None if after.chars().count() <= MAX_HEADING_CHARS => (after, ""),
        None => return None,
    };
    let title = title
        .trim_end_matches(['：', ':', '。', ' ', '\u{3000}'])
        .trim();
    if title.is_empty() {
        return None;
    }
    Some(Heading {
        number: number.to_string(),
        value,
        title: title.to_string(),
        rest: rest.trim().to_string(),
    })
}

/// 一 … 九十九.
fn chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "某局2023年政府信息公开工作年度报告\n前言。\n一、总体情况\n\n（一）主动公开\n一是做了事。\n\n\n[bookmark: _GoBack]**二是**也做了。\n二、主动公开政府信息情况\n表格内容\n三、收到和处理政府信息公开申请情况\n一、本年新收\t1\n四、结转下年度继续办理\t\t0\n四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n五、存在问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n";

    #[test]
    fn headings_in_sequence_outside_tables() {
        let start = REPORT.find("表格内容").unwrap();
        let end = start + "表格内容\n".len();
        let spans = [Range { start, end }];
        let split = split_sections(REPORT, &spans);
        let numbers: Vec<&str> = split.sections.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(numbers, ["一", "二", "三", "四", "五", "六"]);
        assert_eq!(split.sections[0].heading, "总体情况");
        assert_eq!(
            split.sections[0].text,
            "（一）主动公开\n一是做了事。\n二是也做了。"
        );
        assert_eq!(split.sections[1].text, "");
        assert_eq!(
            split.sections[3].heading,
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        );
        assert_eq!(split.sections[4].heading, "存在问题及改进情况");
        assert_eq!(split.preface_end, REPORT.find("一、总体").unwrap());
    }

    #[test]
    fn long_heading_line_splits_at_full_stop() {
        let text = "一、总体情况。今年我们做了很多工作，公开了很多信息，回应了很多关切，这一行很长很长。\n";
        let split = split_sections(text, &[]);
        assert_eq!(split.sections[0].heading, "总体情况");
        assert!(split.sections[0].text.starts_with("今年我们"));
    }

    #[test]
    fn numerals() {
        assert_eq!(chinese_numeral("一"), Some(1));
        assert_eq!(chinese_numeral("十"), Some(10));
        assert_eq!(chinese_numeral("十二"), Some(12));
        assert_eq!(chinese_numeral("二十一"), Some(21));
        assert_eq!(chinese_numeral("一一"), None);
    }

    #[test]
    fn spans_out_of_range_do_not_panic() {
        let split = split_sections("一、总体情况\n文字", &[3..1000, 0..2]);
        assert!(split.sections.len() <= 1);
    }
}
