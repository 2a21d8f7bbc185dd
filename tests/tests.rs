//! The one integration-test binary: modules by topic.

mod archive;
mod fixtures;
mod seeds;
mod util;
mod web;
