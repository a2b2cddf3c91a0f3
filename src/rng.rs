//! The one place that decides how random streams are seeded.
//!
//! Every random number prevsim uses comes from a stream named by its position in the work:
//! (seed, iteration, year, event). Streams never depend on threads or the clock, so results are
//! identical with any number of threads. Baseline and intervention arms of one iteration use the
//! same streams (common random numbers): where an arm's sampler rejects and redraws more often,
//! only that one event's stream is affected and the arms stay in step for every other event.
//!
//! The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014; crate `rand_xoshiro`), a named algorithm whose output is fixed by
//! its definition, unlike `StdRng`/`SmallRng`, whose algorithm may change between `rand`
//! releases. It passes BigCrush, and its whole state is one 64-bit word, so a stream costs
//! nothing to start: that matters because the engine starts a new stream for every event and
//! draws only a few numbers from each. A stream's state is a key that mixes seed, iteration,
//! year and event with the SplitMix64 finaliser (a bijection), so distinct positions get
//! unrelated streams.

use rand::SeedableRng;
use rand_xoshiro::SplitMix64;

/// The generator behind every stream.
pub type Stream = SplitMix64;

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
    /// Care entries from a state of one group of families (c + 1: the programme cohort
    /// reached in year c), when the groups' entry rates differ; the first group with children
    /// (the untreated, group 0, unless it has none) draws from `CareEntry` instead.
    GroupEntry { group: u32, state: usize },
    /// The move `from` -> `to` of one group of families, when the groups' probabilities
    /// differ; the first group with families draws from `Transition` instead.
    GroupTransition { group: u32, from: usize, to: usize },
    /// Rounding of the starting families of a state to whole families (setup year).
    StartFamilies(usize),
    /// Rounding of the starting children in care to whole children (setup year).
    StartInCare,
    /// Rounding of a state's children at home (families x children per family) to whole
    /// children.
    Children(usize),
    /// How a state's children at home are shared among the groups of families.
    ChildrenSplit(usize),
    /// Rounding of the children kept out of care to whole children.
    KeptOut,
    /// Rounding of the programme's intake to whole families.
    Intake,
    /// How the programme's intake splits across its target states.
    IntakeSplit,
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
            Event::GroupEntry { group, state } => 1_000 + 4 * group + state as u32,
            Event::GroupTransition { group, from, to } => {
                10_000 + 16 * group + 4 * from as u32 + to as u32
            }
            Event::StartFamilies(s) => 5 + s as u32,
            Event::StartInCare => 9,
            Event::Children(s) => 70 + s as u32,
            Event::ChildrenSplit(s) => 74 + s as u32,
            Event::KeptOut => 80,
            Event::Intake => 81,
            Event::IntakeSplit => 82,
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

/// The key of one iteration's streams: computed once per iteration.
pub fn iteration_key(seed: u64, iteration: u64) -> u64 {
    mix(mix(seed) ^ iteration)
}

/// The stream for one (year, event) of the iteration with this key.
pub fn event_stream(iteration_key: u64, year: u32, event: Event) -> Stream {
    Stream::seed_from_u64(mix(
        iteration_key ^ ((u64::from(year) << 32) | u64::from(event.code()))
    ))
}

/// The stream for one (seed, iteration, year, event).
pub fn stream(seed: u64, iteration: u64, year: u32, event: Event) -> Stream {
    event_stream(iteration_key(seed, iteration), year, event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn splitmix64_output_is_the_published_sequence() {
        // Reference values of SplitMix64 seeded with 1234567 (from the C reference code).
        let mut s = Stream::seed_from_u64(1_234_567);
        assert_eq!(s.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(s.next_u64(), 3_203_168_211_198_807_973);
    }

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
        let mut codes = vec![
            Event::Parameters.code(),
            Event::CareExit.code(),
            Event::StartInCare.code(),
            Event::KeptOut.code(),
            Event::Intake.code(),
            Event::IntakeSplit.code(),
        ];
        for s in 0..4 {
            codes.push(Event::StartFamilies(s).code());
            codes.push(Event::Children(s).code());
            codes.push(Event::ChildrenSplit(s).code());
            codes.push(Event::ShiftUp(s).code());
            codes.push(Event::CareEntry(s).code());
            for t in 0..4 {
                codes.push(Event::Transition { from: s, to: t }.code());
                for group in 0..=200 {
                    codes.push(
                        Event::GroupTransition {
                            group,
                            from: s,
                            to: t,
                        }
                        .code(),
                    );
                }
            }
            for group in 0..=200 {
                codes.push(Event::GroupEntry { group, state: s }.code());
            }
        }
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
