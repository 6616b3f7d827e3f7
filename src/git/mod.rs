//! The only module that names git2 or gix: opening the repository, reading
//! its objects for the history walk, comparing trees, and building
//! repositories for the demo and the tests.

pub mod objects;
pub mod repo;
pub mod repo_builder;
pub mod trees;
