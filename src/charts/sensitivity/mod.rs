//! Charts of `prevsim sensitivity`.

use super::ChartError;
use crate::sensitivity::{Analysis, SweepResult};

/// The charts of an analysis.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn analysis_charts(_a: &Analysis) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    Ok(Vec::new())
}

/// The chart of a sweep.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn sweep_charts(_r: &SweepResult) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    Ok(Vec::new())
}
