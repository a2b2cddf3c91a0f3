//! What every chart shares: the white page, a two-line heading, the footnote, panel layout and
//! the look of axes.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::data::ChartData;
use super::style::{
    self, GRID, INK, MUTED, MoneyUnit, NOTE_SIZE, SUBTITLE_SIZE, Style, TICK_SIZE, TITLE_SIZE,
    bold, font,
};

/// Pixels above the panels: title and subtitle.
pub const HEADER: u32 = 150;
/// Pixels below the panels: the footnote, on one line or two.
pub const FOOTER: u32 = 92;

/// The heading lines and footnote of a chart.
pub struct Heading {
    pub title: String,
    pub subtitle: String,
    /// An extra line under the title (`--subtitle`), above the chart's own explanation.
    pub extra: Option<String>,
    pub note: String,
}

/// Pixels a title line and a subtitle line take.
const TITLE_LINE: u32 = 58;
const SUBTITLE_LINE: u32 = 44;
/// Width of the heading's text, in pixels (the page less its margins).
const HEADING_WIDTH: f64 = (style::WIDTH - 80) as f64;

/// Words wrapped into lines of at most `width` pixels, estimating each character at `em`
/// of the font size (DejaVu Sans averages about 0.55 em; bold a little more).
fn wrap(text: &str, size: f64, em: f64, width: f64) -> Vec<String> {
    let per_line = ((width / (size * em)).floor() as usize).max(10);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Ordinary spaces only: a no-break space keeps "P(net saving > 0)" on one line.
    for word in text.split([' ', '\n', '\t']).filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Two lines of about equal length, broken at the ordinary space nearest the middle.
fn halves(text: &str) -> Vec<String> {
    let middle = text.len() / 2;
    let cut = text
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(middle));
    match cut {
        Some(i) => vec![text[..i].to_string(), text[i + 1..].to_string()],
        None => vec![text.to_string()],
    }
}

impl Heading {
    fn title_lines(&self) -> Vec<String> {
        wrap(&self.title, TITLE_SIZE, 0.57, HEADING_WIDTH)
    }

    fn subtitle_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(extra) = &self.extra {
            lines.extend(wrap(extra, SUBTITLE_SIZE, 0.52, HEADING_WIDTH));
        }
        lines.extend(wrap(&self.subtitle, SUBTITLE_SIZE, 0.52, HEADING_WIDTH));
        lines
    }

    /// Pixels the heading needs beyond [`HEADER`] (one title line and one subtitle line):
    /// long titles wrap instead of shrinking, and `--subtitle` adds a line.
    pub fn extra_height(&self) -> u32 {
        let t = self.title_lines().len() as u32;
        let s = self.subtitle_lines().len() as u32;
        t.saturating_sub(1) * TITLE_LINE + s.saturating_sub(1) * SUBTITLE_LINE
    }
}

