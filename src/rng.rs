//! The one place that decides how random streams are seeded.
//!
//! Every random number prevsim uses comes from a stream named by its position in the work:
//! (seed, iteration, year, event). Streams never depend on threads or the clock, so results are
//! identical with any number of threads. Baseline and intervention arms of one iteration use the
//! same streams (common random numbers): where an arm's sampler rejects and redraws more often,
//! only that one event's stream is affected and the arms stay in step for every other event.
//!
//! The generator is xoshiro256++ (Blackman and Vigna, 2019; crate `rand_xoshiro`), a named
//! algorithm whose output is fixed by its definition, unlike `StdRng`/`SmallRng`, whose
//! algorithm may change between `rand` releases. Its state is filled from a 64-bit key with
//! SplitMix64, as the crate's `seed_from_u64` does; the key mixes seed, iteration, year and
//! event with the SplitMix64 finaliser.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every stream.
pub type Stream = Xoshiro256PlusPlus;

/// The "year" of draws made before the first cycle (parameters, one-off shifts).
pub const SETUP_YEAR: u32 = u32::MAX;

/// What a stream is used for within one year (or within [`SETUP_YEAR`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The draw of every uncertain parameter of the iteration (setup year).
    Parameters,
    /// One-off shift of families up from a state (setup year).
    ShiftUp(usize),
    /// Children leaving care.
    CareExit,
    /// Children entering care from families in a state.
    CareEntry(usize),
    /// Families moving from state `from`: the conditional binomial for destination `to`.
    Transition { from: usize, to: usize },
}

impl Event {
    /// A distinct number for each event.
    pub fn code(self) -> u32 {
        match self {
            Event::Parameters => 0,
            Event::ShiftUp(s) => 1 + s as u32,
            Event::CareExit => 10,
            Event::CareEntry(s) => 11 + s as u32,
            Event::Transition { from, to } => 20 + 4 * from as u32 + to as u32,
        }
    }
}

/// SplitMix64's output function: a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream for one (seed, iteration, year, event).
pub fn stream(seed: u64, iteration: u64, year: u32, event: Event) -> Stream {
    let key = mix(mix(mix(seed) ^ iteration) ^ ((u64::from(year) << 32) | u64::from(event.code())));
    Stream::seed_from_u64(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_depend_on_every_part_of_the_position() {
        let first = |s: &mut Stream| s.next_u64();
        let base = first(&mut stream(1, 2, 3, Event::CareExit));
        assert_eq!(base, first(&mut stream(1, 2, 3, Event::CareExit)));
        assert_ne!(base, first(&mut stream(2, 2, 3, Event::CareExit)));
        assert_ne!(base, first(&mut stream(1, 3, 3, Event::CareExit)));
        assert_ne!(base, first(&mut stream(1, 2, 4, Event::CareExit)));
        assert_ne!(base, first(&mut stream(1, 2, 3, Event::CareEntry(0))));
    }

    #[test]
    fn event_codes_are_distinct() {
        let mut codes = vec![Event::Parameters.code(), Event::CareExit.code()];
        for s in 0..4 {
            codes.push(Event::ShiftUp(s).code());
            codes.push(Event::CareEntry(s).code());
            for t in 0..4 {
                codes.push(Event::Transition { from: s, to: t }.code());
            }
        }
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
