//! Money as a report shows it: £3.5m, £250k, -£1.2m.

/// Formats pounds for a reader: billions and millions with up to two decimals, thousands with
/// up to one, smaller amounts whole. Trailing zeros are dropped (£3.5m, not £3.50m).
pub fn gbp(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    let (value, unit, decimals) = if a >= 1e9 {
        (a / 1e9, "bn", 2)
    } else if a >= 1e6 {
        (a / 1e6, "m", 2)
    } else if a >= 1e3 {
        (a / 1e3, "k", 1)
    } else {
        (a, "", 0)
    };
    let mut digits = format!("{value:.decimals$}");
    if digits.contains('.') {
        digits = digits
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    // Rounding can carry into the next unit (999,999 -> "1000k"): show it in that unit.
    if digits == "1000" && !unit.is_empty() && unit != "bn" {
        return gbp(if x < 0.0 { -1000.0 } else { 1000.0 } * if unit == "k" { 1e3 } else { 1e6 });
    }
    if digits == "0" {
        return "£0".to_string();
    }
    format!("{sign}£{digits}{unit}")
}

/// A size in bytes for a person: 1.5 GB, 240 MB.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.0} MB", n / 1e6)
    } else {
        format!("{:.0} kB", n / 1e3)
    }
}

/// A ratio such as a benefit-cost ratio: two decimals.
pub fn ratio(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}")
    } else {
        "n/a".to_string()
    }
}

/// A probability as a percentage: 0.934 -> "93.4%".
pub fn percent(p: f64) -> String {
    if p.is_finite() {
        format!("{:.1}%", p * 100.0)
    } else {
        "n/a".to_string()
    }
}

/// A yearly rate (discount, growth) as a percentage, to at most four decimals with trailing
/// zeros dropped: 0.035 -> "3.5%" (not the "3.5000000000000004%" of plain `r * 100`), 0.03 ->
/// "3%", 0.0125 -> "1.25%". The one formatter for rates: summary.md, summary.json and the
/// charts all get theirs from here.
pub fn rate(r: f64) -> String {
    if !r.is_finite() {
        return "n/a".to_string();
    }
    let mut digits = format!("{:.4}", r * 100.0);
    if digits.contains('.') {
        digits = digits
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string();
    }
    if digits == "-0" {
        digits = "0".to_string();
    }
    format!("{digits}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_a_report() {
        assert_eq!(gbp(3_500_000.0), "£3.5m");
        assert_eq!(gbp(4_250_000.0), "£4.25m");
        assert_eq!(gbp(21_250_000.0), "£21.25m");
        assert_eq!(gbp(250_000.0), "£250k");
        assert_eq!(gbp(12_540.0), "£12.5k");
        assert_eq!(gbp(-1_200_000.0), "-£1.2m");
        assert_eq!(gbp(425_000_000.0), "£425m");
        assert_eq!(gbp(1_234_000_000.0), "£1.23bn");
        assert_eq!(gbp(950.0), "£950");
        assert_eq!(gbp(999_999.0), "£1m");
        assert_eq!(gbp(0.2), "£0");
        assert_eq!(percent(0.9342), "93.4%");
    }

    #[test]
    fn rates_print_as_typed() {
        assert_eq!(format!("{}%", 0.035 * 100.0), "3.5000000000000004%");
        assert_eq!(rate(0.035), "3.5%");
        assert_eq!(rate(0.03), "3%");
        assert_eq!(rate(0.025), "2.5%");
        assert_eq!(rate(0.0125), "1.25%");
        assert_eq!(rate(0.07), "7%");
        assert_eq!(rate(0.0), "0%");
        assert_eq!(rate(0.123456), "12.3456%");
    }
}
