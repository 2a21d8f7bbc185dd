//! Golden tests: each seed report in ../shared/corpus/seeds against its hand-checked record.
