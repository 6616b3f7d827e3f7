//! The only module that names git2 or gix: opening the repository, reading
//! its objects for the history walk, comparing trees, and building
//! repositories for the demo and the tests.

pub(crate) mod objects;
mod packs;
pub(crate) mod repo;
pub(crate) mod repo_builder;
pub(crate) mod trees;