impl Heading {
    /// The heading of a scenario's chart: the scenario's title (or `--title`), what the chart
    /// shows (or `--subtitle`), and a footnote naming the scenario and the run.
    pub fn for_scenario(data: &ChartData, style: &Style, shows: &str) -> Heading {
        Heading {
            title: style
                .title
                .clone()
                .unwrap_or_else(|| data.display_name().to_string()),
            subtitle: shows.to_string(),
            extra: style.subtitle.clone(),
            note: format!(
                "Scenario {}: {}.{} Discounting: {}. Drawn by prevsim {}.",
                data.scenario,
                data.run_note(),
                data.mcse_note(),
                data.discount,
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// Draws `text` from (x, y) with the given anchor, shrinking it to fit `max_width` pixels.
pub fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
    desc: FontDesc<'static>,
    colour: RGBColor,
    anchor: Pos,
    max_width: u32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut desc = desc;
    for _ in 0..8 {
        let (w, _) = area.estimate_text_size(text, &desc.clone().into_text_style(area))?;
        if w <= max_width {
            break;
        }
        desc = desc.resize(desc.get_size() * 0.9);
    }
    area.draw(&Text::new(
        text.to_string(),
        (x, y),
        desc.color(&colour).pos(anchor),
    ))?;
    Ok(())
}

/// Paints the page, the heading and the footnote; returns the area left for the panels.
pub fn page<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &Heading,
) -> DrawResult<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let left = Pos::new(HPos::Left, VPos::Top);
    let room = w.saturating_sub(80);
    let mut y = 28;
    for line in heading.title_lines() {
        text(root, &line, (40, y), bold(TITLE_SIZE), INK, left, room)?;
        y += TITLE_LINE as i32;
    }
    y += 4;
    let extra_lines = heading
        .extra
        .as_ref()
        .map_or(0, |e| wrap(e, SUBTITLE_SIZE, 0.52, HEADING_WIDTH).len());
    for (i, line) in heading.subtitle_lines().into_iter().enumerate() {
        let colour = if i < extra_lines { INK } else { MUTED };
        text(
            root,
            &line,
            (40, y),
            font(SUBTITLE_SIZE),
            colour,
            left,
            room,
        )?;
        y += SUBTITLE_LINE as i32;
    }
    // The footnote on one line, or wrapped onto two when it is long (a Monte Carlo error note
    // and a discount schedule), rather than shrunk below reading size.
    let lines = if wrap(&heading.note, NOTE_SIZE, 0.5, f64::from(room)).len() > 1 {
        halves(&heading.note)
    } else {
        vec![heading.note.clone()]
    };
    for (i, line) in lines.iter().enumerate() {
        text(
            root,
            line,
            (40, h as i32 - FOOTER as i32 + 22 + 31 * i as i32),
            font(NOTE_SIZE),
            MUTED,
            left,
            room,
        )?;
    }
    Ok(root.margin(HEADER + heading.extra_height(), FOOTER, 20, 40))
}

/// The common look of axes: tick labels and axis names in the chart font, light grid.
pub fn style_mesh<X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, X, Y, DB>,
) {
    mesh.label_style(font(TICK_SIZE).color(&INK))
        .axis_desc_style(font(style::LABEL_SIZE).color(&INK))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0).stroke_width(0))
        .axis_style(INK.stroke_width(2))
        .set_all_tick_mark_size(8);
}

/// Pixels for an axis' tick labels and name.
pub const X_LABELS: u32 = 95;
pub const Y_LABELS: u32 = 185;

/// Pixels for a money axis' tick labels and name: whole pounds (£150,000,000) need more.
pub fn money_y_labels(style: &Style) -> u32 {
    if style.unit == MoneyUnit::Pounds {
        300
    } else {
        Y_LABELS
    }
}

/// How many ticks a money x axis gets: fewer for whole pounds, so that labels do not touch.
pub fn money_x_ticks(style: &Style) -> usize {
    if style.unit == MoneyUnit::Pounds {
        5
    } else {
        8
    }
}

/// A money x axis over rows without y labels: the axis of one-interval-per-row charts (the
/// comparison, who pays and who saves).
pub fn money_rows_mesh<DB: DrawingBackend>(
    chart: &mut super::over_time::Plot<'_, DB>,
    style: &Style,
    x_desc: &str,
    (lo, hi): (f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let axis = largest(lo, hi);
    let money = |v: &f64| style.unit.tick(*v, axis);
    let mut mesh = chart.configure_mesh();
    style_mesh(&mut mesh);
    mesh.x_desc(x_desc)
        .x_label_formatter(&money)
        .y_label_formatter(&|_| String::new())
        .disable_y_mesh()
        .x_labels(money_x_ticks(style))
        .y_labels(0)
        .draw()?;
    Ok(())
}

/// The larger of two magnitudes, for choosing a money unit.
pub fn largest(lo: f64, hi: f64) -> f64 {
    lo.abs().max(hi.abs())
}

/// Pixels of a panel's caption line.
pub const CAPTION: u32 = 56;

/// Writes a panel's caption on its top line; returns the area below it.
pub fn caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    colour: RGBColor,
) -> DrawResult<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    text(
        area,
        caption,
        (10, 8),
        bold(style::CAPTION_SIZE),
        colour,
        Pos::new(HPos::Left, VPos::Top),
        w.saturating_sub(20),
    )?;
    Ok(area.margin(CAPTION, 0, 0, 0))
}

