//! The look shared by every chart: fonts, palette, sizes, and how money and counts are written.
//!
//! Fonts are DejaVu Sans, shipped in `assets/fonts/` and compiled into the binary, so a chart
//! looks the same on every machine and never depends on the system's fonts. Colours are the
//! Okabe-Ito palette, safe for the common forms of colour blindness: the baseline is always
//! dark grey, the first intervention always blue, the second vermillion, and so on.

use std::str::FromStr;
use std::sync::Once;

use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, register_font};

/// The font family every chart uses. In SVG files it becomes the CSS font list, so a viewer
/// without DejaVu Sans falls back to its own sans-serif.
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
static FONTS: Once = Once::new();

/// Registers the shipped fonts with plotters (once per process). Returns false if a font cannot
/// be read, which would be a broken build.
pub fn register_fonts() -> bool {
    let mut ok = true;
    FONTS.call_once(|| {
        for family in [FAMILY, "sans-serif"] {
            ok &= register_font(family, FontStyle::Normal, REGULAR).is_ok();
            ok &= register_font(family, FontStyle::Bold, BOLD).is_ok();
        }
    });
    ok
}

/// Regular text of a size in pixels.
pub fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
}

/// Bold text of a size in pixels.
pub fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Bold)
}

/// Image width in pixels: wide enough to stay sharp when shrunk to a report column.
pub const WIDTH: u32 = 1600;
/// Text sizes in pixels, chosen to stay legible at half size.
pub const TITLE_SIZE: f64 = 46.0;
pub const SUBTITLE_SIZE: f64 = 33.0;
pub const CAPTION_SIZE: f64 = 33.0;
pub const LABEL_SIZE: f64 = 30.0;
pub const TICK_SIZE: f64 = 28.0;
pub const NOTE_SIZE: f64 = 26.0;
/// Line widths in pixels.
pub const LINE: u32 = 4;
pub const THIN: u32 = 2;

/// Text colour.
pub const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
/// Secondary text (subtitle, footnote).
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);
/// The baseline arm, in every chart.
pub const BASELINE: RGBColor = RGBColor(0x4d, 0x4d, 0x4d);
/// Interventions in scenario order (Okabe-Ito: blue, vermillion, bluish green, reddish purple,
/// orange, sky blue); the k-th intervention always has the k-th colour.
pub const INTERVENTIONS: [RGBColor; 6] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x56, 0xb4, 0xe9),
];
/// Family states, worst to best (chaotic, barely coping, coping, thriving).
pub const STATES: [RGBColor; 4] = [
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0x00, 0x9e, 0x73),
];

/// The colour of the k-th intervention (the palette repeats after six).
pub fn intervention_colour(k: usize) -> RGBColor {
    INTERVENTIONS[k % INTERVENTIONS.len()]
}

/// The name of the k-th intervention's colour, for captions.
pub fn colour_name(k: usize) -> &'static str {
    [
        "blue",
        "vermillion",
        "green",
        "purple",
        "orange",
        "sky blue",
    ][k % INTERVENTIONS.len()]
}

/// How money is written on axes and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MoneyUnit {
    /// £3.5m, £250k: the unit follows the size of the amounts.
    #[default]
    Auto,
    /// Always billions: £0.25bn.
    Billions,
    /// Always millions: £0.25m.
    Millions,
    /// Always thousands: £250k.
    Thousands,
    /// Whole pounds with thousands separators: £250,000.
    Pounds,
}

impl FromStr for MoneyUnit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(MoneyUnit::Auto),
            "bn" | "b" => Ok(MoneyUnit::Billions),
            "m" => Ok(MoneyUnit::Millions),
            "k" => Ok(MoneyUnit::Thousands),
            "£" | "gbp" | "pounds" | "1" => Ok(MoneyUnit::Pounds),
            other => Err(format!(
                "unknown unit \"{other}\": use auto, bn, m, k or £ (also written pounds)"
            )),
        }
    }
}

