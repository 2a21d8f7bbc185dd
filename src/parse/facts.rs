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
    /// Text every match holds: only the clauses holding it are searched (see [`clauses_with`]).
    anchor: &'static str,
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
/// The characters [`GAP`] stops at that end a clause. No pattern's literal holds one, so no
/// match spans one: a pattern finds in a clause what it finds there in the whole text.
const CLAUSE_ENDS: [char; 9] = ['。', '；', ';', '！', '!', '？', '?', '，', ','];

fn counted(anchor: &'static str, pattern: &str) -> Pattern {
    let pattern = pattern.replace("{N}", NUMBER).replace("{G}", GAP);
    Pattern {
        re: Regex::new(&pattern).expect("static regex"),
        value: None,
        anchor,
    }
}

fn stated(anchor: &'static str, pattern: &str, value: i64) -> Pattern {
    let pattern = pattern.replace("{G}", GAP);
    Pattern {
        re: Regex::new(&pattern).expect("static regex"),
        value: Some(value),
        anchor,
    }
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        proactive: vec![counted(
            "主动公开",
            r"主动公开{G}{0,12}?信息(?:共计|共|合计|总计)?{N}(?:条|篇|件)",
        )],
        proactive_fallback: vec![counted(
            "信息",
            r"(?:累计|共计|共|全年|年内)(?:主动)?公开(?:各类)?(?:政府|政务)?信息(?:共计|共)?{N}(?:条|篇)",
        )],
        requests_received: vec![
            stated("申请", r"(?P<neg>未|没有)(?:收到|接到|受理|发生)(?:任何)?{G}{0,6}?(?:信息公开申请|依申请公开)", 0),
            counted(
                "申请",
                r"(?:收到|受理|接收|新收)(?:到)?{G}{0,16}?(?:信息公开申请|依申请公开申请|依申请公开)(?:事项|件数|数量)?(?:共计|共|合计|总计)?{N}件",
            ),
        ],
        carried_over: vec![counted(
            "结转",
            r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开申请|申请)?(?:共)?{N}件",
        )],
        reconsiderations: vec![
            stated("行政复议", r"(?P<pre>尚)?(?P<neg>未|没有|无)(?:因|发生|出现|被|收到|有|涉及){G}{0,30}?行政复议", 0),
            counted("行政复议", r"行政复议(?:案件|案|申请)?(?:共)?{N}(?:件|起|宗)"),
        ],
        lawsuits: vec![
            stated("行政诉讼", r"(?P<pre>尚)?(?P<neg>未|没有|无)(?:因|发生|出现|被|收到|有|涉及){G}{0,40}?行政诉讼", 0),
            counted("行政诉讼", r"行政诉讼(?:案件|案)?(?:共)?{N}(?:件|起|宗)"),
        ],
        npc: vec![counted("人大", r"人大{G}{0,20}?建议(?:共计|共)?{N}件")],
        cppcc: vec![counted("政协", r"政协{G}{0,20}?提案(?:共计|共)?{N}件")],
    })
}

/// The value of the earliest exact statement in the text, over all patterns of one fact.
fn first_number(text: &str, patterns: &[Pattern]) -> Option<i64> {
    let mut best: Option<(usize, i64)> = None;
    for pattern in patterns {
        if let Some((at, value)) = first_statement(text, pattern) {
            if best.is_none_or(|(best_at, _)| at < best_at) {
                best = Some((at, value));
            }
        }
    }
    best.map(|(_, v)| v)
}

/// The byte offset and value of the first exact statement of `pattern` in `text`. Only the
/// clauses holding the pattern's anchor are searched: running every pattern over a whole
/// report was a twentieth of an import's CPU.
fn first_statement(text: &str, pattern: &Pattern) -> Option<(usize, i64)> {
    for (offset, clause) in clauses_with(text, pattern.anchor) {
        for caps in pattern.re.captures_iter(clause) {
            let Some(whole) = caps.get(0) else { continue };
            if caps.name("pre").is_some() || caps.name("approx").is_some() {
                continue;
            }
            let value = match pattern.value {
                Some(v) => Some(v),
                None => caps.name("n").and_then(|n| n.as_str().parse::<i64>().ok()),
            };
            if let Some(value) = value {
                return Some((offset + whole.start(), value));
            }
        }
    }
    None
}

