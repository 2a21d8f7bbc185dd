//! Marks the words of a search in a report's narrative, tolerating punctuation between their
//! characters (建议提案 also marks 建议、提案), as segments the template escapes: no HTML is
//! built here. Calls regex only.

use serde::Serialize;

/// Words taken from a query at most.
const MAX_WORDS: usize = 20;

/// A piece of text, marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// The text (escaped by the template).
    pub text: String,
    /// Whether it is a match.
    pub marked: bool,
}

/// The words of a query worth marking: quoted phrases and plain words, without exclusions
/// (`-word`) and `OR`.
pub fn query_words(q: &str) -> Vec<String> {
    let mut words = Vec::new();
    let cleaned: String = q
        .chars()
        .map(|c| match c {
            '"' | '“' | '”' | '「' | '」' => ' ',
            c => c,
        })
        .collect();
    for word in cleaned.split_whitespace() {
        if word == "OR" || word.starts_with('-') {
            continue;
        }
        let word: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
        if words.len() >= MAX_WORDS {
            break;
        }
    }
    words
}

/// `text` split into segments, the query words marked.
pub fn highlight(text: &str, words: &[String]) -> Vec<Segment> {
    let plain = || {
        vec![Segment {
            text: text.to_string(),
            marked: false,
        }]
    };
    if words.is_empty() || text.is_empty() {
        return plain();
    }
    let mut alternatives: Vec<String> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| regex::escape(&c.to_string()))
                .collect::<Vec<_>>()
                .join(r"[\p{P}\s]{0,2}")
        })
        .collect();
    alternatives.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let Ok(pattern) = regex::RegexBuilder::new(&alternatives.join("|"))
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
    else {
        return plain();
    };
    let mut out = Vec::new();
    let mut last = 0;
    for m in pattern.find_iter(text) {
        if m.start() > last {
            out.push(Segment {
                text: text[last..m.start()].to_string(),
                marked: false,
            });
        }
        out.push(Segment {
            text: m.as_str().to_string(),
            marked: true,
        });
        last = m.end();
    }
    if last < text.len() {
        out.push(Segment {
            text: text[last..].to_string(),
            marked: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_words_across_punctuation() {
        let words = query_words("建议提案 -信访 OR");
        assert_eq!(words, ["建议提案"]);
        let segments = highlight("办理建议、提案共5件", &words);
        let marked: Vec<&str> = segments
            .iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["建议、提案"]);
        let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "办理建议、提案共5件");
    }

    #[test]
    fn odd_queries_do_not_fail() {
        for q in ["", "\"", "((", "-", "a.*b", "\\"] {
            let words = query_words(q);
            let _ = highlight("文本 a.*b", &words);
        }
    }
}
