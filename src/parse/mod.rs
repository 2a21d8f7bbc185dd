//! Parser.

pub mod tables;
