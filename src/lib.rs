//! prevsim: how much public money does prevention save, and how sure can we be?
//!
//! A Monte Carlo model of families moving between four states (chaotic, barely coping, coping,
//! thriving) and children moving into and out of care, year by year, with the cost ladder of the
//! English "Total Place" documents. Every uncertain input is drawn from a distribution; baseline
//! and intervention arms run side by side on common random numbers; the result is the
//! distribution of savings. See `docs/model.md` for the model.
//!
//! Layers, each with one job: [`scenario`] (files to a validated [`scenario::Scenario`]),
//! [`params`] (distributions), [`rng`] (streams), [`vocab`] (what results are made of: states,
//! metrics, measures, units), [`engine`] (simulation, results as columns), [`stats`] and
//! [`report`] (summaries; the result types written and read back by [`report::read`]),
//! [`export`] (bytes and the one file writer), [`pipeline`] (the `run` command as a library),
//! [`check`] (a document's claims against the model), [`charts`] (charts drawn from typed
//! results) and [`plot`] (the `plot` command as a library).

pub mod area;
pub mod calibrate;
pub mod charts;
pub mod check;
pub mod compare;
pub mod deliver;
pub mod engine;
pub mod export;
pub mod model;
pub mod money;
pub mod params;
pub mod pipeline;
pub mod plot;
pub mod precision;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sensitivity;
pub mod shard;
pub mod stats;
pub mod vocab;
pub mod voi;
