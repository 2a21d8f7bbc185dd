//! nianbao (年报): an archive of Chinese government information-disclosure annual reports
//! (政府信息公开工作年度报告).
//!
//! The flow mirrors the module tree, and calls only go down:
//! report file → [`parse`] → [`record::Record`] (checked by [`checks`], placed by [`gazetteer`])
//! → [`store`] (sled) and [`index`] (tantivy + jieba) → [`archive`] (both together) → web / CLI.
#![warn(missing_docs)]

pub mod archive;
pub mod checks;
pub mod demo;
pub mod gazetteer;
pub mod index;
pub mod markup;
pub mod parse;
pub mod record;
pub mod store;
pub mod web;
