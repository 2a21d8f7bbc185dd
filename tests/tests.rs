//! The one integration-test binary: modules by topic.

mod fixtures;
mod parse_props;
mod seeds;
