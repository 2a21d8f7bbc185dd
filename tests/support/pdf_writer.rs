//! A minimal PDF writer for tests: text placed at given positions in one Type0 font with
//! Identity-H encoding (two-byte glyph ids) and a ToUnicode CMap, so the text layer holds
//! Chinese exactly as a word processor's PDF export does. No font program is embedded (viewers
//! substitute one); the widths array says 1 em for wide characters and ½ em for the rest.

use std::collections::BTreeMap;

/// One run of text at a position, in points from the bottom left of the page.
pub struct Run {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub text: String,
}

/// A page: its size and text runs (and whether to draw a scanned-image placeholder instead).
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub runs: Vec<Run>,
}

/// The advance of a character in ems, as the font's widths array says.
pub fn advance(c: char) -> f64 {
    if c as u32 >= 0x2E80 {
        1.0
    } else {
        0.5
    }
}

/// The bytes of a PDF holding the pages.
pub fn write(pages: &[Page]) -> Vec<u8> {
    // Glyph ids: one per distinct character, from 1.
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    for page in pages {
        for run in &page.runs {
            for c in run.text.chars() {
                let next = cids.len() as u16 + 1;
                cids.entry(c).or_insert(next);
            }
        }
    }
    // Objects: 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, 6 tounicode,
    // then per page: page object and content stream.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 7 + 2 * i).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = page_ids.iter().map(|id| format!("{id} 0 R")).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
          /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    let widths: Vec<String> = cids
        .iter()
        .map(|(c, cid)| format!("{cid} [{}]", (advance(*c) * 1000.0) as i64))
        .collect();
    objects.push(
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
             /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
             /FontDescriptor 5 0 R /DW 1000 /W [{}] /CIDToGIDMap /Identity >>",
            widths.join(" ")
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] \
          /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>"
            .to_vec(),
    );
    objects.push(stream(&to_unicode(&cids)));
    for (i, page) in pages.iter().enumerate() {
        let content_id = page_ids[i] + 1;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>",
                page.width, page.height
            )
            .into_bytes(),
        );
        let mut content = String::new();
        for run in &page.runs {
            let hex: String = run
                .text
                .chars()
                .map(|c| format!("{:04X}", cids[&c]))
                .collect();
            content.push_str(&format!(
                "BT /F1 {} Tf 1 0 0 1 {:.2} {:.2} Tm <{hex}> Tj ET\n",
                run.size, run.x, run.y
            ));
        }
        objects.push(stream(content.as_bytes()));
    }
    assemble(&objects)
}

fn stream(data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn to_unicode(cids: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&char, &u16)> = cids.iter().collect();
    for chunk in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (c, cid) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{cid:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// Header, numbered objects, cross-reference table and trailer with exact byte offsets.
fn assemble(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A page of a scanned report: an image and no text (the image here is a 1×1 grey pixel).
pub fn write_scan() -> Vec<u8> {
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        {
            let mut img = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 \
                /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n"
                .to_vec();
            img.push(0x80);
            img.extend_from_slice(b"\nendstream");
            img
        },
        stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
    ];
    assemble(&objects)
}
