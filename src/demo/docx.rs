//! The demo reports as Word .docx files: a zip with `word/document.xml` (paragraphs, runs,
//! tables with `gridSpan` / `vMerge`) and `word/numbering.xml` (headings 一、 and （一） as list
//! numbering, as many agencies' templates set them). Also the table writer and packager tests
//! use for their own documents. Calls only [`super::table`], the generator's blocks and RNG,
//! and `zip`; writes bytes, never reads input.

use super::table::{self, Cell, Slot};
use super::{Block, SplitMix64};
use crate::markup::escape;
use std::fmt::Write as _;
use std::io::Write as _;

/// The `w:numId` of the heading list [`heading_numbering`] defines: level 0 writes `一、`,
/// level 1 `（一）`.
pub const HEADING_LIST: u32 = 1;

const W_NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

/// A run of text.
pub fn run(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(
            "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>",
            escape(text)
        )
    }
}

/// Writes a table as Word does: every row has a cell per grid column, except that a cell
/// spanning columns is one `w:tc` with `w:gridSpan`, and a cell spanning rows starts with
/// `w:vMerge w:val="restart"` and leaves an empty `w:vMerge` continuation cell in each row
/// below. `runs` gives a cell's runs from its text.
pub fn write_table(out: &mut String, rows: &[Vec<Cell>], runs: impl Fn(&str) -> String) {
    let grid = table::expand(rows);
    let width = grid.first().map_or(0, Vec::len);
    out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid>");
    for _ in 0..width {
        out.push_str("<w:gridCol w:w=\"600\"/>");
    }
    out.push_str("</w:tblGrid>");
    for row in grid {
        out.push_str("<w:tr>");
        for slot in row {
            let (text, colspan, merge) = match slot {
                Slot::Origin(cell) => (
                    cell.text.as_str(),
                    cell.colspan,
                    (cell.rowspan > 1).then_some("<w:vMerge w:val=\"restart\"/>"),
                ),
                Slot::RowCovered { colspan } => ("", colspan, Some("<w:vMerge/>")),
                Slot::Covered => continue,
            };
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>",
                600 * colspan
            );
            if colspan > 1 {
                let _ = write!(out, "<w:gridSpan w:val=\"{colspan}\"/>");
            }
            out.push_str(merge.unwrap_or(""));
            out.push_str(
                "<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>",
            );
            out.push_str(&runs(text));
            out.push_str("</w:p></w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// `word/numbering.xml` with list [`HEADING_LIST`]: `一、` at level 0, `（一）` at level 1
/// (restarting under each level-0 item).
pub fn heading_numbering() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:numbering {W_NS}><w:abstractNum w:abstractNumId=\"0\">\
         <w:multiLevelType w:val=\"multilevel\"/>\
         <w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/><w:lvlJc w:val=\"left\"/></w:lvl>\
         <w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/><w:lvlJc w:val=\"left\"/></w:lvl>\
         </w:abstractNum><w:num w:numId=\"{HEADING_LIST}\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>"
    )
}

/// A heading paragraph numbered by list [`HEADING_LIST`] at `level` (0 or 1).
pub fn numbered_paragraph(level: u8, runs: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{HEADING_LIST}\"/></w:numPr></w:pPr>{runs}</w:p>"
    )
}

/// A .docx file of `body` (the XML inside `w:body`) and an optional `word/numbering.xml`,
/// deflated, every member dated `modified` (year, month, day) so that the bytes depend on
/// nothing but the arguments.
pub fn package(body: &str, numbering: Option<&str>, modified: (i32, u32, u32)) -> Vec<u8> {
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document {W_NS}><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    );
    let numbering_type = if numbering.is_some() {
        "<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>"
    } else {
        ""
    };
    let content_types = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
         {numbering_type}</Types>"
    );
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
         </Relationships>";
    let numbering_rel = if numbering.is_some() {
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>"
    } else {
        ""
    };
    let document_rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{numbering_rel}</Relationships>"
    );
    let (y, m, d) = modified;
    let date = u16::try_from(y)
        .ok()
        .and_then(|y| zip::DateTime::from_date_and_time(y, m as u8, d as u8, 9, 0, 0).ok())
        .unwrap_or(zip::DateTime::DEFAULT);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(date);
    let mut parts = vec![
        ("[Content_Types].xml", content_types.as_str()),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_str()),
        ("word/_rels/document.xml.rels", document_rels.as_str()),
    ];
    if let Some(numbering) = numbering {
        parts.push(("word/numbering.xml", numbering));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        zip.start_file(name, options)
            .expect("a new member of an in-memory zip");
        zip.write_all(data.as_bytes())
            .expect("writing to memory cannot fail");
    }
    zip.finish()
        .expect("finishing an in-memory zip cannot fail")
        .into_inner()
}

