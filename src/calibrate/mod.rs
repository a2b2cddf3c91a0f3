//! `prevsim calibrate`: fits a scenario's care inputs to an area's published figures.
//!
//! **Method: sampling-importance resampling (SIR) with a negative binomial count likelihood.**
//! Each of `particles` particles draws every input from the scenario (the fitted inputs'
//! distributions are their priors; other uncertain inputs are drawn too, so their uncertainty
//! is carried through). The baseline arm's own simulation ([`engine::simulate`], the same
//! binomial draws as `prevsim run`) then runs `replicates` times per particle over the
//! calibration window, with common random numbers: replicate `r` uses the same streams for
//! every particle, so particles differ by their inputs, not by luck. The particle's likelihood
//! is the product, over the observed points, of a negative binomial probability of the published
//! count with the mean of the replicates' simulated counts as its mean and `dispersion` as its
//! size. `draws` posterior draws are resampled in proportion to the likelihood (systematic
//! resampling) and each is simulated once more, on fresh streams, for the calibrated band.
//!
//! **The window.** Fitting years `F..=L` runs the baseline from 31 March `F - 1`: children in
//! care start at the published count of that date when there is one, else at
//! `looked after(F) - started(F) + ceased(F)` (the count that accounts for year F's flows).
//! Model year `t` is the published year `F + t`: its starts and ceases are the year's flows,
//! its looked-after count the stock at the start of model year `t + 1`. Unpublished years in the
//! window (2011-2019 for councils) are simulated but not fitted.
//!
//! **Reproducibility.** Every random number comes from a stream keyed by (seed, particle or
//! draw, year, event); particles run in parallel and are collected in order, and sums are taken
//! in order, so outputs are byte-identical with any number of threads.

pub mod output;
pub mod reality;

use rayon::prelude::*;

use crate::area::{Area, AreaError, Areas};
use crate::engine::{ArmInputs, Draws, Sampled, simulate};
use crate::params::Values;
use crate::rng::{self, Event, SETUP_YEAR};
use crate::scenario::Scenario;
use crate::scenario::calibration::Calibration;

/// Why a calibration could not run.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error(
        "{0} has no [calibration] block: add one naming the area and the inputs to fit (`prevsim new NAME --area AREA` writes a scenario with one)"
    )]
    NoBlock(String),
    #[error("{0}")]
    Area(#[from] AreaError),
    #[error("{0}")]
    Window(String),
    #[error("cannot write the calibration to {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw the calibration chart: {0}")]
    Chart(String),
}

/// One published figure the model is fitted to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Year ending 31 March.
    pub year: i32,
    /// One of `looked_after`, `started`, `ceased`.
    pub series: &'static str,
    pub observed: f64,
    /// True when the point is in the likelihood (its series is in `series`); the others are
    /// shown beside the calibrated model as a check.
    pub fitted: bool,
}

/// The calibration window: the years simulated and the starting count.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// First and last published year fitted.
    pub first: i32,
    pub last: i32,
    /// Children in care at 31 March `first - 1`.
    pub start_stock: f64,
    /// Where the starting count comes from, in words.
    pub start_note: String,
    /// The published figures fitted, in year then series order.
    pub points: Vec<Point>,
}

impl Window {
    /// Model years simulated: one per published year, plus one for the last year's stock.
    pub fn horizon(&self) -> u32 {
        (self.last - self.first + 2) as u32
    }
}

