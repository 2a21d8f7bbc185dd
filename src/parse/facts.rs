//! Numbers the narrative states (not the tables): 主动公开 … 条, 收到 … 申请 … 件, 上年结转 … 件,
//! 行政复议 / 行政诉讼 … 件 (or none), 人大代表建议 … 件, 政协提案 … 件. Approximate figures
//! (10余条) are left out: a fact the text does not state exactly is absent. Calls only `record`.

use crate::record::Facts;
use regex::Regex;
use std::sync::OnceLock;

/// Reads the facts from narrative text (table spans already removed).
pub fn read_facts(narrative: &str) -> Facts {
    // Lines are joined and spaces dropped: reports break sentences across lines and pages
    // (`主动公开政府\n\n信息 148 条`). The patterns' gaps stop at sentence ends instead.
    let text = compact(narrative);
    let p = patterns();
    Facts {
        proactive_published: first_number(&text, &p.proactive)
            .or_else(|| first_number(&text, &p.proactive_fallback)),
        requests_received: first_number(&text, &p.requests_received),
        requests_carried_over: first_number(&text, &p.carried_over),
        reconsiderations: first_number(&text, &p.reconsiderations),
        lawsuits: first_number(&text, &p.lawsuits),
        npc_suggestions: first_number(&text, &p.npc),
        cppcc_proposals: first_number(&text, &p.cppcc),
    }
}

/// One way a report states a fact.
struct Pattern {
    re: Regex,
    /// `None`: the number is capture group `n`, approximate when group `approx` matched.
    /// `Some(v)`: the pattern states the value `v` (未收到 … → 0).
    value: Option<i64>,
    /// Indexes of the groups `n`, `approx` and `pre` (a statement qualified by 尚 is skipped).
    number: Option<usize>,
    approx: Option<usize>,
    pre: Option<usize>,
}

impl Pattern {
    fn new(pattern: &str, value: Option<i64>) -> Pattern {
        let re = Regex::new(pattern).expect("static regex");
        let group = |name: &str| re.capture_names().position(|n| n == Some(name));
        Pattern {
            number: group("n"),
            approx: group("approx"),
            pre: group("pre"),
            re,
            value,
        }
    }
}

struct Patterns {
    proactive: Vec<Pattern>,
    proactive_fallback: Vec<Pattern>,
    requests_received: Vec<Pattern>,
    carried_over: Vec<Pattern>,
    reconsiderations: Vec<Pattern>,
    lawsuits: Vec<Pattern>,
    npc: Vec<Pattern>,
    cppcc: Vec<Pattern>,
}

/// A number with an optional approximation after it (10余条, 20多件).
const NUMBER: &str = r"(?P<n>\d+)(?P<approx>余|多|左右)?";
/// A gap inside one clause: no sentence or clause end, no digits.
const GAP: &str = r"[^。；;！!？?，,\d]";

fn counted(pattern: &str) -> Pattern {
    Pattern::new(&pattern.replace("{N}", NUMBER).replace("{G}", GAP), None)
}

fn stated(pattern: &str, value: i64) -> Pattern {
    Pattern::new(&pattern.replace("{G}", GAP), Some(value))
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        proactive: vec![counted(
            r"主动公开{G}{0,12}?信息(?:共计|共|合计|总计)?{N}(?:条|篇|件)",
        )],
        proactive_fallback: vec![counted(
            r"(?:累计|共计|共|全年|年内)(?:主动)?公开(?:各类)?(?:政府|政务)?信息(?:共计|共)?{N}(?:条|篇)",
        )],
        requests_received: vec![
            stated(r"(?P<neg>未|没有)(?:收到|接到|受理|发生)(?:任何)?{G}{0,6}?(?:信息公开申请|依申请公开)", 0),
            counted(
                r"(?:收到|受理|接收|新收)(?:到)?{G}{0,16}?(?:信息公开申请|依申请公开申请|依申请公开)(?:事项|件数|数量)?(?:共计|共|合计|总计)?{N}件",
            ),
        ],
        carried_over: vec![counted(
            r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开申请|申请)?(?:共)?{N}件",
        )],
        reconsiderations: vec![
            stated(r"(?P<pre>尚)?(?P<neg>未|没有|无)(?:因|发生|出现|被|收到|有|涉及){G}{0,30}?行政复议", 0),
            counted(r"行政复议(?:案件|案|申请)?(?:共)?{N}(?:件|起|宗)"),
        ],
        lawsuits: vec![
            stated(r"(?P<pre>尚)?(?P<neg>未|没有|无)(?:因|发生|出现|被|收到|有|涉及){G}{0,40}?行政诉讼", 0),
            counted(r"行政诉讼(?:案件|案)?(?:共)?{N}(?:件|起|宗)"),
        ],
        npc: vec![counted(r"人大{G}{0,20}?建议(?:共计|共)?{N}件")],
        cppcc: vec![counted(r"政协{G}{0,20}?提案(?:共计|共)?{N}件")],
    })
}

