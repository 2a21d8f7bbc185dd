//! The one integration-test binary: modules by topic.

mod archive;
mod fixtures;
mod formats;
mod parse_props;
mod seeds;
mod util;
