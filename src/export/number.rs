//! Numbers in CSV files, written straight into the output buffer without a `String` per cell:
//! floats as Rust's `format!("{x}")` writes them (the shortest text that reads back exactly, no
//! exponent), integers through `itoa`.
//!
//! The shortest digits come from `zmij` (several times faster than Rust's formatting), laid out
//! as Rust lays them out. Where two shortest texts are equally close to the value, `zmij` (like
//! `ryu`) takes the even last digit and Rust rounds up (667082108456853.25 is
//! "667082108456853.2" for `zmij`, "667082108456853.3" for Rust). Such a tie needs the value's
//! exact decimal expansion to be one digit longer than its shortest text, so at most 18
//! significant digits; a float `N / 2^k` (`N` odd) has at least `k` (at least 1) of them past
//! the point, plus its integer digits, or about `0.7 k` when below 1. Floats that could be a
//! tie by that count, whole numbers of 2^53 and more, and non-finite ones are written by Rust's
//! formatting; other whole numbers by `itoa`.

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
    const WHOLE_BELOW: f64 = 9_007_199_254_740_992.0; // 2^53
    // Below 2^53 in size (so finite), whole when truncation keeps it (no libm call).
    let whole = x.abs() < WHOLE_BELOW && (x as i64) as f64 == x;
    if whole && x.to_bits() != (-0.0f64).to_bits() {
        // A whole number written whole (Rust writes no ".0"); exact below 2^53.
        write_int(out, x as i64);
    } else if !x.is_finite() || could_be_a_tie(x) {
        // Writing into a Vec cannot fail.
        let _ = write!(Bytes(out), "{x}");
    } else {
        rust_layout(out, zmij::Buffer::new().format_finite(x));
    }
}

/// Whether the shortest decimal text of finite, non-whole `x` could be an exact tie between two
/// texts (see the module's notes): its exact decimal expansion has at most 19 significant
/// digits by the count there (one spare digit of margin).
fn could_be_a_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if mantissa == 0 {
        return true;
    }
    // Binary digits past the point of x = N / 2^k, N odd.
    let k = -(exponent + mantissa.trailing_zeros() as i32);
    if k <= 0 {
        return true;
    }
    let a = x.abs();
    if a >= 1.0 {
        // At least one integer digit: past 18 binary places no tie, without the logarithm.
        if k > 18 {
            return false;
        }
        let integer_digits = a.log10().floor() as i32 + 1;
        integer_digits + k <= 19
    } else {
        k < 27
    }
}

/// Appends `zmij`'s text of a number (`d.ddd`, `ddd.0`, `de+x`, `d.dde-x`, with a sign) as Rust's
/// `Display` writes it: every digit in place, no exponent, no ".0".
fn rust_layout(out: &mut Vec<u8>, text: &str) {
    let text = text.as_bytes();
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&c| c == b'e') {
        Some(e) => {
            let digits = &text[e + 1..];
            let (sign, digits) = match digits.split_first() {
                Some((b'-', rest)) => (-1, rest),
                Some((b'+', rest)) => (1, rest),
                _ => (1, digits),
            };
            let value = digits
                .iter()
                .fold(0i32, |v, &c| v * 10 + i32::from(c - b'0'));
            (&text[..e], sign * value)
        }
        None => (text, 0),
    };
    // The significant digits, and where the point goes among them.
    let mut digits = [0u8; 24];
    let mut len = 0;
    let mut point = None;
    for &c in mantissa {
        if c == b'.' {
            point = Some(len);
        } else {
            digits[len] = c;
            len += 1;
        }
    }
    let mut point = point.unwrap_or(len) as i32 + exponent;
    let mut digits = &digits[..len];
    while let Some((b'0', rest)) = digits.split_first() {
        digits = rest;
        point -= 1;
    }
    while let Some((b'0', rest)) = digits.split_last() {
        digits = rest;
    }
    if negative {
        out.push(b'-');
    }
    let n = digits.len() as i32;
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-point) as usize));
        out.extend_from_slice(digits);
    } else if point >= n {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', (point - n) as usize));
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    }
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
    // The ties are exact binary values whose shortest text has fewer digits than the literal.
    #[allow(clippy::excessive_precision)]
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
            667082108456853.25,
            -667082108456853.25,
            100001580525473.125,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            1.2345678901234567e-5,
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
            // Money in pence and quarters, whole counts, and exact decimal ties.
            let z = ((state >> 14) % 10_000_000_000) as f64 / 4.0 * 1e4;
            assert_eq!(text(z), format!("{z}"));
            let w = ((state >> 30) as f64) / 8.0 + 1e14;
            assert_eq!(text(w), format!("{w}"));
            let c = -(((state >> 40) % 400_000) as f64);
            assert_eq!(text(c), format!("{c}"));
        }
    }

    #[test]
    #[allow(clippy::excessive_precision)]
    fn only_possible_ties_leave_the_fast_path() {
        assert!(could_be_a_tie(667082108456853.25));
        assert!(could_be_a_tie(0.5));
        // Drawn parameters and money amounts of a run: digits far past any tie.
        for x in [
            0.7192361823200537,
            18074416767.676266,
            531429667.4858089,
            94210.0347368856,
        ] {
            assert!(!could_be_a_tie(x), "{x}");
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
