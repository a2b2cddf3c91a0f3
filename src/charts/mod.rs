//! Charts for reports, drawn from result structs (never from the engine).
//!
//! Each scenario gets five charts, each as PNG (1600 px wide, for word processors) and SVG
//! (for print and the web):
//!
//! | file | what it shows |
//! |---|---|
//! | `chart-savings-distribution` | histogram of the net saving (PV) over iterations, mean, P5, P95 and zero marked; one panel per intervention |
//! | `chart-probability-curve` | for each amount, the probability of saving more than it (the S-curve) |
//! | `chart-savings-over-time` | fan charts of the yearly and the cumulative net saving, payback year marked |
//! | `chart-care-population` | children kept out of care per year (baseline minus intervention, per iteration), median with bands |
//! | `chart-family-ladder` | families per state per year, stacked, baseline and each intervention, and each intervention's change per state |
//! | `chart-who-pays` | with `[agencies]`: per agency, gross saving, programme cost paid and net saving |
//! | `chart-options` | with two or more interventions: the chance each option is best, and each pair's difference in net saving |
//!
//! and a run of several scenarios also `comparison` (their net savings on one axis).
//!
//! Layers: [`data`] is the charts' view of typed results (a run's in memory, or a folder's read
//! back by [`crate::report::read`]: the only input), [`compute`] holds the
//! numbers behind the pictures as plain tested functions, [`style`] the fonts, palette and money
//! format, `frame` the heading and footnote shared by all, and one file per chart draws it.
//!
//! **Adding a chart**: add a
//! variant to [`ChartKind`] and to [`ChartKind::ALL`], its file stem in
//! [`ChartKind::file_stem`], and a file with `height`, `shows` (its subtitle) and `draw` (its
//! panels, below the heading `ChartKind::draw` paints) functions called from
//! [`ChartKind::height`] and `ChartKind::draw`. A chart whose data a folder lacks (older
//! results) returns no height and is skipped.

mod agencies;
pub mod calibration;
mod comparison;
pub mod compute;
pub mod data;
mod distribution;
mod frame;
mod ladder;
mod options;
mod over_time;
mod population;
mod probability;
pub mod sensitivity;
pub mod style;
pub mod voi;

use plotters::backend::{BitMapBackend, DrawingBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use rayon::prelude::*;

pub use data::ChartData;
pub use style::{MoneyUnit, Style};

/// Why a chart could not be drawn.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChartError {
    #[error("{file}: {message}")]
    Data { file: String, message: String },
    #[error("cannot draw {chart}: {message}")]
    Draw { chart: String, message: String },
}

/// What the drawing functions return: plotters' errors, boxed.
pub(crate) type DrawResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The charts drawn for every scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    SavingsDistribution,
    ProbabilityCurve,
    SavingsOverTime,
    CarePopulation,
    FamilyLadder,
    WhoPays,
    Options,
}

impl ChartKind {
    /// Every chart, in the order they are written.
    pub const ALL: [ChartKind; 7] = [
        ChartKind::SavingsDistribution,
        ChartKind::ProbabilityCurve,
        ChartKind::SavingsOverTime,
        ChartKind::CarePopulation,
        ChartKind::FamilyLadder,
        ChartKind::WhoPays,
        ChartKind::Options,
    ];

