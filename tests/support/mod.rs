//! Writers of report files the tests need and the corpus does not give: one synthetic report
//! of our own in every format (report.rs) and the minimal PDF writer it uses (pdf_writer.rs).

pub mod pdf_writer;
pub mod report;
