//! Numbers in CSV files, written straight into the output buffer without a `String` per cell:
//! floats as Rust's `format!("{x}")` writes them (the shortest text that reads back exactly, no
//! exponent), integers through `itoa`.
//!
//! Not `ryu`: it rounds an exact decimal tie to even where Rust rounds it up
//! (667082108456853.25 is "667082108456853.2" for ryu, "667082108456853.3" for Rust), so the
//! files would no longer be byte-identical to earlier versions' (about 1 value in 200,000).

use std::fmt::Write as _;

/// `fmt::Write` into a byte buffer.
struct Bytes<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Appends `x` as `format!("{x}")` would write it.
pub fn write_f64(out: &mut Vec<u8>, x: f64) {
    // Writing into a Vec cannot fail.
    let _ = write!(Bytes(out), "{x}");
}

/// Appends an integer.
pub fn write_int<I: itoa::Integer>(out: &mut Vec<u8>, i: I) {
    out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(x: f64) -> String {
        let mut v = Vec::new();
        write_f64(&mut v, x);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn writes_what_format_writes() {
        let cases = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1.5e-7,
            1e-7,
            123456789.0,
            1e21,
            1.5e300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -f64::MAX,
            16114943211.210339,
            0.009502364354916972,
            4.25e6,
            1e15,
            1e16,
            1e17,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in cases {
            assert_eq!(text(x), format!("{x}"), "{x:e}");
        }
        // Random bit patterns and random money-like amounts (a fixed linear congruential
        // sequence, so the test is the same every time).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let x = f64::from_bits(state);
            assert_eq!(text(x), format!("{x}"), "{:#x}", state);
            let y = (state >> 11) as f64 / (1u64 << 53) as f64 * 1e9;
            assert_eq!(text(y), format!("{y}"));
        }
    }

    #[test]
    fn integers() {
        let mut v = Vec::new();
        write_int(&mut v, 12345u64);
        v.push(b',');
        write_int(&mut v, 0u32);
        assert_eq!(v, b"12345,0");
    }
}