    /// File name without extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            ChartKind::SavingsDistribution => "chart-savings-distribution",
            ChartKind::ProbabilityCurve => "chart-probability-curve",
            ChartKind::SavingsOverTime => "chart-savings-over-time",
            ChartKind::CarePopulation => "chart-care-population",
            ChartKind::FamilyLadder => "chart-family-ladder",
            ChartKind::WhoPays => "chart-who-pays",
            ChartKind::Options => "chart-options",
        }
    }

    /// Image height in pixels for this data, or `None` when the data lack what it shows.
    pub fn height(self, data: &ChartData) -> Option<u32> {
        match self {
            ChartKind::SavingsDistribution => distribution::height(data),
            ChartKind::ProbabilityCurve => probability::height(data),
            ChartKind::SavingsOverTime => over_time::height(data),
            ChartKind::CarePopulation => population::height(data),
            ChartKind::FamilyLadder => ladder::height(data),
            ChartKind::WhoPays => agencies::height(data),
            ChartKind::Options => options::height(data),
        }
    }

    /// What the chart shows: its subtitle.
    fn shows(self, data: &ChartData) -> &'static str {
        match self {
            ChartKind::SavingsDistribution => distribution::shows(data),
            ChartKind::ProbabilityCurve => probability::shows(data),
            ChartKind::SavingsOverTime => over_time::shows(data),
            ChartKind::CarePopulation => population::shows(data),
            ChartKind::FamilyLadder => ladder::shows(data),
            ChartKind::WhoPays => agencies::shows(data),
            ChartKind::Options => options::shows(data),
        }
    }

    fn heading(self, data: &ChartData, style: &Style) -> frame::Heading {
        frame::Heading::for_scenario(data, style, self.shows(data))
    }

    fn draw<DB: DrawingBackend>(
        self,
        root: &DrawingArea<DB, Shift>,
        data: &ChartData,
        style: &Style,
    ) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let body = &frame::page(root, &self.heading(data, style))?;
        match self {
            ChartKind::SavingsDistribution => distribution::draw(body, data, style),
            ChartKind::ProbabilityCurve => probability::draw(body, data, style),
            ChartKind::SavingsOverTime => over_time::draw(body, data, style),
            ChartKind::CarePopulation => population::draw(body, data, style),
            ChartKind::FamilyLadder => ladder::draw(body, data, style),
            ChartKind::WhoPays => agencies::draw(body, data, style),
            ChartKind::Options => options::draw(body, data, style),
        }
    }
}

/// Draws a picture of `size` pixels into PNG bytes (RGB, deterministic encoding).
///
/// # Errors
/// Drawing or encoding fails.
pub(crate) fn png<F>(size: (u32, u32), draw: F) -> DrawResult<Vec<u8>>
where
    F: FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult,
{
    let (w, h) = size;
    let mut pixels = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // 250 dots per inch, so a word processor places 1600 px at about 16 cm: a report column.
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: 9843,
        yppu: 9843,
        unit: png::Unit::Meter,
    }));
    // fdeflate's fast mode, made for PNG: several times faster than the default, for files
    // a little larger (measured in the README's performance section).
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// Draws a picture of `size` pixels into SVG bytes.
///
/// # Errors
/// Drawing fails.
pub(crate) fn svg<F>(size: (u32, u32), draw: F) -> DrawResult<Vec<u8>>
where
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
{
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    text.push('\n');
    Ok(text.into_bytes())
}

fn failed(chart: &str) -> impl Fn(Box<dyn std::error::Error + Send + Sync>) -> ChartError + '_ {
    move |e| ChartError::Draw {
        chart: chart.to_string(),
        message: e.to_string(),
    }
}

/// Both files of one chart, named `<stem>.png` and `<stem>.svg`.
fn both(
    stem: &str,
    size: (u32, u32),
    png_draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> DrawResult + Send,
    svg_draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult + Send,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    style::register_fonts();
    let (png_bytes, svg_bytes) = rayon::join(|| png(size, png_draw), || svg(size, svg_draw));
    Ok(vec![
        (format!("{stem}.png"), png_bytes.map_err(failed(stem))?),
        (format!("{stem}.svg"), svg_bytes.map_err(failed(stem))?),
    ])
}

/// Every chart of a scenario, as named files (PNG and SVG), in [`ChartKind::ALL`] order.
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn scenario_charts(
    data: &ChartData,
    style: &Style,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    // Drawn in parallel; the files are collected in order.
    type Files = Vec<(String, Vec<u8>)>;
    let charts: Vec<Result<Files, ChartError>> = ChartKind::ALL
        .par_iter()
        .filter_map(|kind| {
            let height = kind.height(data)? + kind.heading(data, style).extra_height();
            Some(both(
                kind.file_stem(),
                (style::WIDTH, height),
                |root| kind.draw(root, data, style),
                |root| kind.draw(root, data, style),
            ))
        })
        .collect();
    let mut files = Vec::new();
    for chart in charts {
        files.extend(chart?);
    }
    Ok(files)
}

/// File stem of the comparison chart of several scenarios.
pub const COMPARISON: &str = "comparison";

/// The comparison of several scenarios' net savings (`comparison.png` and `.svg`).
///
/// # Errors
/// A chart cannot be drawn (not expected).
pub fn comparison_charts(
    scenarios: &[ChartData],
    style: &Style,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let size = (style::WIDTH, comparison::height(scenarios, style));
    both(
        COMPARISON,
        size,
        |root| comparison::draw(root, scenarios, style),
        |root| comparison::draw(root, scenarios, style),
    )
}