/// The value of the earliest exact statement in the text, over all patterns of one fact.
fn first_number(text: &str, patterns: &[Pattern]) -> Option<i64> {
    let mut best: Option<(usize, i64)> = None;
    for pattern in patterns {
        // One set of capture slots per pattern, reused from match to match.
        let mut slots = pattern.re.capture_locations();
        let mut at = 0;
        while let Some(whole) = pattern.re.captures_read_at(&mut slots, text, at) {
            // The patterns never match empty text, so the next search starts past this one.
            at = whole.end().max(whole.start() + 1);
            let group = |index: Option<usize>| index.and_then(|i| slots.get(i));
            if group(pattern.pre).is_some() || group(pattern.approx).is_some() {
                continue;
            }
            let value = match pattern.value {
                Some(v) => Some(v),
                None => group(pattern.number)
                    .and_then(|(from, to)| text.get(from..to))
                    .and_then(|n| n.parse::<i64>().ok()),
            };
            if let Some(value) = value {
                if best.is_none_or(|(start, _)| whole.start() < start) {
                    best = Some((whole.start(), value));
                }
                break;
            }
        }
    }
    best.map(|(_, v)| v)
}

/// Drops whitespace and turns full-width digits into ASCII ones. Copies the runs between such
/// characters whole: pushed a character at a time, this was a fifth of reading the facts.
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, c) in text.char_indices() {
        let digit = match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            c if c.is_whitespace() => None,
            _ => continue,
        };
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.extend(digit);
        copied = at + c.len_utf8();
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proactive_broken_over_lines() {
        let f = read_facts("局网站主动公开政府\n\n信息 148 条。");
        assert_eq!(f.proactive_published, Some(148));
    }

    #[test]
    fn approximate_numbers_are_absent() {
        let f = read_facts("在网站上主动公开的政府信息10余条。");
        assert_eq!(f.proactive_published, None);
    }

    #[test]
    fn cumulative_publication_is_a_fallback() {
        let f = read_facts("累计公开信息600条，其中政策类信息20条。");
        assert_eq!(f.proactive_published, Some(600));
    }

    #[test]
    fn no_requests_and_no_review_are_zero() {
        let f = read_facts("今年未收到政府信息公开申请，上年度结转0件。未因政府信息公开被申请行政复议、提起行政诉讼。");
        assert_eq!(f.requests_received, Some(0));
        assert_eq!(f.requests_carried_over, Some(0));
        assert_eq!(f.reconsiderations, Some(0));
        assert_eq!(f.lawsuits, Some(0));
    }

    #[test]
    fn counted_requests() {
        assert_eq!(
            read_facts("共收到及办理依申请公开 3 件").requests_received,
            Some(3)
        );
        assert_eq!(
            read_facts("新收到信息公开申请5件，已答复5件").requests_received,
            Some(5)
        );
        assert_eq!(
            read_facts("共收到政府信息公开申请 0 件").requests_received,
            Some(0)
        );
    }

    #[test]
    fn suggestions_and_proposals() {
        let f = read_facts("共收到“两会”建议、提案65件，其中人大建议25件、政协提案40件。");
        assert_eq!(f.npc_suggestions, Some(25));
        assert_eq!(f.cppcc_proposals, Some(40));
        let f = read_facts("承办县十八届人大三次会议建议1件，承办县政协十五届三次会议提案8件");
        assert_eq!(f.npc_suggestions, Some(1));
        assert_eq!(f.cppcc_proposals, Some(8));
    }

    #[test]
    fn pending_is_not_a_negation() {
        let f = read_facts("尚未审结的行政复议。");
        assert_eq!(f.reconsiderations, None);
    }

    #[test]
    fn nothing_stated_is_absent() {
        assert_eq!(read_facts("我们做了很多工作。"), Facts::default());
    }
}
