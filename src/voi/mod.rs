//! Value of information.
pub mod numerics;