/// The clauses of `text` (between [`CLAUSE_ENDS`]) that hold `anchor`, in order, each once,
/// with their byte offsets.
fn clauses_with<'t>(text: &'t str, anchor: &'static str) -> impl Iterator<Item = (usize, &'t str)> {
    let mut searched_to = 0;
    memchr::memmem::find_iter(text.as_bytes(), anchor.as_bytes()).filter_map(move |at| {
        if at < searched_to {
            return None; // in the clause already given
        }
        let start = text[..at].rfind(CLAUSE_ENDS).map_or(0, |end| {
            end + text[end..].chars().next().map_or(1, char::len_utf8)
        });
        let end = text[at..]
            .find(CLAUSE_ENDS)
            .map_or(text.len(), |end| at + end);
        searched_to = end;
        Some((start, &text[start..end]))
    })
}

/// Drops whitespace and turns full-width digits into ASCII ones.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect()
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

    /// The search of every pattern over the whole text, as it was before clauses.
    fn first_number_in_whole_text(text: &str, patterns: &[Pattern]) -> Option<i64> {
        let mut best: Option<(usize, i64)> = None;
        for pattern in patterns {
            for caps in pattern.re.captures_iter(text) {
                let Some(whole) = caps.get(0) else { continue };
                if caps.name("pre").is_some() || caps.name("approx").is_some() {
                    continue;
                }
                let value = match pattern.value {
                    Some(v) => Some(v),
                    None => caps.name("n").and_then(|n| n.as_str().parse::<i64>().ok()),
                };
                if let Some(value) = value {
                    if best.is_none_or(|(at, _)| whole.start() < at) {
                        best = Some((whole.start(), value));
                    }
                    break;
                }
            }
        }
        best.map(|(_, v)| v)
    }

    /// Beginnings of statements (whole and in parts), and filler.
    const HEADS: &[&str] = &[
        "主动公开政府信息",
        "主动公开",
        "政府信息",
        "全年公开信息",
        "累计公开信息",
        "未收到",
        "没有接到",
        "尚未",
        "无",
        "收到政府信息公开申请",
        "新收依申请公开",
        "受理",
        "申请",
        "上年结转",
        "上一年度结转的申请",
        "结转",
        "未因政府信息公开被申请",
        "未因信息公开被提起行政诉讼",
        "没有发生行政复议",
        "行政复议",
        "行政诉讼",
        "行政复议案件",
        "人大代表建议",
        "人大",
        "建议",
        "政协委员提案",
        "政协",
        "提案",
        "共",
        "",
        "工作",
    ];
    /// What may follow a beginning: counts (exact and not), parts of them, nothing.
    const TAILS: &[&str] = &[
        "3件",
        "0件",
        "12条",
        "148篇",
        "共3件",
        "共计12条",
        "10余条",
        "5多件",
        "2起",
        "1宗",
        "3",
        "件",
        "条",
        "",
    ];
    const ENDS: &[&str] = &["。", "，", "；", ",", "？", "", "的"];

    proptest::proptest! {
        #[test]
        fn clauses_find_what_the_whole_text_finds(
            statements in proptest::collection::vec(
                (
                    proptest::sample::select(HEADS),
                    proptest::sample::select(TAILS),
                    proptest::sample::select(ENDS),
                ),
                0..12,
            )
        ) {
            let text: String = statements
                .iter()
                .map(|(head, tail, end)| format!("{head}{tail}{end}"))
                .collect();
            let p = patterns();
            for set in [
                &p.proactive, &p.proactive_fallback, &p.requests_received, &p.carried_over,
                &p.reconsiderations, &p.lawsuits, &p.npc, &p.cppcc,
            ] {
                proptest::prop_assert_eq!(
                    first_number(&text, set),
                    first_number_in_whole_text(&text, set),
                    "{}", text
                );
            }
        }
    }

    #[test]
    fn nothing_stated_is_absent() {
        assert_eq!(read_facts("我们做了很多工作。"), Facts::default());
    }
}