/// The window of a calibration block for an area.
///
/// # Errors
/// No figure is published in the years, or the starting count cannot be worked out.
pub fn window(area: &Area, cal: &Calibration) -> Result<Window, CalibrateError> {
    let (mut first, last) = cal.years;
    // Start at the first year with a published figure of a fitted series.
    let observed = |y: i32| {
        let f = area.figures(y);
        cal.series.iter().any(|s| series_value(&f, s).is_some())
    };
    while first <= last && !observed(first) {
        first += 1;
    }
    if first > last {
        return Err(CalibrateError::Window(format!(
            "{} publishes none of the series {} in {}-{}; `prevsim area \"{}\"` shows its years",
            area.name,
            cal.series.join(", "),
            cal.years.0,
            cal.years.1,
            area.name
        )));
    }
    let before = area.figures(first - 1).looked_after;
    let f = area.figures(first);
    let (start_stock, start_note) = match (before, f.looked_after, f.started, f.ceased) {
        (Some(b), ..) => (b, format!("published count at 31 March {}", first - 1)),
        (None, Some(l), Some(s), Some(c)) => (
            (l - s + c).max(0.0),
            format!(
                "worked out for 31 March {}: looked after at 31 March {first} ({l}) - started ({s}) + ceased ({c}) in the year",
                first - 1
            ),
        ),
        _ => {
            return Err(CalibrateError::Window(format!(
                "cannot start the calibration in {first}: {} publishes neither the count at 31 March {} nor all of looked after, started and ceased for {first}; start `years` at another year",
                area.name,
                first - 1
            )));
        }
    };
    let mut points = Vec::new();
    for year in first..=last {
        let f = area.figures(year);
        for s in crate::scenario::calibration::SERIES {
            if let Some(v) = series_value(&f, s) {
                points.push(Point {
                    year,
                    series: s,
                    observed: v,
                    fitted: cal.series.contains(&s),
                });
            }
        }
    }
    Ok(Window {
        first,
        last,
        start_stock,
        start_note,
        points,
    })
}

/// A series' figure in a year's published figures.
pub fn series_value(f: &crate::area::Figures, series: &str) -> Option<f64> {
    match series {
        "looked_after" => f.looked_after,
        "started" => f.started,
        "ceased" => f.ceased,
        _ => None,
    }
}

/// Draws that also count the children who leave and enter care each year.
pub struct Counting<'a, D: Draws> {
    pub inner: &'a mut D,
    /// Children leaving care in each model year.
    pub ceased: Vec<f64>,
    /// Children entering care in each model year.
    pub started: Vec<f64>,
}

impl<'a, D: Draws> Counting<'a, D> {
    pub fn new(inner: &'a mut D, years: u32) -> Self {
        Counting {
            inner,
            ceased: vec![0.0; years as usize],
            started: vec![0.0; years as usize],
        }
    }
}

impl<D: Draws> Counting<'_, D> {
    /// Adds a drawn flow to the year's starts or ceases.
    fn record(&mut self, x: f64, year: u32, event: Event) {
        match event {
            Event::CareExit => self.ceased[year as usize] += x,
            Event::CareEntry(_) | Event::GroupEntry { .. } => {
                self.started[year as usize] += x;
            }
            _ => {}
        }
    }
}

impl<D: Draws> Draws for Counting<'_, D> {
    fn binomial(&mut self, n: f64, p: f64, year: u32, event: Event) -> f64 {
        let x = self.inner.binomial(n, p, year, event);
        self.record(x, year, event);
        x
    }

    fn count(&mut self, x: f64, year: u32, event: Event) -> f64 {
        self.inner.count(x, year, event)
    }

    fn whole(&self) -> bool {
        self.inner.whole()
    }

    fn apportion(&mut self, total: f64, weights: &[f64], out: &mut [f64], year: u32, event: Event) {
        self.inner.apportion(total, weights, out, year, event)
    }

    fn split(&mut self, k: f64, sizes: &[f64], year: u32, event: Event) -> Vec<f64> {
        self.inner.split(k, sizes, year, event)
    }

    fn binomial_split(
        &mut self,
        n: f64,
        p: f64,
        sizes: &[f64],
        out: &mut [f64],
        year: u32,
        event: Event,
    ) -> f64 {
        let x = self.inner.binomial_split(n, p, sizes, out, year, event);
        self.record(x, year, event);
        x
    }
}

