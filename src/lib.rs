//! vaglio: a linter for social-media drafts of Italian public employees.
//!
//! The data flows through the modules in order: [`input`] (files, folders, stdin) →
//! [`text`] (normalised views that map back to the original bytes) → [`rules`] (pack
//! schema and loading) → [`matchers`] (one file per kind) → [`engine`] → [`finding`] →
//! [`report`] (one file per format). [`cli`] is the command line on top.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod engine;
pub mod finding;
pub mod fix;
pub mod fold;
pub mod i18n;
pub mod init;
pub mod input;
pub mod markup;
pub mod matchers;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod suppress;
pub mod text;
pub mod validators;
