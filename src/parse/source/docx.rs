//! Word .docx files → plain text, read from the file itself (zip + `word/document.xml`), no
//! conversion tool: body paragraphs one per line, tables with `gridSpan` and `vMerge` expanded
//! into empty covered cells, list numbering (一、 (一) 1.) written out as Word shows it.
//! Headers, footers, deleted text and field codes are not document text and are left out.
//! Calls `plain`, `zip` and `quick-xml`; the XML is streamed, never recursed.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::plain::PlainText;
use super::{Extracted, Format, SourceProblem};

/// A document part larger than this is refused (a zip bomb, not a report).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Bounds on a table row, so a hostile `gridSpan` cannot allocate without limit.
const MAX_COLUMNS: usize = 400;

fn corrupt(reason: impl std::fmt::Display) -> SourceProblem {
    SourceProblem::Corrupt {
        format: Format::Docx,
        reason: reason.to_string(),
    }
}

/// Reads a .docx file.
pub fn read(bytes: &[u8]) -> Result<Extracted, SourceProblem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let document = read_part(&mut archive, "word/document.xml")?
        .ok_or_else(|| corrupt("no word/document.xml in the zip archive"))?;
    let numbering = match read_part(&mut archive, "word/numbering.xml") {
        Ok(Some(xml)) => Numbering::parse(&xml),
        // Without its numbering the text is still worth having, only without list numbers.
        _ => Numbering::default(),
    };
    let text = read_document(&document, numbering)?;
    Ok(Extracted {
        text,
        encoding: "utf-8",
        format: Format::Docx,
        published: None,
        publisher: None,
        warnings: Vec::new(),
    })
}

fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, SourceProblem> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(format_args!("{name}: {e}"))),
    };
    let mut out = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(format_args!("{name}: {e}")))?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(corrupt(format_args!("{name} is larger than 64 MiB")));
    }
    Ok(Some(out))
}

/// The value of a `w:val` (any prefix) attribute.
fn val(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == b"val")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// One table being read (tables inside its cells are flattened into the cell's text).
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    colspan: usize,
    /// A `vMerge` continuation: covered by the cell above.
    covered: bool,
}

/// Streaming state over `word/document.xml`.
#[derive(Default)]
struct DocumentReader {
    out: PlainText,
    tables: Vec<Table>,
    paragraph: String,
    in_text: bool,
    /// Depth inside an element whose content is skipped (`mc:Fallback`, deleted text).
    skip_depth: usize,
    /// `w:numPr` of the paragraph being read.
    num_id: Option<String>,
    ilvl: usize,
    numbering: Numbering,
}