impl MoneyUnit {
    /// The unit to use for amounts whose largest absolute value is `largest`.
    fn resolve(self, largest: f64) -> MoneyUnit {
        if self != MoneyUnit::Auto {
            return self;
        }
        if largest >= 1e9 {
            MoneyUnit::Billions
        } else if largest >= 1e6 {
            MoneyUnit::Millions
        } else if largest >= 1e3 {
            MoneyUnit::Thousands
        } else {
            MoneyUnit::Pounds
        }
    }

    fn scale(self) -> (f64, &'static str) {
        match self {
            MoneyUnit::Billions => (1e9, "bn"),
            MoneyUnit::Millions => (1e6, "m"),
            MoneyUnit::Thousands => (1e3, "k"),
            MoneyUnit::Auto | MoneyUnit::Pounds => (1.0, ""),
        }
    }

    /// An amount for a label: `gbp` style (£4.25m) in auto mode, else in the chosen unit.
    pub fn amount(self, x: f64) -> String {
        if self == MoneyUnit::Auto {
            return crate::money::gbp(x);
        }
        self.format(x, x.abs(), 2)
    }

    /// An axis tick: every tick of an axis uses the unit of its largest amount, so a reader
    /// compares like with like (£0, £2m, £4m rather than £0, £2m, £500k).
    pub fn tick(self, x: f64, axis_largest: f64) -> String {
        self.format(x, axis_largest, 3)
    }

    /// `x` in the unit chosen for `largest`, with at most `decimals` decimals.
    fn format(self, x: f64, largest: f64, decimals: usize) -> String {
        let unit = self.resolve(largest);
        let (scale, suffix) = unit.scale();
        let sign = if x < 0.0 { "-" } else { "" };
        let v = x.abs() / scale;
        let digits = if unit == MoneyUnit::Pounds {
            thousands(v.round())
        } else {
            trim(&format!("{v:.decimals$}"))
        };
        if digits == "0" {
            return "£0".to_string();
        }
        format!("{sign}£{digits}{suffix}")
    }
}

fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A whole number with thousands separators: 12,500.
pub fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// A count for an axis tick: whole numbers only (a tick between two whole numbers stays blank).
pub fn whole(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        thousands(x)
    } else {
        String::new()
    }
}

/// How a chart looks: the analyst's restyling options (`prevsim plot --title ...`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    /// Replaces the first heading line (by default the scenario's title).
    pub title: Option<String>,
    /// Replaces the second heading line (by default what the chart shows).
    pub subtitle: Option<String>,
    /// How money is written.
    pub unit: MoneyUnit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_register() {
        assert!(register_fonts());
    }

    #[test]
    fn money_on_axes_and_labels() {
        let auto = MoneyUnit::Auto;
        assert_eq!(auto.tick(2_000_000.0, 5e6), "£2m");
        assert_eq!(auto.tick(500_000.0, 5e6), "£0.5m");
        assert_eq!(auto.tick(0.0, 5e6), "£0");
        assert_eq!(auto.tick(-250_000.0, 4e5), "-£250k");
        assert_eq!(auto.amount(4_250_000.0), "£4.25m");
        assert_eq!(MoneyUnit::Thousands.amount(4_250_000.0), "£4250k");
        assert_eq!(MoneyUnit::Millions.amount(-3_528_400.0), "-£3.53m");
        assert_eq!(MoneyUnit::Millions.tick(2_500_000.0, 1e7), "£2.5m");
        assert_eq!(MoneyUnit::Pounds.tick(4_250_000.0, 1.0), "£4,250,000");
        assert_eq!("m".parse::<MoneyUnit>(), Ok(MoneyUnit::Millions));
        assert_eq!("£".parse::<MoneyUnit>(), Ok(MoneyUnit::Pounds));
        assert!("x".parse::<MoneyUnit>().is_err());
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(950.0), "950");
    }
}
