//! Escaping text for HTML and XML (SVG, Word's document.xml): the one place that knows which
//! characters markup reserves. Calls nothing.

/// Text with `&`, `<`, `>`, `"` and `'` escaped, safe in element content and in attribute
/// values quoted either way, in HTML and in XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn reserved_characters_are_escaped_and_chinese_kept() {
        assert_eq!(
            super::escape(r#"<b>"建议'&提案"</b>"#),
            "&lt;b&gt;&quot;建议&#39;&amp;提案&quot;&lt;/b&gt;"
        );
    }
}