/// The baseline's simulated figure for every point, in the window's order.
pub fn simulate_points<D: Draws>(
    scenario: &Scenario,
    values: &Values,
    window: &Window,
    draws: &mut D,
) -> Vec<f64> {
    let mut arm = ArmInputs::baseline(&scenario.baseline, values);
    arm.children_in_care = window.start_stock;
    let years = window.horizon();
    let mut counting = Counting::new(draws, years);
    let records = simulate(&arm, years, &mut counting);
    window
        .points
        .iter()
        .map(|p| {
            let t = (p.year - window.first) as usize;
            match p.series {
                "looked_after" => records[t + 1].children_in_care,
                "started" => counting.started[t],
                _ => counting.ceased[t],
            }
        })
        .collect()
}

/// For each point of the count looked after, the variance the model's own binomial flows give
/// it (`None` for the flows themselves, whose variance is about their mean): with exit rate `e`,
/// starts `S` and ceases `C = e x stock`, `V(t) = (1 - e)^2 V(t - 1) + C(t) (1 - e) + S(t)`,
/// from 0 at the start, along the expected path.
pub fn stock_variance(scenario: &Scenario, values: &Values, window: &Window) -> Vec<Option<f64>> {
    let mut arm = ArmInputs::baseline(&scenario.baseline, values);
    arm.children_in_care = window.start_stock;
    let years = window.horizon();
    let mut expected = crate::engine::Expected;
    let mut counting = Counting::new(&mut expected, years);
    simulate(&arm, years, &mut counting);
    let e = arm.exit_rate;
    let mut v = Vec::with_capacity(years as usize);
    let mut last = 0.0;
    for t in 0..years as usize {
        last = (1.0 - e) * (1.0 - e) * last + counting.ceased[t] * (1.0 - e) + counting.started[t];
        v.push(last);
    }
    window
        .points
        .iter()
        .map(|p| (p.series == "looked_after").then(|| v[(p.year - window.first) as usize]))
        .collect()
}

/// Log of the negative binomial probability of `y` with mean `mu` and size `k`.
pub fn log_nb(y: f64, mu: f64, k: f64) -> f64 {
    use statrs::function::gamma::ln_gamma;
    let mu = mu.max(0.5);
    if k > 1e7 {
        // Poisson: the limit, without the cancellation of two huge log-gammas.
        return y * mu.ln() - mu - ln_gamma(y + 1.0);
    }
    ln_gamma(y + k) - ln_gamma(k) - ln_gamma(y + 1.0)
        + k * (k / (k + mu)).ln()
        + y * (mu / (k + mu)).ln()
}

/// Stream keys of a calibration: particles, the likelihood's replicates, resampling, the band.
const PARTICLES: u64 = 0xCA11_0001;
const REPLICATES: u64 = 0xCA11_0002;
const RESAMPLE: u64 = 0xCA11_0003;
const BAND: u64 = 0xCA11_0004;
const NOISE: u64 = 0xCA11_0005;

/// Range of the dispersion's log-uniform prior when the block does not set it: from counts
/// varying about 14% beyond Poisson noise (50) to about 0.7% (20,000).
pub const DISPERSION_RANGE: (f64, f64) = (50.0, 20_000.0);

/// A negative binomial count with mean `mu` and size `k`, drawn as a Poisson of a gamma.
pub fn negative_binomial<R: rand::Rng + ?Sized>(mu: f64, k: f64, rng: &mut R) -> f64 {
    use rand_distr::{Distribution, Gamma, Poisson};
    if mu <= 0.0 {
        return 0.0;
    }
    let lambda = Gamma::new(k, mu / k).map_or(mu, |g| g.sample(rng));
    if lambda <= 0.0 {
        return 0.0;
    }
    Poisson::new(lambda).map_or(lambda.round(), |p| p.sample(rng))
}

/// Everything a calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub area: String,
    pub window: Window,
    /// Names of the fitted inputs.
    pub inputs: Vec<String>,
    /// Each particle's value of each fitted input (particle-major).
    pub prior: Vec<Vec<f64>>,
    /// Each particle's log-likelihood.
    pub log_likelihood: Vec<f64>,
    /// Normalised importance weights.
    pub weights: Vec<f64>,
    /// The particle behind each posterior draw.
    pub resampled: Vec<usize>,
    /// Each posterior draw's simulated figure at every point (draw-major).
    pub band: Vec<Vec<f64>>,
    pub seed: u64,
    pub particles: usize,
    pub replicates: usize,
    /// Each particle's negative binomial size (all equal when the block sets it).
    pub dispersion: Vec<f64>,
}

