//! The one integration-test binary: modules by topic.

mod archive;
mod browser;
mod cli;
mod demo;
mod fixtures;
mod formats;
mod parse_props;
mod seeds;
mod support;
mod util;
mod web;
