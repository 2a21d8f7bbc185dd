//! The gazetteer of administrative divisions.
//! PLACEHOLDER until branch `gaz` is merged: knows no places.

use crate::record::{Level, Region};
use std::sync::OnceLock;

/// Where an agency sits.
#[derive(Debug, Clone, Default)]
pub struct Location {
    /// Province / city / county / code.
    pub region: Region,
    /// Administrative level.
    pub level: Level,
    /// Region fields that came from the gazetteer rather than the text.
    pub from_gazetteer: Vec<&'static str>,
}

/// The gazetteer (placeholder: empty).
#[derive(Debug, Default)]
pub struct Gazetteer;

impl Gazetteer {
    /// The shared instance.
    pub fn global() -> &'static Gazetteer {
        static GLOBAL: OnceLock<Gazetteer> = OnceLock::new();
        GLOBAL.get_or_init(Gazetteer::default)
    }

    /// agency name + whole report text → region and level (placeholder: unknown).
    pub fn locate(&self, _agency: &str, _text: &str) -> Location {
        Location::default()
    }
}
