//! `results.xlsx` (rust_xlsxwriter): the results for a finance team, and the base case with live
//! formulas.
//!
//! Sheets: Summary, Yearly (years as columns), Agencies, Assumptions, Claims, Iterations, and
//! "Fixed mode (live)": the fixed base case's yearly quantities as values (children in care,
//! child-years at home by state, programme cost) with the unit costs, the discount rates and
//! every derived figure (costs, savings, discount factors, present values, net saving, BCR,
//! payback) as Excel formulas, so a reviewer can change a rate or a unit cost and see the answer
//! move. Each formula's result is stored too, so the workbook shows numbers before Excel or
//! LibreOffice recalculates. The document's creation time is the run's (from the manifest), so
//! the same run gives the same bytes.
//!
//! The Iterations sheet, most of the file, is not written by rust_xlsxwriter cell by cell: its
//! rows are written as XML (the XML rust_xlsxwriter's constant-memory mode writes, byte for
//! byte) and deflated in pieces in parallel ([`start`]); rust_xlsxwriter makes the rest of the
//! workbook with the sheet's frame, and the sheet's pieces take the frame's place in the
//! archive ([`finish`], [`super::sheet_zip`]).

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Workbook, Worksheet,
    XlsxError,
};

use super::claims::ClaimRow;
use super::register::{COLUMNS, Entry};
use super::sheet_zip::{self, Deflated};
use super::source::{Cell, Iterations, Source};
use crate::engine::{self, RunOptions};
use crate::model::{HomeCost, STATES};
use crate::scenario::Discount;

/// Excel's last row (1,048,576 rows, one for the header).
const MAX_ROWS: usize = 1_048_575;

/// How many of `rows` rows of `iterations.csv` the Iterations sheet holds: all up to Excel's
/// limit, less a row for the note of how many more the file holds.
pub fn iterations_kept(rows: usize) -> usize {
    rows.min(MAX_ROWS - 1)
}

/// Deflate level of the workbook's parts, the Iterations sheet's pieces too. The sheet makes
/// most of the file. At 100,000 rows of gm-sized (its pieces deflated in parallel; one
/// `/usr/bin/time` each on a busy machine, CPU seconds of the whole run): level 1 made a
/// results.xlsx of 51.7 MB in 2.94 s, level 2 37.2 MB in 3.24 s (as rust_xlsxwriter made it
/// whole at level 2), level 3 36.2 MB in 3.69 s, level 6 34.2 MB in 4.24 s. Level 1 is the
/// quick deflate of zlib-rs: 39% bigger for 9% less CPU.
const ZIP_LEVEL: u8 = 2;

/// Name of the live-formula sheet.
pub const FIXED_SHEET: &str = "Fixed mode (live)";

struct Formats {
    bold: Format,
    header: Format,
    money: Format,
    pct: Format,
    ratio: Format,
    number: Format,
    factor: Format,
    input: Format,
    input_pct: Format,
    title: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0x00D9_E2EC))
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let input = Format::new()
            .set_num_format("£#,##0;-£#,##0")
            .set_background_color(Color::RGB(0x00FF_F2CC));
        Formats {
            bold: Format::new().set_bold(),
            header,
            money: Format::new().set_num_format("£#,##0;-£#,##0"),
            pct: Format::new().set_num_format("0.0%"),
            ratio: Format::new().set_num_format("0.00"),
            number: Format::new().set_num_format("#,##0.##"),
            factor: Format::new().set_num_format("0.0000"),
            input_pct: Format::new()
                .set_num_format("0.00%")
                .set_background_color(Color::RGB(0x00FF_F2CC)),
            input,
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x0055_5555)),
        }
    }
}

/// Excel column letters of a 0-based index.
fn col_name(mut c: u16) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// An A1 reference (0-based row and column), absolute when `fixed`.
fn cell(row: u32, col: u16, fixed: bool) -> String {
    if fixed {
        format!("${}${}", col_name(col), row + 1)
    } else {
        format!("{}{}", col_name(col), row + 1)
    }
}

fn num_or_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => ws.write_number_with_format(row, col, x, f)?,
        _ => ws.write_string(row, col, text)?,
    };
    Ok(())
}

fn headers(ws: &mut Worksheet, row: u32, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &f.header)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

fn summary(ws: &mut Worksheet, s: &Source, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    let d = &s.data;
    ws.write_string_with_format(0, 0, d.display_name(), &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{}; {} years; discounting: {}",
            d.run_note(),
            d.years,
            d.discount
        ),
        &f.note,
    )?;
    let mut row = 2;
    for line in super::words::headline(s) {
        ws.write_string(row, 0, line)?;
        row += 1;
    }
    row += 1;
    let fixed = d.fixed;
    let cols: &[&str] = if fixed {
        &["Intervention", "Metric", "Value"]
    } else {
        &[
            "Intervention",
            "Metric",
            "Mean",
            "MC standard error",
            "P5",
            "P50",
            "P95",
        ]
    };
    headers(ws, row, cols, f)?;
    row += 1;
    for name in s.interventions() {
        for metric in s.metric_names() {
            let Some(st) = s.metric(&name, &metric) else {
                continue;
            };
            let fmt = if metric == "bcr" || metric == "roi" {
                &f.ratio
            } else {
                &f.money
            };
            ws.write_string(row, 0, &name)?;
            ws.write_string(row, 1, &metric)?;
            ws.write_number_with_format(row, 2, st.mean, fmt)?;
            if !fixed {
                ws.write_number_with_format(row, 3, st.se, fmt)?;
                ws.write_number_with_format(row, 4, st.p5, fmt)?;
                ws.write_number_with_format(row, 5, st.p50, fmt)?;
                ws.write_number_with_format(row, 6, st.p95, fmt)?;
            }
            row += 1;
        }
        if let Some(p) = s.prob_net_saving_positive(&name) {
            ws.write_string(row, 0, &name)?;
            ws.write_string(row, 1, "chance of saving money: P(net saving > £0)")?;
            ws.write_number_with_format(row, 2, p, &f.pct)?;
            row += 1;
        }
        let payback = super::words::payback_median(s, &name);
        if !payback.is_empty() {
            ws.write_string(row, 0, &name)?;
            ws.write_string(row, 1, if fixed { "payback" } else { "payback (median)" })?;
            ws.write_string(row, 2, payback)?;
            row += 1;
        }
    }
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 40)?;
    for c in 2..7 {
        ws.set_column_width(c, 16)?;
    }
    Ok(())
}