/// The report as a .docx; how its headings and runs are set is drawn from `style`.
pub(super) fn write(
    blocks: &[Block],
    modified: (i32, u32, u32),
    style: &mut SplitMix64,
) -> Vec<u8> {
    // 0: numbers typed as text; 1: 一、 headings numbered by the list; 2: both levels.
    let numbered_levels = style.below(3) as u8;
    // Word splits a paragraph into runs where it was edited or reformatted.
    let split_runs = style.chance(0.5);
    let mut body = String::with_capacity(60_000);
    for block in blocks {
        match block {
            Block::Title(lines) => {
                let runs: Vec<String> = lines
                    .iter()
                    .map(|line| {
                        format!(
                            "<w:r><w:rPr><w:rFonts w:eastAsia=\"方正小标宋简体\"/><w:sz w:val=\"44\"/></w:rPr><w:t>{}</w:t></w:r>",
                            escape(line)
                        )
                    })
                    .collect();
                let _ = write!(
                    body,
                    "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
                    runs.join("<w:r><w:br/></w:r>")
                );
            }
            Block::Heading {
                level,
                number,
                words,
            } => {
                let bold = format!(
                    "<w:r><w:rPr><w:rFonts w:eastAsia=\"黑体\"/></w:rPr><w:t>{}</w:t></w:r>",
                    escape(words)
                );
                if *level < numbered_levels {
                    body.push_str(&numbered_paragraph(*level, &bold));
                } else {
                    let _ = write!(
                        body,
                        "<w:p><w:r><w:rPr><w:rFonts w:eastAsia=\"黑体\"/></w:rPr><w:t>{}</w:t></w:r>{bold}</w:p>",
                        escape(number)
                    );
                }
            }
            Block::Paragraph(text) => {
                body.push_str("<w:p><w:pPr><w:ind w:firstLineChars=\"200\"/></w:pPr>");
                let split = if split_runs {
                    text.char_indices().nth(12).map_or(text.len(), |(i, _)| i)
                } else {
                    text.len()
                };
                body.push_str(&run(&text[..split]));
                if split < text.len() {
                    let _ = write!(
                        body,
                        "<w:r><w:rPr><w:rFonts w:eastAsia=\"仿宋_GB2312\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                        escape(&text[split..])
                    );
                }
                body.push_str("</w:p>");
            }
            Block::Signature(text) => {
                let _ = write!(
                    body,
                    "<w:p><w:pPr><w:jc w:val=\"right\"/></w:pPr>{}</w:p>",
                    run(text)
                );
            }
            Block::Table(rows) => write_table(&mut body, rows, run),
        }
    }
    let numbering = heading_numbering();
    package(
        &body,
        (numbered_levels > 0).then_some(numbering.as_str()),
        modified,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_cells_become_grid_span_and_v_merge() {
        let mut out = String::new();
        write_table(
            &mut out,
            &[
                vec![Cell::span("甲", 2, 2), Cell::new("乙")],
                vec![Cell::new("丙")],
            ],
            run,
        );
        let cells: Vec<&str> = out.split("<w:tc>").skip(1).collect();
        assert_eq!(cells.len(), 4, "{out}");
        assert!(cells[0].contains("<w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/>"));
        assert!(cells[2].contains("<w:gridSpan w:val=\"2\"/><w:vMerge/>"));
        assert!(cells[3].contains(">丙<"));
    }

    #[test]
    fn packages_are_zips_with_the_document() {
        let bytes = package("<w:p/>", Some(&heading_numbering()), (2024, 2, 3));
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
        assert!(archive.by_name("word/document.xml").is_ok());
        assert!(archive.by_name("word/numbering.xml").is_ok());
        assert_eq!(
            bytes,
            package("<w:p/>", Some(&heading_numbering()), (2024, 2, 3))
        );
    }
}
