//! Consistency rules (勾稽关系) of schema.md.
