//! The one integration-test binary: modules by topic.

mod fixtures;
mod seeds;
mod archive;
mod util;