impl Fit {
    /// Effective sample size of the importance weights: (sum w)^2 / sum w^2.
    pub fn ess(&self) -> f64 {
        1.0 / self.weights.iter().map(|w| w * w).sum::<f64>()
    }

    /// Distinct particles among the posterior draws, as a share of the draws: SIR's acceptance.
    pub fn acceptance(&self) -> f64 {
        let mut u = self.resampled.clone();
        u.sort_unstable();
        u.dedup();
        u.len() as f64 / self.resampled.len().max(1) as f64
    }

    /// The posterior draws of input `i`.
    pub fn posterior(&self, i: usize) -> Vec<f64> {
        self.resampled.iter().map(|&p| self.prior[p][i]).collect()
    }

    /// P5, P50, P95 of the calibrated model at each point.
    pub fn quantiles(&self) -> Vec<[f64; 3]> {
        (0..self.window.points.len())
            .map(|j| {
                let s = crate::stats::sorted(&self.band.iter().map(|b| b[j]).collect::<Vec<_>>());
                [0.05, 0.5, 0.95].map(|q| crate::stats::quantile_sorted(&s, q))
            })
            .collect()
    }

    /// Share of the observed points inside the calibrated P5-P95.
    pub fn coverage(&self) -> f64 {
        let q = self.quantiles();
        let inside = self
            .window
            .points
            .iter()
            .zip(&q)
            .filter(|(p, q)| p.observed >= q[0] && p.observed <= q[2])
            .count();
        inside as f64 / self.window.points.len().max(1) as f64
    }
}

/// Calibrates a scenario to the area its `[calibration]` block names.
///
/// # Errors
/// No block, an unknown area, or no published figures in the window.
pub fn calibrate(scenario: &Scenario) -> Result<Fit, CalibrateError> {
    let cal = scenario
        .calibration
        .as_ref()
        .ok_or_else(|| CalibrateError::NoBlock(scenario.path.display().to_string()))?;
    let areas = Areas::published().map_err(|e| CalibrateError::Window(e.to_string()))?;
    let area = areas.find(&cal.area)?;
    calibrate_to(scenario, cal, area)
}