/// A text style for labels inside a plot, anchored as given.
pub fn label(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).color(&colour).pos(Pos::new(h, v))
}

/// The chart of a panel of labelled rows over a shared x axis from `lo` to `hi` (the options,
/// value-of-information, tornado, comparison, who-pays and fixed savings charts): row `i`,
/// counted from the top, spans `rows - i - 1` to `rows - i` on the y axis, with its heading on
/// its top line ([`row_heading`]) and its marks below it ([`row_y`]). `top` and `bottom` are
/// margins in pixels.
pub fn rows_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (lo, hi): (f64, f64),
    rows: usize,
    (top, bottom): (u32, u32),
) -> DrawResult<super::over_time::Plot<'a, DB>>
where
    DB::ErrorType: 'static,
{
    Ok(ChartBuilder::on(area)
        .margin_top(top)
        .margin_bottom(bottom)
        .margin_right(40)
        .margin_left(20)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(10)
        .build_cartesian_2d(lo..hi, 0.0..rows.max(1) as f64)?)
}

/// The y of row `i`'s marks: `depth` (in rows) below the top of the row, under its heading.
pub fn row_y(rows: usize, i: usize, depth: f64) -> f64 {
    rows.max(1) as f64 - i as f64 - depth
}

/// Writes row `i`'s heading on its top line, from the left edge of the plot, shrunk to fit its
/// width.
pub fn row_heading<DB: DrawingBackend>(
    chart: &super::over_time::Plot<'_, DB>,
    rows: usize,
    i: usize,
    words: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let plot = chart.plotting_area().strip_coord_spec();
    let (width, _) = plot.dim_in_pixel();
    let (bx, by) = plot.get_base_pixel();
    let (px, py) = chart.backend_coord(&(chart.x_range().start, row_y(rows, i, 0.04)));
    text(
        &plot,
        words,
        (px - bx + 12, py - by),
        font(style::TICK_SIZE),
        INK,
        Pos::new(HPos::Left, VPos::Top),
        width.saturating_sub(24),
    )
}

/// A vertical reference line at `x` (£0, or a base case) across one row's marks only, from
/// `from` to `to` on the y axis, so that it never strikes through a row's heading.
pub fn row_rule<DB: DrawingBackend>(
    chart: &mut super::over_time::Plot<'_, DB>,
    x: f64,
    (from, to): (f64, f64),
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x, from), (x, to)],
        INK.stroke_width(style::THIN + 1),
    )))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_footnote_is_cut_into_two_even_lines_at_a_space() {
        let note = "Scenario gm-family-ladder: 2,000 iterations, seed 2010. Monte Carlo error: mean net saving \u{b1} £360.1k, P(net\u{a0}saving\u{a0}>\u{a0}0) \u{b1} 0.7 points. Discounting: Green Book: 3.5% a year for years 0-30, 3% for 31-75.";
        let lines = halves(note);
        assert_eq!(lines.len(), 2);
        assert_eq!(format!("{} {}", lines[0], lines[1]), note);
        let (a, b) = (lines[0].chars().count(), lines[1].chars().count());
        assert!(a.abs_diff(b) <= 12, "{a} and {b} characters");
        assert_eq!(halves("oneword"), vec!["oneword".to_string()]);
    }

    #[test]
    fn wrapping_keeps_no_break_spaces_together() {
        let lines = wrap(
            "aaaa P(net\u{a0}saving\u{a0}>\u{a0}0) bbbb",
            10.0,
            1.0,
            100.0,
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("P(net\u{a0}saving\u{a0}>\u{a0}0)")),
            "{lines:?}"
        );
    }
}
