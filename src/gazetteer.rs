//! The gazetteer of administrative divisions.