/// Calibrates a scenario to an area's figures (tests give a synthetic area).
///
/// # Errors
/// No published figures in the window.
pub fn calibrate_to(
    scenario: &Scenario,
    cal: &Calibration,
    area: &Area,
) -> Result<Fit, CalibrateError> {
    if cal.fit.is_empty() {
        return Err(CalibrateError::Window(format!(
            "{}: [calibration] names no inputs to fit; add `fit = [\"care.exit_rate\", \"care.entry_scale\"]` (each with a distribution, its prior)",
            scenario.path.display()
        )));
    }
    let window = window(area, cal)?;
    let seed = cal.seed.unwrap_or(scenario.seed);
    let ids: Vec<_> = cal
        .fit
        .iter()
        .map(|n| {
            scenario
                .params
                .scalar_by_name(n)
                .map(|(id, _)| id)
                .ok_or_else(|| CalibrateError::Window(format!("the scenario has no input `{n}`")))
        })
        .collect::<Result<_, _>>()?;
    let results: Vec<(Values, f64, f64)> = (0..cal.particles as u64)
        .into_par_iter()
        .map(|i| {
            let mut stream = rng::stream(seed ^ PARTICLES, i, SETUP_YEAR, Event::Parameters);
            let values = scenario.params.draw(&mut stream);
            // The dispersion: as the block sets it, or drawn log-uniformly and fitted too.
            let k = cal.dispersion.unwrap_or_else(|| {
                let u: f64 = rand::RngExt::random(&mut stream);
                (DISPERSION_RANGE.0.ln() + u * (DISPERSION_RANGE.1 / DISPERSION_RANGE.0).ln()).exp()
            });
            let mut mean = vec![0.0; window.points.len()];
            for r in 0..cal.replicates as u64 {
                let mut draws = Sampled::new(seed ^ REPLICATES, r);
                let sim = simulate_points(scenario, &values, &window, &mut draws);
                for (m, s) in mean.iter_mut().zip(sim) {
                    *m += s;
                }
            }
            let reps = cal.replicates as f64;
            let variance = stock_variance(scenario, &values, &window);
            let ll = window
                .points
                .iter()
                .zip(&mean)
                .zip(&variance)
                .filter(|((p, _), _)| p.fitted)
                .map(|((p, m), v)| {
                    let mu = m / reps;
                    // The model's own variance at the point: about the mean for a year's flows;
                    // for the count looked after, the noise of every year's flows since the
                    // start. The replicates' mean adds its own (1 / replicates), and the
                    // dispersion the published figures' variation beyond the model's.
                    let process = v.unwrap_or(mu) * (1.0 + 1.0 / reps);
                    let excess = process + mu * mu / k - mu;
                    let size = if excess > 0.0 { mu * mu / excess } else { 1e12 };
                    log_nb(p.observed, mu, size)
                })
                .sum();
            (values, ll, k)
        })
        .collect();
    let log_likelihood: Vec<f64> = results.iter().map(|r| r.1).collect();
    let best = log_likelihood
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let raw: Vec<f64> = log_likelihood
        .iter()
        .map(|l| if l.is_finite() { (l - best).exp() } else { 0.0 })
        .collect();
    let total: f64 = raw.iter().sum();
    let weights: Vec<f64> = raw.iter().map(|w| w / total).collect();
    // Systematic resampling: one uniform, `draws` equally spaced pointers.
    let u: f64 = {
        let mut s = rng::stream(seed ^ RESAMPLE, 0, SETUP_YEAR, Event::Parameters);
        rand::RngExt::random(&mut s)
    };
    let n = cal.draws;
    let mut resampled = Vec::with_capacity(n);
    let mut cumulative = 0.0;
    let mut j = 0;
    for d in 0..n {
        let target = (d as f64 + u) / n as f64;
        while j + 1 < weights.len() && cumulative + weights[j] < target {
            cumulative += weights[j];
            j += 1;
        }
        resampled.push(j);
    }
    let band: Vec<Vec<f64>> = resampled
        .par_iter()
        .enumerate()
        .map(|(d, &p)| {
            let mut draws = Sampled::new(seed ^ BAND, d as u64);
            let sim = simulate_points(scenario, &results[p].0, &window, &mut draws);
            // The published figure the model predicts: the simulated count with the
            // likelihood's extra variation (negative binomial as gamma-Poisson).
            let mut noise = rng::stream(seed ^ NOISE, d as u64, SETUP_YEAR, Event::Parameters);
            sim.iter()
                .map(|&mu| negative_binomial(mu, results[p].2, &mut noise))
                .collect()
        })
        .collect();
    let prior = results
        .iter()
        .map(|(v, _, _)| ids.iter().map(|id| v.get(*id)).collect())
        .collect();
    let dispersion = results.iter().map(|r| r.2).collect();
    Ok(Fit {
        area: area.name.clone(),
        window,
        inputs: cal.fit.clone(),
        prior,
        log_likelihood,
        weights,
        resampled,
        band,
        seed,
        particles: cal.particles,
        replicates: cal.replicates,
        dispersion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_binomial_sums_to_one_and_tends_to_poisson() {
        let total: f64 = (0..400).map(|y| log_nb(y as f64, 50.0, 20.0).exp()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        // Poisson(50) at 50, for a very large size.
        let poisson = 50f64.ln() * 50.0 - 50.0 - statrs::function::gamma::ln_gamma(51.0);
        assert!((log_nb(50.0, 50.0, 1e9) - poisson).abs() < 1e-12);
        // Just below the switch to Poisson, within 1e-4 of it (the difference is about mu / 2k).
        assert!((log_nb(50.0, 50.0, 9e6) - poisson).abs() < 1e-4);
    }
}
