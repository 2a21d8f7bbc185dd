//! Bytes of a text report → text: UTF-8 (with or without BOM) or GB18030/GBK, line ends made
//! `\n`. Refuses empty and binary input. Calls nothing else in the crate but `encoding_rs`.
//! Other formats (HTML, .docx, PDF) reach the parser through `source`, which calls this for
//! text and uses [`normalize_line_ends`] on what its readers write.

use std::borrow::Cow;

/// The decoded text of a report, exactly as the record's byte offsets refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text: no BOM, `\n` line ends.
    pub text: String,
    /// The encoding the bytes were in: `utf-8` or `gb18030`.
    pub encoding: &'static str,
}

/// Why bytes are not a text report. [`super::ParseError`] adds the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeProblem {
    /// No bytes, or only a BOM and whitespace.
    Empty,
    /// NUL bytes, too many control bytes, or neither UTF-8 nor GB18030; `at` is the byte offset
    /// of the first offending byte.
    Binary {
        /// Byte offset of the first offending byte.
        at: usize,
    },
    /// UTF-16 text (recognised by its BOM), which the archive does not read.
    Utf16,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes the bytes of one report file.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, DecodeProblem> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeProblem::Utf16);
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeProblem::Empty);
    }
    if let Some(at) = first_binary_byte(bytes) {
        return Err(DecodeProblem::Binary { at });
    }
    let (text, encoding): (Cow<'_, str>, &'static str) = match std::str::from_utf8(body) {
        Ok(s) => (Cow::Borrowed(s), "utf-8"),
        Err(utf8_error) => {
            let (decoded, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(body);
            if had_errors && too_many_replacements(&decoded) {
                let at = bytes.len() - body.len() + utf8_error.valid_up_to();
                return Err(DecodeProblem::Binary { at });
            }
            (decoded, "gb18030")
        }
    };
    Ok(Decoded {
        text: normalize_line_ends(&text),
        encoding,
    })
}

/// Offset of the first NUL byte, or of the first control byte when control bytes are more than
/// 2 % of the input (text exported from Word carries a few stray ones; binary data many).
/// Bytes below 0x20 are never part of a multi-byte UTF-8 or GB18030 character, so scanning
/// bytes is right for both encodings.
fn first_binary_byte(bytes: &[u8]) -> Option<usize> {
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Some(at);
    }
    let is_control =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)) || b == 0x7F;
    let controls = bytes.iter().filter(|&&b| is_control(b)).count();
    if controls > 4 && controls * 50 > bytes.len() {
        return bytes.iter().position(|&b| is_control(b));
    }
    None
}

/// GB18030 decoding of text that is really something else yields many U+FFFD; a real GBK file
/// with one damaged character is still worth keeping.
fn too_many_replacements(decoded: &str) -> bool {
    let replacements = decoded.chars().filter(|&c| c == '\u{FFFD}').count();
    let chars = decoded.chars().count();
    replacements > 3 && replacements * 200 > chars
}

/// CRLF and lone CR → `\n`; vertical tab and form feed (Word's manual line and page breaks)
/// → `\n`.
pub(super) fn normalize_line_ends(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // The breaks are ASCII bytes, so the text between them is copied whole.
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'\r' | 0x0B | 0x0C)) {
        out.push_str(&rest[..at]);
        out.push('\n');
        let width = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + width..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_crlf_becomes_plain_lines() {
        let d = decode_bytes("\u{FEFF}一、总体情况\r\n正文\r旧行".as_bytes()).unwrap();
        assert_eq!(d.text, "一、总体情况\n正文\n旧行");
        assert_eq!(d.encoding, "utf-8");
    }

    #[test]
    fn word_line_and_page_breaks_become_lines() {
        assert_eq!(
            normalize_line_ends("甲\u{0B}乙\u{0C}丙\r\n丁\r\r\n戊\r"),
            "甲\n乙\n丙\n丁\n\n戊\n"
        );
        assert_eq!(normalize_line_ends("无换行"), "无换行");
    }

    #[test]
    fn gbk_bytes_decode_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GBK.encode("二、主动公开政府信息情况\n");
        let d = decode_bytes(&bytes).unwrap();
        assert_eq!(d.text, "二、主动公开政府信息情况\n");
        assert_eq!(d.encoding, "gb18030");
    }

    #[test]
    fn empty_and_whitespace_only_are_empty() {
        assert_eq!(decode_bytes(b""), Err(DecodeProblem::Empty));
        assert_eq!(
            decode_bytes(b"\xEF\xBB\xBF \n\r\n"),
            Err(DecodeProblem::Empty)
        );
    }

    #[test]
    fn nul_byte_is_binary_at_its_offset() {
        assert_eq!(
            decode_bytes(b"abc\0def"),
            Err(DecodeProblem::Binary { at: 3 })
        );
    }

    #[test]
    fn many_control_bytes_are_binary() {
        let bytes: Vec<u8> = b"ab".iter().copied().chain([1u8; 10]).collect();
        assert_eq!(decode_bytes(&bytes), Err(DecodeProblem::Binary { at: 2 }));
    }

    #[test]
    fn utf16_is_refused() {
        assert_eq!(decode_bytes(b"\xFF\xFEa\0"), Err(DecodeProblem::Utf16));
    }
}
