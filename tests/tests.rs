//! The one integration-test binary: modules by topic.

mod archive;
mod cli;
mod demo;
mod fixtures;
mod formats;
mod parse_props;
mod seeds;
mod util;