fn read_document(xml: &[u8], numbering: Numbering) -> Result<String, SourceProblem> {
    let mut reader = Reader::from_reader(xml);
    let mut doc = DocumentReader {
        numbering,
        ..Default::default()
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| corrupt(format_args!("word/document.xml: {e}")))?;
        match event {
            Event::Start(e) => doc.open(&e, false),
            Event::Empty(e) => doc.open(&e, true),
            Event::End(e) => doc.close(e.local_name().as_ref()),
            Event::Text(t) if doc.in_text && doc.skip_depth == 0 => {
                doc.paragraph.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if doc.in_text && doc.skip_depth == 0 => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    doc.paragraph.push(c);
                } else {
                    let name: &[u8] = &r;
                    doc.paragraph.push_str(match name {
                        b"amp" => "&",
                        b"lt" => "<",
                        b"gt" => ">",
                        b"quot" => "\"",
                        b"apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    doc.end_paragraph();
    Ok(doc.out.finish())
}

impl DocumentReader {
    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skip_depth > 0 {
            if !empty {
                self.skip_depth += 1;
            }
            return;
        }
        match name {
            b"Fallback" | b"del" | b"instrText" | b"delText" if !empty => self.skip_depth = 1,
            b"t" if !empty => self.in_text = true,
            b"tab" | b"ptab" => self.paragraph.push(' '),
            b"br" | b"cr" => {
                if self.tables.is_empty() {
                    self.end_paragraph();
                } else {
                    self.paragraph.push(' ');
                }
            }
            b"noBreakHyphen" => self.paragraph.push('-'),
            b"numId" => self.num_id = val(e),
            b"ilvl" => self.ilvl = val(e).and_then(|v| v.parse().ok()).unwrap_or(0).min(8),
            b"tbl" if !empty => self.tables.push(Table::default()),
            b"tr" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.row.clear();
                }
            }
            b"gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(0);
                    t.row
                        .extend(std::iter::repeat_n(String::new(), n.min(MAX_COLUMNS)));
                }
            }
            b"tc" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell.clear();
                    t.colspan = 1;
                    t.covered = false;
                }
            }
            b"gridSpan" => {
                if let Some(t) = self.tables.last_mut() {
                    t.colspan = val(e)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1)
                        .clamp(1, MAX_COLUMNS);
                }
            }
            b"vMerge" => {
                if let Some(t) = self.tables.last_mut() {
                    t.covered = val(e).is_none_or(|v| v != "restart");
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8]) {
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
            return;
        }
        match name {
            b"t" => self.in_text = false,
            b"p" => self.end_paragraph(),
            b"tc" => {
                self.end_paragraph();
                if let Some(t) = self.tables.last_mut() {
                    let text = if t.covered {
                        String::new()
                    } else {
                        std::mem::take(&mut t.cell)
                    };
                    t.cell.clear();
                    if t.row.len() < MAX_COLUMNS {
                        t.row.push(text);
                        t.row
                            .extend(std::iter::repeat_n(String::new(), t.colspan - 1));
                        t.row.truncate(MAX_COLUMNS);
                    }
                }
            }
            b"tr" => {
                if let Some(t) = self.tables.last_mut() {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            b"tbl" => {
                self.end_paragraph();
                if let Some(table) = self.tables.pop() {
                    match self.tables.last_mut() {
                        // A table inside a cell: its text joins the outer cell's text.
                        Some(outer) => {
                            for row in &table.rows {
                                for cell in row.iter().filter(|c| !c.is_empty()) {
                                    outer.cell.push(' ');
                                    outer.cell.push_str(cell);
                                }
                            }
                        }
                        None => {
                            let width = table.rows.iter().map(Vec::len).max().unwrap_or(0);
                            let rows: Vec<Vec<String>> = table
                                .rows
                                .into_iter()
                                .map(|mut r| {
                                    r.resize(width, String::new());
                                    r
                                })
                                .collect();
                            self.out.table(&rows);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Ends a paragraph: in a table cell its text joins the cell's, else it is a line.
    fn end_paragraph(&mut self) {
        let mut text = std::mem::take(&mut self.paragraph);
        if let Some(id) = self.num_id.take() {
            let label = self.numbering.next_label(&id, self.ilvl);
            if !label.is_empty() && !text.trim().is_empty() {
                text = format!("{label}{text}");
            }
        }
        self.ilvl = 0;
        match self.tables.last_mut() {
            Some(t) => {
                if !t.cell.is_empty() {
                    t.cell.push(' ');
                }
                t.cell.push_str(&text);
            }
            None => self.out.paragraph(&text),
        }
    }
}

/// One level of a list definition (`w:lvl`).
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: usize,
}

/// `word/numbering.xml`: list definitions and the counters of the lists in use.
#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → its levels.
    abstract_levels: HashMap<String, Vec<Level>>,
    /// numId → abstractNumId.
    nums: HashMap<String, String>,
    /// abstractNumId → current counter per level.
    counters: HashMap<String, [usize; 9]>,
}

impl Numbering {
    fn parse(xml: &[u8]) -> Numbering {
        let mut numbering = Numbering::default();
        let mut reader = Reader::from_reader(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        while let Ok(event) = reader.read_event() {
            let (e, is_start) = match &event {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        b"lvl" => {
                            if let (Some(id), Some((ilvl, lvl))) = (&abstract_id, level.take()) {
                                let levels =
                                    numbering.abstract_levels.entry(id.clone()).or_default();
                                if levels.len() <= ilvl {
                                    levels.resize(ilvl + 1, Level::default());
                                }
                                levels[ilvl] = lvl;
                            }
                        }
                        b"abstractNum" => abstract_id = None,
                        b"num" => num_id = None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let attr = |key: &[u8]| {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == key)
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned())
            };
            match e.local_name().as_ref() {
                b"abstractNum" if is_start => abstract_id = attr(b"abstractNumId"),
                b"num" if is_start => num_id = attr(b"numId"),
                b"abstractNumId" => {
                    if let (Some(num), Some(target)) = (&num_id, val(e)) {
                        numbering.nums.insert(num.clone(), target);
                    }
                }
                b"lvl" if is_start => {
                    let ilvl = attr(b"ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                    level = (ilvl < 9).then(|| {
                        (
                            ilvl,
                            Level {
                                start: 1,
                                ..Default::default()
                            },
                        )
                    });
                }
                b"start" => {
                    if let Some((_, l)) = &mut level {
                        l.start = val(e).and_then(|v| v.parse().ok()).unwrap_or(1);
                    }
                }
                b"numFmt" => {
                    if let Some((_, l)) = &mut level {
                        l.format = val(e).unwrap_or_default();
                    }
                }
                b"lvlText" => {
                    if let Some((_, l)) = &mut level {
                        l.text = val(e).unwrap_or_default();
                    }
                }
                _ => {}
            }
        }
        numbering
    }

    /// The label of the next item of list `num_id` at level `ilvl` (`一、`, `（二）`, `3.`),
    /// advancing its counter and restarting deeper levels; empty for an unknown list.
    fn next_label(&mut self, num_id: &str, ilvl: usize) -> String {
        let Some(abstract_id) = self.nums.get(num_id) else {
            return String::new();
        };
        let Some(levels) = self.abstract_levels.get(abstract_id) else {
            return String::new();
        };
        let counters = self.counters.entry(abstract_id.clone()).or_insert([0; 9]);
        let ilvl = ilvl.min(8);
        counters[ilvl] += 1;
        for deeper in counters.iter_mut().skip(ilvl + 1) {
            *deeper = 0;
        }
        let Some(level) = levels.get(ilvl) else {
            return String::new();
        };
        if level.format == "bullet" || level.format == "none" {
            return String::new();
        }
        let mut label = level.text.clone();
        for (i, l) in levels.iter().enumerate().take(ilvl + 1) {
            let n = (l.start + counters[i]).saturating_sub(1);
            label = label.replace(&format!("%{}", i + 1), &format_number(n, &l.format));
        }
        label
    }
}

/// A list counter in Word's number format.
fn format_number(n: usize, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese_number(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n as u32 - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "lowerLetter" if n >= 1 => letter(n, b'a'),
        "upperLetter" if n >= 1 => letter(n, b'A'),
        "decimalFullWidth" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xfee0).unwrap_or(c))
            .collect(),
        _ => n.to_string(),
    }
}

fn letter(n: usize, base: u8) -> String {
    let c = char::from(base + ((n - 1) % 26) as u8);
    std::iter::repeat_n(c, (n - 1) / 26 + 1).collect()
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (lists rarely pass 99).
fn chinese_number(n: usize) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let digit = |d: usize| DIGITS[d % 10].to_string();
    match n {
        0..=9 => digit(n),
        10..=19 => format!("十{}", if n % 10 == 0 { String::new() } else { digit(n) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n % 10 == 0 { String::new() } else { digit(n) }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn text_of(body: &str) -> String {
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        read_document(xml.as_bytes(), Numbering::default()).unwrap()
    }

    #[test]
    fn paragraphs_runs_and_entities() {
        let got = text_of(
            "<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t xml:space=\"preserve\">情况 &amp; </w:t></w:r></w:p>\
             <w:p><w:del><w:r><w:delText>删去</w:delText></w:r></w:del><w:r><w:t>1</w:t></w:r><w:r><w:t>2</w:t></w:r></w:p>",
        );
        assert_eq!(got, "一、总体情况 &\n12\n");
    }

    #[test]
    fn grid_span_and_vertical_merge_expand() {
        let cell = |props: &str, text: &str| {
            format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let body = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell("<w:vMerge w:val=\"restart\"/>", "甲"),
            cell("<w:gridSpan w:val=\"2\"/>", "乙"),
            cell("<w:vMerge/>", ""),
            cell("", "1"),
            cell("", "2"),
        );
        assert_eq!(text_of(&body), "甲\t乙\t\n\t1\t2\n");
    }

    #[test]
    fn list_numbers_are_written_out() {
        let numbering = format!(
            r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
            </w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
        );
        let numbering = Numbering::parse(numbering.as_bytes());
        let p = |lvl: usize, text: &str| {
            format!("<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"3\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
        };
        let body = [
            p(0, "总体情况"),
            p(1, "主动公开"),
            p(1, "依申请公开"),
            p(0, "主动公开政府信息情况"),
        ]
        .concat();
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        assert_eq!(
            read_document(xml.as_bytes(), numbering).unwrap(),
            "一、总体情况\n（一）主动公开\n（二）依申请公开\n二、主动公开政府信息情况\n"
        );
    }

    #[test]
    fn chinese_counting() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(30), "三十");
    }

    #[test]
    fn damaged_files_are_errors() {
        assert!(matches!(
            read(b"PK\x03\x04 word/document.xml"),
            Err(SourceProblem::Corrupt { .. })
        ));
        let bad_xml = format!("<w:document {W}><w:body><w:p></w:r></w:body>");
        assert!(read_document(bad_xml.as_bytes(), Numbering::default()).is_err());
    }
}