/// The Yearly sheet's account of one budget (an intervention's, or one agency's: `prefix` names
/// it): from its baseline cost, intervention cost, gross saving, programme cost and net
/// saving by year, those five rows, the discount factor, and the discounted and cumulative
/// discounted net saving.
fn account<'f>(
    prefix: &str,
    [baseline, cost, gross, programme, net]: [&[f64]; 5],
    factors: &[f64],
    f: &'f Formats,
) -> Vec<(String, Vec<f64>, &'f Format)> {
    let discounted: Vec<f64> = net.iter().zip(factors).map(|(n, d)| n * d).collect();
    let cumulative: Vec<f64> = discounted
        .iter()
        .scan(0.0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .collect();
    [
        ("baseline cost (services)", baseline.to_vec(), &f.money),
        ("intervention cost (services)", cost.to_vec(), &f.money),
        ("gross saving", gross.to_vec(), &f.money),
        ("programme cost", programme.to_vec(), &f.money),
        ("net saving", net.to_vec(), &f.money),
        ("discount factor", factors.to_vec(), &f.factor),
        ("discounted net saving", discounted, &f.money),
        ("cumulative discounted net saving", cumulative, &f.money),
    ]
    .into_iter()
    .map(|(what, values, fmt)| (format!("{prefix}{what}"), values, fmt))
    .collect()
}

fn yearly(ws: &mut Worksheet, s: &Source, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Yearly")?;
    let years = s.data.years;
    let factors = s.scenario.discount.factors(years);
    let rows = if s.data.fixed {
        "Row (fixed base case)"
    } else {
        "Row (means across iterations)"
    };
    let mut names = vec!["Arm".to_string(), rows.to_string()];
    names.extend((1..=years).map(|y| format!("Year {y}")));
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    headers(ws, 0, &refs, f)?;
    ws.set_freeze_panes(1, 2)?;
    let mut row = 1;
    let mut line = |ws: &mut Worksheet, arm: &str, what: &str, values: &[f64], fmt: &Format| {
        ws.write_string(row, 0, arm)?;
        ws.write_string(row, 1, what)?;
        for (t, v) in values.iter().enumerate() {
            ws.write_number_with_format(row, 2 + t as u16, *v, fmt)?;
        }
        row += 1;
        Ok::<(), XlsxError>(())
    };
    let baseline = s.yearly_mean("baseline", "cost");
    for name in s.interventions() {
        let cost = s.yearly_mean(&name, "cost");
        let gross = s.yearly_mean(&name, "gross_saving");
        let programme = s.yearly_mean(&name, "programme_cost");
        let net = s.yearly_mean(&name, "net_saving");
        for (what, values, fmt) in account(
            "",
            [&baseline, &cost, &gross, &programme, &net],
            &factors,
            f,
        ) {
            line(ws, &name, &what, &values, fmt)?;
        }
        line(
            ws,
            &name,
            "cumulative net saving (undiscounted)",
            &s.yearly_mean(&name, "cumulative_net_saving"),
            &f.money,
        )?;
        line(
            ws,
            &name,
            "children in care",
            &s.yearly_mean(&name, "children_in_care"),
            &f.number,
        )?;
        // Each agency's (budget's) rows: who pays and who saves, year by year.
        for (agency, a) in s.agency_yearly(&name) {
            let series = [
                &a.baseline_cost[..],
                &a.intervention_cost,
                &a.gross_saving,
                &a.programme_cost,
                &a.net_saving,
            ];
            for (what, values, fmt) in account(&format!("{agency}: "), series, &factors, f) {
                line(ws, &name, &what, &values, fmt)?;
            }
        }
    }
    line(
        ws,
        "baseline",
        "children in care",
        &s.yearly_mean("baseline", "children_in_care"),
        &f.number,
    )?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 52)?;
    for t in 0..years {
        ws.set_column_width(2 + t as u16, 14)?;
    }
    Ok(())
}

fn agencies(ws: &mut Worksheet, s: &Source, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Agencies")?;
    let cols = [
        "Intervention",
        "Agency",
        "Gross saving (PV, mean)",
        "Programme cost paid (PV, mean)",
        "Net saving (PV, mean)",
        "Net saving P5",
        "Net saving P95",
        "Chance it saves money",
    ];
    headers(ws, 0, &cols, f)?;
    let mut row = 1;
    for i in &s.data.interventions {
        for a in &i.agencies {
            ws.write_string(row, 0, &i.name)?;
            ws.write_string(row, 1, &a.name)?;
            ws.write_number_with_format(row, 2, a.gross_saving.mean, &f.money)?;
            ws.write_number_with_format(row, 3, a.programme_cost.mean, &f.money)?;
            ws.write_number_with_format(row, 4, a.net_saving.mean, &f.money)?;
            ws.write_number_with_format(row, 5, a.net_saving.p5, &f.money)?;
            ws.write_number_with_format(row, 6, a.net_saving.p95, &f.money)?;
            ws.write_number_with_format(row, 7, a.prob_saves, &f.pct)?;
            row += 1;
        }
    }
    if row == 1 {
        ws.write_string_with_format(
            1,
            0,
            "The scenario names no agencies ([agencies]): there is a single budget.",
            &f.note,
        )?;
    }
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 24)?;
    for c in 2..8 {
        ws.set_column_width(c, 18)?;
    }
    Ok(())
}

