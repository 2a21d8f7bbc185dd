//! Label normalisation: one spelling for every way a report prints the same table label.
//!
//! Drops spaces (also full-width and no-break ones), `[bookmark: …]` markers and `**` bold
//! marks; maps full-width ASCII (digits, brackets, dots, signs) to ASCII and every quote
//! style to `"`. Pure string functions; calls nothing else in the crate.

/// The normalised form of a printed cell or label.
///
/// `自 然 人` → `自然人`; `（一）予以公开` → `(一)予以公开`; `[bookmark: _GoBack]规章` → `规章`;
/// `危及“三安全一稳定”` → `危及"三安全一稳定"`; `　　０` → `0`.
pub fn normalize(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = find_bookmark(rest) {
        let (before, marker) = rest.split_at(at);
        push_normalized(before, &mut out);
        match marker.find(']') {
            // `]` is ASCII, so `close + 1` is a char boundary.
            Some(close) => rest = &marker[close + 1..],
            None => {
                // An unclosed marker is kept as text rather than swallowing the rest.
                push_normalized(marker, &mut out);
                rest = "";
            }
        }
    }
    push_normalized(rest, &mut out);
    out
}

/// Where the next `[bookmark:` marker starts. Looks for `[` first: `str::find` with a string
/// pattern sets up a searcher on every call, and every line of every report comes here.
fn find_bookmark(s: &str) -> Option<usize> {
    s.match_indices('[')
        .map(|(at, _)| at)
        .find(|&at| s[at..].starts_with("[bookmark:"))
}

fn push_normalized(s: &str, out: &mut String) {
    // Runs of characters that stay as they are (ASCII other than spaces, `*` and `'`, and the
    // CJK block U+4000–U+9FFF, lead bytes E4–E9) are copied whole; every line of every report
    // comes here, and most of it is such runs.
    let bytes = s.as_bytes();
    let mut kept_from = 0;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let unchanged = match b {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b'*' | b'\'' => 0,
            0..=0x7F => 1,
            0xE4..=0xE9 => 3,
            _ => 0,
        };
        if unchanged > 0 {
            at += unchanged;
            continue;
        }
        out.push_str(&s[kept_from..at]);
        let Some(c) = s[at..].chars().next() else {
            break;
        };
        push_normalized_char(c, out);
        at += c.len_utf8();
        kept_from = at;
    }
    out.push_str(&s[kept_from..]);
}

fn push_normalized_char(c: char, out: &mut String) {
    if c.is_whitespace() || matches!(c, '\u{200b}' | '\u{feff}' | '*') {
        return;
    }
    let c = match c {
        // Full-width ASCII block: （ → (, ０ → 0, ． → ., － → -, ＂ → ".
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    };
    let c = match c {
        '“' | '”' | '„' | '‟' | '「' | '」' | '『' | '』' | '‘' | '’' | '\'' => '"',
        '—' | '–' | '‒' | '−' | '―' => '-',
        '【' => '[',
        '】' => ']',
        _ => c,
    };
    out.push(c);
}

/// Chinese numerals used in the template's numbering (一 … 十).
fn is_cjk_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// The normalised label without its leading numbering: `(六)其他处理` → `其他处理`,
/// `三、本年度办理结果` → `本年度办理结果`, `3.其他` → `其他`.
pub fn strip_numbering(norm: &str) -> &str {
    let mut s = norm;
    // At most a few numbering prefixes stack up (`三、(一)`); the bound keeps this linear.
    for _ in 0..3 {
        let next = strip_one_number(s);
        if next.len() == s.len() {
            break;
        }
        s = next;
    }
    s
}

fn strip_one_number(s: &str) -> &str {
    if let Some(inner) = s.strip_prefix('(') {
        if let Some(close) = inner.find(')') {
            let number = &inner[..close];
            if !number.is_empty()
                && number.chars().count() <= 3
                && number
                    .chars()
                    .all(|c| is_cjk_numeral(c) || c.is_ascii_digit())
            {
                return &inner[close + 1..];
            }
        }
        return s;
    }
    let digits = s
        .char_indices()
        .find(|(_, c)| !(is_cjk_numeral(*c) || c.is_ascii_digit()))
        .map_or(s.len(), |(i, _)| i);
    if digits == 0 || digits > 9 {
        return s;
    }
    let rest = &s[digits..];
    for sep in ['、', '.', ',', '，'] {
        if let Some(after) = rest.strip_prefix(sep) {
            return after;
        }
    }
    s
}

/// True when a normalised line reads like a section heading of the narrative
/// (`四、政府信息公开行政复议…`, `(一)主动公开`), which never continues a table cell.
pub fn is_heading(norm: &str) -> bool {
    let numeral_end = norm
        .char_indices()
        .find(|(_, c)| !is_cjk_numeral(*c))
        .map_or(norm.len(), |(i, _)| i);
    if numeral_end > 0 && norm[numeral_end..].starts_with('、') {
        return norm[numeral_end..].chars().count() > 1;
    }
    if let Some(inner) = norm.strip_prefix('(') {
        let end = inner
            .char_indices()
            .find(|(_, c)| !is_cjk_numeral(*c))
            .map_or(inner.len(), |(i, _)| i);
        return end > 0 && inner[end..].starts_with(')');
    }
    false
}

/// Number of CJK ideographs in a string (labels have them, values do not).
pub fn cjk_count(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(*c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}'))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_bookmarks_bold_and_widths_are_normalised() {
        assert_eq!(normalize("自 然 人"), "自然人");
        assert_eq!(normalize("[bookmark: _Hlk1]（二）部分公开"), "(二)部分公开");
        assert_eq!(normalize("**三是**"), "三是");
        assert_eq!(normalize("\u{3000}\u{a0}\u{3000}１２"), "12");
        assert_eq!(
            normalize("危及“三安全一稳定”"),
            normalize("危及\"三安全一稳定\"")
        );
        assert_eq!(normalize("[bookmark: open"), "[bookmark:open");
    }

    proptest::proptest! {
        /// The runs copied whole come out as character by character.
        #[test]
        fn copying_runs_whole_changes_nothing(
            s in "[ -~\u{a0}\u{2000}-\u{2030}\u{3000}-\u{3020}\u{4000}-\u{4010}\u{9ff0}-\u{a010}\u{ff00}-\u{ff60}\u{feff}\u{1f600}]{0,40}"
        ) {
            let mut by_char = String::new();
            for c in s.chars() {
                push_normalized_char(c, &mut by_char);
            }
            let mut by_run = String::new();
            push_normalized(&s, &mut by_run);
            proptest::prop_assert_eq!(by_run, by_char);
        }
    }

    #[test]
    fn numbering_is_stripped() {
        assert_eq!(strip_numbering("(六)其他处理"), "其他处理");
        assert_eq!(strip_numbering("三、本年度办理结果"), "本年度办理结果");
        assert_eq!(strip_numbering("3.其他"), "其他");
        assert_eq!(strip_numbering("(七)总计"), "总计");
        assert_eq!(strip_numbering("规章"), "规章");
        assert_eq!(strip_numbering("12"), "12");
    }

    #[test]
    fn headings_are_recognised() {
        assert!(is_heading("四、政府信息公开行政复议行政诉讼情况"));
        assert!(is_heading("(一)主动公开"));
        assert!(!is_heading("本"));
        assert!(!is_heading("出具已获取信息"));
        assert!(!is_heading("三、"));
    }
}
