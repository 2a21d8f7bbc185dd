//! The one integration-test binary: modules by topic.

mod archive;
mod browser;
mod fixtures;
mod seeds;
mod util;
mod web;