fn assumptions(ws: &mut Worksheet, register: &[Entry], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Assumptions")?;
    headers(ws, 0, &COLUMNS, f)?;
    for (r, e) in register.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, text) in e.cells().iter().enumerate() {
            let c = c as u16;
            if matches!(
                COLUMNS[c as usize],
                "p5" | "p95" | "tornado_swing" | "switching_value" | "evppi"
            ) {
                num_or_text(ws, row, c, text, &f.number)?;
            } else {
                ws.write_string(row, c, text)?;
            }
        }
    }
    let widths = [
        44, 40, 22, 12, 12, 20, 50, 16, 10, 20, 20, 14, 12, 10, 14, 14, 14, 30,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

fn claims(ws: &mut Worksheet, rows: &[ClaimRow], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Claims")?;
    let cols = [
        "Claim",
        "Source",
        "Figure",
        "Document",
        "Model mean",
        "P5",
        "P95",
        "Share of iterations passing",
        "Required",
        "Verdict",
    ];
    headers(ws, 0, &cols, f)?;
    for (r, c) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        let fmt = if c.money { &f.money } else { &f.number };
        ws.write_string(row, 0, &c.text)?;
        ws.write_string(row, 1, &c.source)?;
        ws.write_string(row, 2, &c.figure)?;
        ws.write_string(row, 3, &c.document)?;
        ws.write_number_with_format(row, 4, c.mean, fmt)?;
        ws.write_number_with_format(row, 5, c.p5, fmt)?;
        ws.write_number_with_format(row, 6, c.p95, fmt)?;
        ws.write_number_with_format(row, 7, c.probability, &f.pct)?;
        ws.write_string(row, 8, &c.required)?;
        ws.write_string_with_format(row, 9, &c.verdict, &f.bold)?;
    }
    if rows.is_empty() {
        ws.write_string_with_format(1, 0, "The scenario states no claims ([[claims]]).", &f.note)?;
    }
    let widths = [60, 40, 36, 14, 14, 14, 14, 14, 12, 18];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

/// Width of the Iterations sheet's column `c`: the intervention's name wider.
fn iterations_width(c: usize) -> u16 {
    if c == 1 { 30 } else { 14 }
}

/// The Iterations sheet's frame in the workbook rust_xlsxwriter makes: its name, frozen
/// header and column widths, no cells (its XML is made by [`start`] and put in its place).
fn iterations_frame(ws: &mut Worksheet, columns: usize) -> Result<(), XlsxError> {
    ws.set_name("Iterations")?;
    ws.set_freeze_panes(1, 0)?;
    for c in 0..columns {
        ws.set_column_width(c as u16, iterations_width(c))?;
    }
    Ok(())
}

/// The Iterations sheet as rust_xlsxwriter writes it in constant-memory mode, cell by cell: the
/// reference [`start`]'s XML is tested against (see [`reference_workbook`]).
fn iterations_reference(ws: &mut Worksheet, t: &Iterations, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Iterations")?;
    let names: Vec<&str> = t.header().iter().map(String::as_str).collect();
    headers(ws, 0, &names, f)?;
    let rows = t.rows();
    let keep = iterations_kept(rows);
    for r in 0..keep {
        let row = r as u32 + 1;
        for c in 0..names.len() {
            match t.cell(r, c) {
                Cell::Number(x) if x.is_finite() => ws.write_number(row, c as u16, x)?,
                Cell::Number(x) => ws.write_string(row, c as u16, x.to_string())?,
                Cell::Text(text) => ws.write_string(row, c as u16, text)?,
                Cell::Blank => ws,
            };
        }
    }
    if keep < rows {
        ws.write_string_with_format(keep as u32 + 1, 0, more_rows_note(rows - keep), &f.note)?;
    }
    for c in 0..names.len() {
        ws.set_column_width(c as u16, iterations_width(c))?;
    }
    Ok(())
}

/// The note below the last row of a sheet cut at Excel's limit.
fn more_rows_note(more: usize) -> String {
    format!("{more} more rows are in iterations.csv: Excel holds at most {MAX_ROWS} rows")
}

/// The base case's figures, as the sheet's formulas compute them (for cached results).
struct Base {
    care_cost: f64,
    coping: f64,
    barely_mult: f64,
    chaotic_mult: f64,
    thriving_mult: f64,
}

impl Base {
    fn unit_costs(&self) -> [f64; 4] {
        let barely = self.coping * self.barely_mult;
        [
            barely * self.chaotic_mult,
            barely,
            self.coping,
            self.coping * self.thriving_mult,
        ]
    }
}

/// The yearly discount rates of a schedule: to year 30, to 75, to 125, after.
fn rates(discount: &Discount) -> [f64; 4] {
    [
        discount.rate(1),
        discount.rate(31),
        discount.rate(76),
        discount.rate(126),
    ]
}

// One year is one column: the year's index reads several series at once.
#[allow(clippy::too_many_lines, clippy::needless_range_loop)]
fn fixed_sheet(ws: &mut Worksheet, s: &Source, f: &Formats, cached: bool) -> Result<(), XlsxError> {
    // A formula with its result stored (so the sheet shows numbers before recalculation).
    let live = |formula: String, result: String| {
        let formula = Formula::new(formula);
        if cached {
            formula.set_result(result)
        } else {
            formula
        }
    };
    ws.set_name(FIXED_SHEET)?;
    let sc = &s.scenario;
    let run = engine::run(
        sc,
        RunOptions {
            iterations: 1,
            seed: sc.seed,
            fixed: true,
        },
        &|| {},
    );
    let Some(it) = run.iterations.first() else {
        return Ok(());
    };
    let means = sc.params.means();
    let uc = &sc.baseline.unit_costs;
    let base = Base {
        care_cost: means.get(sc.baseline.care_cost),
        coping: means.get(uc.coping),
        barely_mult: means.get(uc.barely_coping_multiplier),
        chaotic_mult: means.get(uc.chaotic_multiplier),
        thriving_mult: means.get(uc.thriving_multiplier),
    };
    let years = sc.years as usize;
    ws.write_string_with_format(0, 0, "Fixed base case with live formulas", &f.title)?;
    ws.write_string_with_format(
        1,
        0,
        "Every input at its mean, expected counts (prevsim run --fixed). Yellow cells are inputs: change one and every cost, saving, present value, BCR and payback below follows. Counts of children are the model's; costs are formulas.",
        &f.note,
    )?;
    // Inputs: rows 3.. (0-based), values in column B.
    let r = rates(&sc.discount);
    let inputs: [(&str, f64, &Format); 9] = [
        ("Discount rate, years 1-30", r[0], &f.input_pct),
        ("Discount rate, years 31-75", r[1], &f.input_pct),
        ("Discount rate, years 76-125", r[2], &f.input_pct),
        ("Discount rate, years 126-200", r[3], &f.input_pct),
        ("Care cost per child-year (£)", base.care_cost, &f.input),
        (
            "Coping-family child, cost a year (£)",
            base.coping,
            &f.input,
        ),
        (
            "Barely coping multiplier (x coping)",
            base.barely_mult,
            &f.input,
        ),
        (
            "Chaotic multiplier (x barely coping)",
            base.chaotic_mult,
            &f.input,
        ),
        (
            "Thriving multiplier (x coping)",
            base.thriving_mult,
            &f.input,
        ),
    ];
    ws.write_string_with_format(3, 0, "Inputs", &f.bold)?;
    let first_input = 4u32;
    for (k, (label, value, fmt)) in inputs.iter().enumerate() {
        let row = first_input + k as u32;
        ws.write_string(row, 0, *label)?;
        let fmt = if k >= 6 {
            &Format::new()
                .set_num_format("0.00")
                .set_background_color(Color::RGB(0x00FF_F2CC))
        } else {
            *fmt
        };
        ws.write_number_with_format(row, 1, *value, fmt)?;
    }
    let rate_cell = |k: u32| cell(first_input + k, 1, true);
    let care_cell = cell(first_input + 4, 1, true);
    let (coping, barely_m, chaotic_m, thriving_m) = (
        cell(first_input + 5, 1, true),
        cell(first_input + 6, 1, true),
        cell(first_input + 7, 1, true),
        cell(first_input + 8, 1, true),
    );
    // Unit costs per state, as formulas (the Peterborough ladder).
    let uc_row = first_input + 10;
    ws.write_string_with_format(uc_row, 0, "Unit costs a child-year (formulas)", &f.bold)?;
    let ucv = base.unit_costs();
    let uc_formulas = [
        format!("={coping}*{barely_m}*{chaotic_m}"),
        format!("={coping}*{barely_m}"),
        format!("={coping}"),
        format!("={coping}*{thriving_m}"),
    ];
    let mut uc_cells = Vec::new();
    for st in 0..4 {
        let row = uc_row + 1 + st as u32;
        ws.write_string(row, 0, format!("{} (£)", STATES[st].replace('_', " ")))?;
        ws.write_formula_with_format(
            row,
            1,
            live(uc_formulas[st].clone(), ucv[st].to_string()),
            &f.money,
        )?;
        uc_cells.push(cell(row, 1, true));
    }
    // Year header.
    let mut row = uc_row + 6;
    let first_col: u16 = 2;
    let last_col = first_col + years as u16 - 1;
    ws.write_string_with_format(row, 0, "Year", &f.header)?;
    ws.write_string_with_format(row, 1, "Total / result", &f.header)?;
    for t in 0..years {
        ws.write_number_with_format(row, first_col + t as u16, (t + 1) as f64, &f.header)?;
    }
    let year_row = row;
    ws.set_freeze_panes(year_row + 1, 2)?;
    row += 1;
    // Discount rate and factor rows (shared by every intervention).
    let factors = sc.discount.factors(sc.years);
    let rate_row = row;
    ws.write_string(rate_row, 0, "discount rate applied this year")?;
    let df_row = row + 1;
    ws.write_string(df_row, 0, "discount factor")?;
    for t in 0..years {
        let c = first_col + t as u16;
        let y = cell(year_row, c, false);
        let rate_f = format!(
            "=IF({y}<=1,0,IF({y}<=31,{},IF({y}<=76,{},IF({y}<=126,{},{}))))",
            rate_cell(0),
            rate_cell(1),
            rate_cell(2),
            rate_cell(3)
        );
        let rate_v = if t == 0 {
            0.0
        } else {
            sc.discount.rate(t as u32)
        };
        ws.write_formula_with_format(
            rate_row,
            c,
            live(rate_f.to_string(), rate_v.to_string()),
            &f.pct,
        )?;
        let df_f = if t == 0 {
            format!("=1/(1+{})", cell(rate_row, c, false))
        } else {
            format!(
                "={}/(1+{})",
                cell(df_row, c - 1, false),
                cell(rate_row, c, false)
            )
        };
        ws.write_formula_with_format(
            df_row,
            c,
            live(df_f.to_string(), factors[t].to_string()),
            &f.factor,
        )?;
    }
    row = df_row + 2;
    let df_range = |_: ()| {
        format!(
            "{}:{}",
            cell(df_row, first_col, true),
            cell(df_row, last_col, true)
        )
    };
    let df_range = df_range(());
    // The baseline's counts are the same for every intervention: write them once.
    let base_years = &it.baseline;
    let count_rows = |ws: &mut Worksheet,
                      row: &mut u32,
                      label: &str,
                      years: &[engine::YearRecord]|
     -> Result<(u32, [u32; 4]), XlsxError> {
        let care_row = *row;
        ws.write_string(care_row, 0, format!("{label}: children in care"))?;
        for (t, y) in years.iter().enumerate() {
            ws.write_number_with_format(
                care_row,
                first_col + t as u16,
                y.children_in_care,
                &f.number,
            )?;
        }
        let mut home_rows = [0u32; 4];
        for st in 0..4 {
            let r = care_row + 1 + st as u32;
            home_rows[st] = r;
            ws.write_string(
                r,
                0,
                format!(
                    "{label}: children at home, {} families",
                    STATES[st].replace('_', " ")
                ),
            )?;
            for (t, y) in years.iter().enumerate() {
                let children = if ucv[st] == 0.0 {
                    0.0
                } else {
                    y.cost_at_home[st] / ucv[st]
                };
                ws.write_number_with_format(r, first_col + t as u16, children, &f.number)?;
            }
        }
        *row = care_row + 5;
        Ok((care_row, home_rows))
    };
    let cost_formula = |t: usize, care_row: u32, home_rows: &[u32; 4], kept: Option<u32>| {
        let c = first_col + t as u16;
        let mut f = format!("={}*{care_cell}", cell(care_row, c, false));
        for st in 0..4 {
            f.push_str(&format!(
                "+{}*{}",
                cell(home_rows[st], c, false),
                uc_cells[st]
            ));
        }
        if let Some(k) = kept {
            f.push_str(&format!("+{}", cell(k, c, false)));
        }
        f
    };
    ws.write_string_with_format(row, 0, "Baseline", &f.bold)?;
    row += 1;
    let (b_care, b_home) = count_rows(ws, &mut row, "baseline", base_years)?;
    let b_cost_row = row;
    ws.write_string(b_cost_row, 0, "baseline: cost of services")?;
    for (t, y) in base_years.iter().enumerate() {
        ws.write_formula_with_format(
            b_cost_row,
            first_col + t as u16,
            live(cost_formula(t, b_care, &b_home, None), y.cost().to_string()),
            &f.money,
        )?;
    }
    row += 2;
    for (k, lever) in sc.interventions.iter().enumerate() {
        let Some(arm) = it.interventions.get(k) else {
            continue;
        };
        ws.write_string_with_format(row, 0, &lever.name, &f.bold)?;
        row += 1;
        let label = "intervention";
        let (i_care, i_home) = count_rows(ws, &mut row, label, &arm.years)?;
        // Children kept out of care: their cost at home, a formula when it is a state's cost.
        let kept_row = row;
        let home_state = match lever.keep_out_of_care.as_ref().map(|k| &k.home_cost) {
            Some(HomeCost::State(st)) => Some(*st),
            _ => None,
        };
        ws.write_string(
            kept_row,
            0,
            format!("{label}: cost at home of children kept out of care"),
        )?;
        for (t, y) in arm.years.iter().enumerate() {
            let c = first_col + t as u16;
            match home_state {
                Some(st) if ucv[st] != 0.0 => {
                    let children = y.cost_kept_out / ucv[st];
                    ws.write_formula_with_format(
                        kept_row,
                        c,
                        live(
                            format!("={children}*{}", uc_cells[st]),
                            y.cost_kept_out.to_string(),
                        ),
                        &f.money,
                    )?;
                }
                _ => {
                    ws.write_number_with_format(kept_row, c, y.cost_kept_out, &f.money)?;
                }
            }
        }
        let cost_row = kept_row + 1;
        let gross_row = cost_row + 1;
        let prog_row = gross_row + 1;
        let net_row = prog_row + 1;
        let disc_row = net_row + 1;
        let cum_row = disc_row + 1;
        let paid_row = cum_row + 1;
        ws.write_string(cost_row, 0, format!("{label}: cost of services"))?;
        ws.write_string(gross_row, 0, "gross saving (baseline minus intervention)")?;
        ws.write_string(prog_row, 0, "programme cost (optimism bias included)")?;
        ws.write_string(net_row, 0, "net saving")?;
        ws.write_string(disc_row, 0, "discounted net saving")?;
        ws.write_string(cum_row, 0, "cumulative net saving (undiscounted)")?;
        ws.write_string(paid_row, 0, "paid back by the end of year")?;
        let mut cumulative = 0.0;
        let mut payback: Option<usize> = None;
        let mut gross_pv = 0.0;
        let mut prog_pv = 0.0;
        for t in 0..years {
            let c = first_col + t as u16;
            let y = &arm.years[t];
            let b = &base_years[t];
            let gross = y.saving_against(b);
            let prog = arm.programme_cost.get(t).copied().unwrap_or(0.0);
            let net = gross - prog;
            cumulative += net;
            if payback.is_none() && cumulative > 0.0 {
                payback = Some(t);
            }
            gross_pv += gross * factors[t];
            prog_pv += prog * factors[t];
            let at = |r: u32| cell(r, c, false);
            ws.write_formula_with_format(
                cost_row,
                c,
                live(
                    cost_formula(t, i_care, &i_home, Some(kept_row)),
                    y.cost().to_string(),
                ),
                &f.money,
            )?;
            ws.write_formula_with_format(
                gross_row,
                c,
                live(
                    format!("={}-{}", at(b_cost_row), at(cost_row)),
                    gross.to_string(),
                ),
                &f.money,
            )?;
            ws.write_number_with_format(prog_row, c, prog, &f.money)?;
            ws.write_formula_with_format(
                net_row,
                c,
                live(
                    format!("={}-{}", at(gross_row), at(prog_row)),
                    net.to_string(),
                ),
                &f.money,
            )?;
            ws.write_formula_with_format(
                disc_row,
                c,
                live(
                    format!("={}*{}", at(net_row), at(df_row)),
                    (net * factors[t]).to_string(),
                ),
                &f.money,
            )?;
            let cum_f = if t == 0 {
                format!("={}", at(net_row))
            } else {
                format!("={}+{}", cell(cum_row, c - 1, false), at(net_row))
            };
            ws.write_formula_with_format(
                cum_row,
                c,
                live(cum_f.to_string(), cumulative.to_string()),
                &f.money,
            )?;
            let paid = if cumulative > 0.0 {
                (t + 1).to_string()
            } else {
                String::new()
            };
            ws.write_formula(
                paid_row,
                c,
                live(
                    format!("=IF({}>0,{},\"\")", at(cum_row), at(year_row)),
                    paid,
                ),
            )?;
        }
        // Results in column B.
        let range = |r: u32| format!("{}:{}", cell(r, first_col, false), cell(r, last_col, false));
        let results_row = paid_row + 1;
        let net_pv = gross_pv - prog_pv;
        let labels = [
            "gross saving, present value",
            "programme cost, present value",
            "net saving, present value",
            "benefit-cost ratio (gross saving PV / programme cost PV)",
            "payback year (first year the cumulative net saving is above £0)",
        ];
        for (k, l) in labels.iter().enumerate() {
            ws.write_string_with_format(results_row + k as u32, 0, *l, &f.bold)?;
        }
        ws.write_formula_with_format(
            results_row,
            1,
            live(
                format!("=SUMPRODUCT({},{df_range})", range(gross_row)),
                gross_pv.to_string(),
            ),
            &f.money,
        )?;
        ws.write_formula_with_format(
            results_row + 1,
            1,
            live(
                format!("=SUMPRODUCT({},{df_range})", range(prog_row)),
                prog_pv.to_string(),
            ),
            &f.money,
        )?;
        ws.write_formula_with_format(
            results_row + 2,
            1,
            live(
                format!(
                    "={}-{}",
                    cell(results_row, 1, false),
                    cell(results_row + 1, 1, false)
                ),
                net_pv.to_string(),
            ),
            &f.money,
        )?;
        let bcr = if prog_pv > 0.0 {
            (gross_pv / prog_pv).to_string()
        } else {
            "n/a".to_string()
        };
        ws.write_formula_with_format(
            results_row + 3,
            1,
            live(
                format!(
                    "=IF({p}>0,{g}/{p},\"n/a\")",
                    g = cell(results_row, 1, false),
                    p = cell(results_row + 1, 1, false)
                ),
                bcr,
            ),
            &f.ratio,
        )?;
        ws.write_formula(
            results_row + 4,
            1,
            live(
                format!("=IF(COUNT({r})=0,\"never\",MIN({r}))", r = range(paid_row)),
                payback.map_or_else(|| "never".to_string(), |t| (t + 1).to_string()),
            ),
        )?;
        row = results_row + 6;
    }
    ws.set_column_width(0, 58)?;
    ws.set_column_width(1, 18)?;
    for t in 0..years {
        ws.set_column_width(first_col + t as u16, 14)?;
    }
    Ok(())
}

/// The workbook's bytes.
///
/// # Errors
/// rust_xlsxwriter refuses something (a bug: every value written is checked here).
pub fn workbook(
    s: &Source,
    register: &[Entry],
    claim_rows: &[ClaimRow],
) -> Result<Vec<u8>, XlsxError> {
    finish(start(&s.iterations)?, s, register, claim_rows)
}

/// The workbook's Iterations sheet, made ahead (see [`start`]): its rows as XML, deflated in
/// pieces, ready to be put in the archive [`finish`] makes around it.
#[derive(Debug, Clone)]
pub struct Started {
    /// The `<sheetData>` element's content: the header row, the rows, the note if any.
    rows: Deflated,
    /// The `<dimension>` element's range (`A1:AF100001`).
    dimension: String,
    columns: usize,
    /// Whether the sheet ends with the note of rows past Excel's limit.
    note: bool,
}

/// Style indices of the Iterations sheet's cells: [`finish`] registers the header's and the
/// note's formats first, as rust_xlsxwriter numbered them when this sheet was written first in
/// constant-memory mode (0 is the default style). `Workbook::register_format` is public but
/// hidden from rust_xlsxwriter's documentation; the tests that compare the workbook with
/// rust_xlsxwriter's own, entry by entry, would catch a change in it.
const HEADER_XF: u32 = 1;
const NOTE_XF: u32 = 2;

/// The sheet's part in the archive: the sixth sheet.
const ITERATIONS_PART: &str = "xl/worksheets/sheet6.xml";

/// Excel's columns (A to XFD).
const MAX_COLUMNS: usize = 16_384;

/// Excel's longest text in a cell, in UTF-16 units.
const MAX_TEXT: usize = 32_767;

/// Data rows of the sheet per piece deflated on its own: about 1 MiB of XML (about 40 bytes a
/// cell). It depends on the columns only, so the pieces, and the bytes, are the same with any
/// number of threads.
fn rows_per_piece(columns: usize) -> usize {
    ((1 << 20) / (40 * columns.max(1))).clamp(16, 1 << 16)
}

/// Whether `b[i..]` starts with a literal escape `_xHHHH_` (four hex digits).
fn escape_at(b: &[u8], i: usize) -> bool {
    b.len() >= i + 7
        && b[i] == b'_'
        && b[i + 1] == b'x'
        && b[i + 6] == b'_'
        && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
}

/// Characters rust_xlsxwriter escapes in a cell's text: XML's three, control characters but
/// tab and newline (as `_xHHHH_`), and the two non-characters.
fn special(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Text as rust_xlsxwriter escapes it in a cell: a literal `_xHHHH_` gets its underscore
/// escaped (`_x005F_xHHHH_`), then the [`special`] characters.
fn escape_text(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    let b = text.as_bytes();
    if !text.contains(special) && !(0..b.len()).any(|i| escape_at(b, i)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if escape_at(b, i) {
            out.push_str("_x005F");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if special(c) => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes rows of the Iterations sheet as rust_xlsxwriter writes them in constant-memory mode:
/// `<row r="N">` without spans, cells in column order, numbers with zmij, text inline, blanks
/// left out.
struct SheetXml<'a> {
    letters: &'a [String],
    number: zmij::Buffer,
    row: itoa::Buffer,
    /// Lowest and highest column written, highest row (0-based), as rust_xlsxwriter counts
    /// them for `<dimension>`.
    first_col: usize,
    last_col: usize,
    last_row: Option<u32>,
    too_long: bool,
}

impl SheetXml<'_> {
    fn cell_ref(&mut self, out: &mut Vec<u8>, row: u32, col: usize, xf: u32) {
        out.extend_from_slice(b"<c r=\"");
        out.extend_from_slice(self.letters[col].as_bytes());
        out.extend_from_slice(self.row.format(row + 1).as_bytes());
        if xf > 0 {
            out.extend_from_slice(b"\" s=\"");
            out.extend_from_slice(self.row.format(xf).as_bytes());
        }
        out.push(b'"');
        self.first_col = self.first_col.min(col);
        self.last_col = self.last_col.max(col);
        self.last_row = Some(self.last_row.map_or(row, |r| r.max(row)));
    }

    fn text(&mut self, out: &mut Vec<u8>, row: u32, col: usize, text: &str, xf: u32) {
        if text.is_empty() {
            return;
        }
        if text.encode_utf16().count() > MAX_TEXT {
            self.too_long = true;
            return;
        }
        self.cell_ref(out, row, col, xf);
        let ws = |c: char| matches!(c, '\t' | '\n' | ' ');
        let preserve = text.starts_with(ws) || text.ends_with(ws);
        out.extend_from_slice(if preserve {
            b" t=\"inlineStr\"><is><t xml:space=\"preserve\">".as_slice()
        } else {
            b" t=\"inlineStr\"><is><t>".as_slice()
        });
        out.extend_from_slice(escape_text(text).as_bytes());
        out.extend_from_slice(b"</t></is></c>");
    }

    fn cell(&mut self, out: &mut Vec<u8>, row: u32, col: usize, cell: Cell<'_>) {
        match cell {
            Cell::Number(x) if x.is_finite() => {
                self.cell_ref(out, row, col, 0);
                out.extend_from_slice(b"><v>");
                out.extend_from_slice(self.number.format_finite(x).as_bytes());
                out.extend_from_slice(b"</v></c>");
            }
            Cell::Number(x) => self.text(out, row, col, &x.to_string(), 0),
            Cell::Text(text) => self.text(out, row, col, text, 0),
            Cell::Blank => {}
        }
    }

    /// A row: left out when it has no cell.
    fn row(&mut self, out: &mut Vec<u8>, row: u32, cells: impl FnOnce(&mut Self, &mut Vec<u8>)) {
        let at = out.len();
        out.extend_from_slice(b"<row r=\"");
        out.extend_from_slice(self.row.format(row + 1).as_bytes());
        out.extend_from_slice(b"\">");
        let open = out.len();
        cells(self, out);
        if out.len() == open {
            out.truncate(at);
        } else {
            out.extend_from_slice(b"</row>");
        }
    }
}

/// Makes a workbook's Iterations sheet: its rows written as XML and deflated in pieces of
/// [`rows_per_piece`] rows, in parallel (rayon). The XML is the one rust_xlsxwriter's
/// constant-memory mode writes (a test compares them), and the rows stop at Excel's limit with
/// a note of how many more `iterations.csv` holds. A run makes it while it summarises; it needs
/// only the iterations.
///
/// # Errors
/// More columns than Excel has, or a text longer than Excel takes.
pub fn start(t: &Iterations) -> Result<Started, XlsxError> {
    start_in_pieces(t, rows_per_piece(t.header().len()))
}

/// [`start`] with `per` rows a piece (for the tests: many pieces from few rows).
///
/// # Errors
/// As [`start`].
#[doc(hidden)]
pub fn start_in_pieces(t: &Iterations, per: usize) -> Result<Started, XlsxError> {
    let names = t.header();
    let columns = names.len();
    if columns > MAX_COLUMNS {
        return Err(XlsxError::RowColumnLimitError);
    }
    let per = per.max(1);
    let letters: Vec<String> = (0..columns)
        .map(|c| rust_xlsxwriter::utility::column_number_to_name(c as u16))
        .collect();
    let rows = t.rows();
    let keep = iterations_kept(rows);
    let pieces = keep.div_ceil(per).max(1);
    let (deflated, marks) = Deflated::in_parallel(pieces, u32::from(ZIP_LEVEL), |k, out| {
        let mut x = SheetXml {
            letters: &letters,
            number: zmij::Buffer::new(),
            row: itoa::Buffer::new(),
            first_col: usize::MAX,
            last_col: 0,
            last_row: None,
            too_long: false,
        };
        if k == 0 {
            x.row(out, 0, |x, out| {
                for (c, name) in names.iter().enumerate() {
                    x.text(out, 0, c, name, HEADER_XF);
                }
            });
        }
        for r in k * per..((k + 1) * per).min(keep) {
            let row = r as u32 + 1;
            x.row(out, row, |x, out| {
                for c in 0..columns {
                    x.cell(out, row, c, t.cell(r, c));
                }
            });
        }
        if k + 1 == pieces && keep < rows {
            let row = keep as u32 + 1;
            x.row(out, row, |x, out| {
                x.text(out, row, 0, &more_rows_note(rows - keep), NOTE_XF);
            });
        }
        (x.first_col, x.last_col, x.last_row, x.too_long)
    });
    if marks.iter().any(|m| m.3) {
        return Err(XlsxError::MaxStringLengthExceeded);
    }
    let first_col = marks.iter().map(|m| m.0).min().unwrap_or(usize::MAX);
    let last_col = marks.iter().map(|m| m.1).max().unwrap_or(0);
    let last_row = marks.iter().filter_map(|m| m.2).max();
    let dimension = match last_row {
        Some(last_row) => {
            rust_xlsxwriter::utility::cell_range(0, first_col as u16, last_row, last_col as u16)
        }
        None => "A1".to_string(),
    };
    Ok(Started {
        rows: deflated,
        dimension,
        columns,
        note: keep < rows,
    })
}

/// The workbook's bytes: every other sheet made around the started Iterations sheet, in order.
///
/// rust_xlsxwriter makes the workbook with the Iterations sheet's frame (name, frozen header,
/// column widths, no cells); then the archive is copied entry by entry with the frame's XML
/// replaced by the sheet's: its head up to `<sheetData>` (the dimension set), the rows made
/// by [`start`], its tail.
///
/// # Errors
/// rust_xlsxwriter refuses something (a bug: every value written is checked here).
pub fn finish(
    started: Started,
    s: &Source,
    register: &[Entry],
    claim_rows: &[ClaimRow],
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    // The Iterations sheet's formats first: the style indices its XML was written with.
    wb.register_format(&f.header);
    if started.note {
        wb.register_format(&f.note);
    }
    other_sheets(&mut wb, s, register, claim_rows, &f, |wb| {
        iterations_frame(wb.add_worksheet(), started.columns)
    })?;
    wb.set_zip_compression_level(ZIP_LEVEL);
    let archive = wb.save_to_buffer()?;
    let Started {
        rows, dimension, ..
    } = started;
    sheet_zip::replace(&archive, ITERATIONS_PART, |frame| {
        let frame =
            String::from_utf8(frame).map_err(|e| sheet_zip::ZipError::new(e.to_string()))?;
        let (Some(dim), Some(data)) = (
            frame.find("<dimension ref=\"A1\"/>"),
            frame.find("<sheetData/>"),
        ) else {
            return Err(sheet_zip::ZipError::new(format!(
                "{ITERATIONS_PART} is not the Iterations sheet's frame"
            )));
        };
        let head = format!(
            "{}<dimension ref=\"{dimension}\"/>{}<sheetData>",
            &frame[..dim],
            &frame[dim + "<dimension ref=\"A1\"/>".len()..data]
        );
        let tail = format!("</sheetData>{}", &frame[data + "<sheetData/>".len()..]);
        Ok(rows.framed(head.as_bytes(), tail.as_bytes(), u32::from(ZIP_LEVEL)))
    })
    .map_err(|e| XlsxError::IoError(std::io::Error::other(e)))
}

/// The document's properties and every sheet but Iterations, in order; `iterations` adds the
/// Iterations sheet in its place.
fn other_sheets(
    wb: &mut Workbook,
    s: &Source,
    register: &[Entry],
    claim_rows: &[ClaimRow],
    f: &Formats,
    iterations: impl FnOnce(&mut Workbook) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let created = &s.manifest.created_utc;
    let when = ExcelDateTime::parse_from_str(created.trim_end_matches('Z'))
        .or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(s.data.display_name())
            .set_author(format!("prevsim {}", s.manifest.prevsim_version))
            .set_creation_datetime(&when),
    );
    summary(wb.add_worksheet(), s, f)?;
    yearly(wb.add_worksheet(), s, f)?;
    agencies(wb.add_worksheet(), s, f)?;
    assumptions(wb.add_worksheet(), register, f)?;
    claims(wb.add_worksheet(), claim_rows, f)?;
    iterations(wb)?;
    fixed_sheet(wb.add_worksheet(), s, f, true)?;
    Ok(())
}

/// The workbook made by rust_xlsxwriter alone, its Iterations sheet written cell by cell in
/// constant-memory mode (through a temporary file) and the whole archive deflated on one
/// core, as prevsim made it before [`start`]: the reference the tests compare [`workbook`]
/// with, entry by entry.
///
/// # Errors
/// rust_xlsxwriter refuses something, or its temporary file cannot be made.
#[doc(hidden)]
pub fn reference_workbook(
    s: &Source,
    register: &[Entry],
    claim_rows: &[ClaimRow],
) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let mut sheet = wb.new_worksheet_with_constant_memory()?;
    iterations_reference(&mut sheet, &s.iterations, &f)?;
    other_sheets(&mut wb, s, register, claim_rows, &f, |wb| {
        wb.push_worksheet(sheet);
        Ok(())
    })?;
    wb.set_zip_compression_level(ZIP_LEVEL);
    wb.save_to_buffer()
}

/// A workbook of the fixed-mode sheet alone; with `cached = false` its formulas carry no
/// stored results, so a spreadsheet that shows numbers has computed them (the tests
/// recalculate it with LibreOffice).
///
/// # Errors
/// rust_xlsxwriter refuses something (a bug).
pub fn fixed_mode_workbook(s: &Source, cached: bool) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    fixed_sheet(wb.add_worksheet(), s, &f, cached)?;
    wb.save_to_buffer()
}
