//! From the serde mirror to a validated [`Scenario`], collecting every problem on the way.

use std::ops::Range;
use std::path::Path;

use toml::Value;

use super::error::{Problem, line_column};
use super::raw::{
    PerState, RawAgencies, RawIntervention, RawParam, RawProgrammeEffect, RawScenario,
};
use super::toml_errors::toml_problem;
use super::values::{Money, as_number, parse_row, parse_scalar, quoted_list, round6, suggest};
use super::{
    DEFAULT_ITERATIONS, DEFAULT_SEED, Discount, MAX_COUNT, MAX_ITERATIONS, MAX_YEARS, Scenario,
};
use crate::model::{
    Agencies, Baseline, HomeCost, Intervention, KeepOutOfCare, ProgrammeCost, ProgrammeSpec,
    ReachSpec, STATES, UnitCosts, state_index,
};
use crate::params::{Dist, Domain, ParamSet, ROW_SUM_TOLERANCE, RowDist, RowId, ScalarId, Written};

/// A count of families or children in care.
const COUNT: Domain = Domain::range(0.0, MAX_COUNT);
/// Mean children per family.
const CHILDREN: Domain = Domain::range(0.0, 20.0);
/// A cost per child or per family a year: a mean above £1bn is a typo or the wrong units.
const MONEY: Domain = Domain::amount(1e9);
/// A programme's set-up or yearly running cost.
const PROGRAMME_MONEY: Domain = Domain::amount(1e12);
/// A cost multiplier of the ladder.
const MULTIPLIER: Domain = Domain::amount(1e4);
/// A relative risk.
const RELATIVE_RISK: Domain = Domain::amount(100.0);
/// An optimism bias uplift (1 = +100%).
const UPLIFT: Domain = Domain::amount(10.0);

/// Validates a scenario's text; `path` gives its default name.
pub fn validate(source: &str, path: &Path) -> Result<Scenario, Vec<Problem>> {
    let raw: RawScenario = toml::from_str(source).map_err(|e| vec![toml_problem(source, &e)])?;
    let mut v = Validator {
        source,
        problems: Vec::new(),
        warnings: Vec::new(),
        params: ParamSet::default(),
        bad_scalars: Vec::new(),
        bad_rows: Vec::new(),
    };
    let name = v.name(&raw, path);
    let years = v.integer("run.years", &raw.run.years, 1, MAX_YEARS) as u32;
    let iterations = raw
        .run
        .iterations
        .as_ref()
        .map_or(DEFAULT_ITERATIONS, |it| {
            v.integer("run.iterations", it, 1, MAX_ITERATIONS) as u64
        });
    let seed = raw.run.seed.as_ref().map_or(DEFAULT_SEED, |s| {
        v.integer("run.seed", s, 0, i64::MAX) as u64
    });
    let discount = raw
        .run
        .discount
        .as_ref()
        .map_or(Discount::GreenBook, |d| v.discount(d));
    let baseline = v.baseline(&raw);
    let agencies = raw
        .agencies
        .as_ref()
        .map_or_else(Agencies::single, |a| v.agencies(a));
    let context = Context {
        years,
        baseline: &baseline,
        agencies: raw.agencies.as_ref().map(|_| &agencies),
    };
    let interventions = v.interventions(&raw.interventions, &context);
    v.plausibility(&raw, &baseline, &interventions);
    let claims = super::claims::validate(source, &raw.claims, &v.params, &interventions);
    let claims = claims.unwrap_or_else(|problems| {
        v.problems.extend(problems);
        Vec::new()
    });
    let calibration = raw.calibration.as_ref().and_then(|c| {
        super::calibration::validate(source, c, &v.params)
            .map_err(|problems| v.problems.extend(problems))
            .ok()
    });
    if !v.problems.is_empty() {
        v.problems.sort_by_key(|p| (p.line, p.column));
        return Err(v.problems);
    }
    v.warnings.sort_by_key(|p| (p.line, p.column));
    Ok(Scenario {
        warnings: v.warnings,
        name,
        title: raw.title,
        description: raw.description,
        path: path.to_path_buf(),
        sha256: String::new(),
        source_text: String::new(),
        years,
        iterations,
        seed,
        discount,
        params: v.params,
        baseline,
        has_agencies: raw.agencies.is_some(),
        agencies,
        interventions,
        claims,
        calibration,
    })
}

/// The states a family starting in `targets` can come to, following the rows' non-zero
/// moves (a row that could not be read is not followed).
fn reachable_states(targets: [bool; 4], rows: &[Option<[f64; 4]>; 4]) -> [bool; 4] {
    let mut reached = targets;
    let mut changed = true;
    while changed {
        changed = false;
        for s in 0..4 {
            let Some(row) = rows[s].filter(|_| reached[s]) else {
                continue;
            };
            for t in 0..4 {
                if row[t] > 0.0 && !reached[t] {
                    reached[t] = true;
                    changed = true;
                }
            }
        }
    }
    reached
}

/// A count for a message: whole numbers with thousands separators (1,200), else six decimals.
pub(super) fn count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let digits = format!("{}", x.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        round6(x)
    }
}

/// What interventions are checked against.
struct Context<'a> {
    years: u32,
    baseline: &'a Baseline,
    /// The scenario's agencies, if it names any.
    agencies: Option<&'a Agencies>,
}

pub(super) struct Validator<'a> {
    pub(super) source: &'a str,
    pub(super) problems: Vec<Problem>,
    /// Things that look wrong but may be meant: printed, and refused with --deny-warnings.
    pub(super) warnings: Vec<Problem>,
    pub(super) params: ParamSet,
    /// Parameters that could not be read (a placeholder stands in): checks that depend on
    /// them are skipped, so one cause gives one error.
    pub(super) bad_scalars: Vec<ScalarId>,
    pub(super) bad_rows: Vec<RowId>,
}

impl Validator<'_> {
    fn problem(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        let (line, column) = line_column(self.source, span.start);
        self.problems.push(Problem {
            line,
            column,
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Records a warning: the value is allowed but looks like a slip.
    pub(super) fn warn(&mut self, span: Range<usize>, field: &str, message: impl Into<String>) {
        let (line, column) = line_column(self.source, span.start);
        self.warnings.push(Problem {
            line,
            column,
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// True when every one of these scalar parameters was read without a problem.
    pub(super) fn all_good(&self, ids: &[ScalarId]) -> bool {
        ids.iter().all(|id| !self.bad_scalars.contains(id))
    }

    fn name(&mut self, raw: &RawScenario, path: &Path) -> String {
        let Some(name) = &raw.name else {
            return path.file_stem().map_or_else(
                || "scenario".to_string(),
                |s| s.to_string_lossy().into_owned(),
            );
        };
        let text = name.get_ref();
        let ok = !text.is_empty()
            && !text.starts_with('.')
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !ok {
            self.problem(
                name.span(),
                "name",
                format!(
                    "\"{text}\" cannot be a folder name: use letters, digits, '-', '_' and '.' only (for example \"agma-keep-1pct-out-of-care\"); put the long title in `title`"
                ),
            );
        }
        text.clone()
    }

    fn integer(&mut self, field: &str, raw: &toml::Spanned<i64>, min: i64, max: i64) -> i64 {
        let value = *raw.get_ref();
        if !(min..=max).contains(&value) {
            self.problem(
                raw.span(),
                field,
                format!("{value} is out of range: it must be a whole number from {min} to {max}"),
            );
            return min;
        }
        value
    }

    fn discount(&mut self, raw: &RawParam) -> Discount {
        let field = "run.discount";
        match raw.get_ref() {
            Value::String(s) if s == "green_book" => Discount::GreenBook,
            Value::String(s) if s == "none" => Discount::None,
            Value::Float(_) | Value::Integer(_) => {
                let rate = as_number(raw.get_ref()).unwrap_or(f64::NAN);
                if !(rate.is_finite() && (0.0..1.0).contains(&rate)) {
                    self.problem(
                        raw.span(),
                        field,
                        format!("a discount rate of {rate} is not allowed: give a yearly rate from 0 to 1 (3.5% is 0.035)"),
                    );
                }
                Discount::Constant(rate)
            }
            _ => {
                self.problem(
                    raw.span(),
                    field,
                    "must be \"green_book\", \"none\", or a yearly rate such as 0.035",
                );
                Discount::GreenBook
            }
        }
    }

    /// Reads the register entries (owner, evidence...) of the parameter registered last.
    fn meta(&mut self, field: &str, raw: &RawParam) {
        match super::meta::parse(raw.get_ref()) {
            Ok(meta) => self.params.set_last_meta(meta),
            Err(message) => self.problem(raw.span(), field, message),
        }
    }

    /// Registers a scalar parameter; on a problem, records it and registers a placeholder.
    fn scalar(&mut self, field: &str, raw: &RawParam, domain: Domain) -> ScalarId {
        match parse_scalar(raw.get_ref(), domain, Money::of(field)) {
            Ok(parsed) => {
                let id = self
                    .params
                    .add_scalar(field.to_string(), parsed.source, parsed.dist);
                self.params.set_written(id, parsed.written);
                self.meta(field, raw);
                id
            }
            Err(message) => {
                self.problem(raw.span(), field, message);
                let id = self
                    .params
                    .add_scalar(field.to_string(), None, Dist::fixed(0.0));
                self.bad_scalars.push(id);
                id
            }
        }
    }

    /// A scalar parameter that may be left out, with its default.
    fn scalar_or(
        &mut self,
        field: &str,
        raw: Option<&RawParam>,
        default: f64,
        domain: Domain,
    ) -> ScalarId {
        match raw {
            Some(raw) => self.scalar(field, raw, domain),
            None => {
                let id = self
                    .params
                    .add_scalar(field.to_string(), None, Dist::fixed(default));
                let written = Written {
                    by_default: true,
                    ..Written::default()
                };
                self.params.set_written(id, written);
                id
            }
        }
    }

    fn per_state(
        &mut self,
        prefix: &str,
        raw: &PerState<RawParam>,
        domain: Domain,
    ) -> [ScalarId; 4] {
        let raws = raw.as_array();
        std::array::from_fn(|s| self.scalar(&format!("{prefix}.{}", STATES[s]), raws[s], domain))
    }

    fn row(&mut self, field: &str, raw: &RawParam) -> RowId {
        match parse_row(raw.get_ref()) {
            Ok((row, source)) => {
                let id = self.params.add_row(field.to_string(), source, row);
                self.meta(field, raw);
                id
            }
            Err(message) => {
                self.problem(raw.span(), field, message);
                let placeholder = RowDist::fixed(&[0.0, 0.0, 0.0, 1.0]).expect("a valid row");
                let id = self.params.add_row(field.to_string(), None, placeholder);
                self.bad_rows.push(id);
                id
            }
        }
    }

    fn baseline(&mut self, raw: &RawScenario) -> Baseline {
        let pop = &raw.population;
        let families = self.per_state("population.families", &pop.families, COUNT);
        let children_per_family = self.per_state(
            "population.children_per_family",
            &pop.children_per_family,
            CHILDREN,
        );
        self.check_total_families(&pop.families, &families);
        let children_in_care =
            self.scalar("population.children_in_care", &pop.children_in_care, COUNT);
        let rows = raw.transitions.as_array();
        let transitions =
            std::array::from_fn(|s| self.row(&format!("transitions.{}", STATES[s]), rows[s]));
        let entry_rate =
            self.per_state("care.entry_rate", &raw.care.entry_rate, Domain::PROBABILITY);
        let exit_rate = self.scalar("care.exit_rate", &raw.care.exit_rate, Domain::PROBABILITY);
        let care_cost = self.scalar("care.cost", &raw.care.cost, MONEY);
        let entry_scale = self.scalar_or(
            "care.entry_scale",
            raw.care.entry_scale.as_ref(),
            1.0,
            RELATIVE_RISK,
        );
        let uc = &raw.unit_costs;
        let unit_costs = UnitCosts {
            coping: self.scalar("unit_costs.coping", &uc.coping, MONEY),
            barely_coping_multiplier: self.scalar_or(
                "unit_costs.barely_coping_multiplier",
                uc.barely_coping_multiplier.as_ref(),
                10.0,
                MULTIPLIER,
            ),
            chaotic_multiplier: self.scalar_or(
                "unit_costs.chaotic_multiplier",
                uc.chaotic_multiplier.as_ref(),
                7.0,
                MULTIPLIER,
            ),
            thriving_multiplier: self.scalar(
                "unit_costs.thriving_multiplier",
                &uc.thriving_multiplier,
                MULTIPLIER,
            ),
        };
        Baseline {
            families,
            children_per_family,
            children_in_care,
            transitions,
            entry_rate,
            entry_scale,
            exit_rate,
            unit_costs,
            care_cost,
        }
    }

    fn interventions(&mut self, raws: &[RawIntervention], ctx: &Context) -> Vec<Intervention> {
        let mut seen: Vec<String> = Vec::new();
        raws.iter()
            .map(|raw| {
                let name = raw.name.get_ref().trim().to_string();
                if name.is_empty() {
                    self.problem(
                        raw.name.span(),
                        "interventions.name",
                        "an intervention needs a name, such as \"keep 1% out of care\"",
                    );
                } else if seen.contains(&name) {
                    self.problem(
                        raw.name.span(),
                        "interventions.name",
                        format!(
                            "two interventions are called \"{name}\": give each a different name"
                        ),
                    );
                }
                seen.push(name.clone());
                self.intervention(raw, name, ctx)
            })
            .collect()
    }

    fn intervention(&mut self, raw: &RawIntervention, name: String, ctx: &Context) -> Intervention {
        let years = ctx.years;
        let prefix = format!("interventions[{name}]");
        let p = Domain::PROBABILITY;
        let keep_out_of_care = raw.keep_out_of_care.as_ref().map(|k| KeepOutOfCare {
            share: self.scalar(&format!("{prefix}.keep_out_of_care.share"), &k.share, p),
            home_cost: self.home_cost(
                &format!("{prefix}.keep_out_of_care.home_cost"),
                k.home_cost.as_ref(),
            ),
        });
        let care_entry_relative_risk = raw.care_entry_relative_risk.as_ref().map(|r| {
            self.scalar(
                &format!("{prefix}.care_entry_relative_risk"),
                r,
                RELATIVE_RISK,
            )
        });
        let shift_up = match &raw.shift_up {
            None => [None; 3],
            Some(s) => {
                let raws = [&s.chaotic, &s.barely_coping, &s.coping];
                std::array::from_fn(|i| {
                    raws[i]
                        .as_ref()
                        .map(|r| self.scalar(&format!("{prefix}.shift_up.{}", STATES[i]), r, p))
                })
            }
        };
        let programme = raw
            .programme
            .as_ref()
            .map(|p| self.programme(&format!("{prefix}.programme"), p, ctx));
        let programme_cost = raw.programme_cost.as_ref().map(|pc| {
            let f = |key: &str| format!("{prefix}.programme_cost.{key}");
            if let (Some(_), Some(fpy)) = (&programme, &pc.families_per_year) {
                self.problem(
                    fpy.span(),
                    &f("families_per_year"),
                    "with a [programme], the cost per family is charged on the families it actually reaches: remove programme_cost.families_per_year and set programme.families_per_year instead",
                );
            }
            if let (Some(agencies), None) = (ctx.agencies, &pc.funded_by) {
                self.problem(
                    raw.name.span(),
                    &f("funded_by"),
                    format!(
                        "the scenario names agencies, so say which pays for this programme: add funded_by = \"{}\" (or another of them) to its programme_cost",
                        agencies.names.first().map_or("", String::as_str)
                    ),
                );
            }
            let funded_by = self.funded_by(&f("funded_by"), pc.funded_by.as_ref(), ctx);
            ProgrammeCost {
                funded_by,
                per_family: self.scalar_or(&f("per_family"), pc.per_family.as_ref(), 0.0, MONEY),
                families_per_year: self.scalar_or(
                    &f("families_per_year"),
                    pc.families_per_year.as_ref(),
                    0.0,
                    COUNT,
                ),
                setup: self.scalar_or(&f("setup"), pc.setup.as_ref(), 0.0, PROGRAMME_MONEY),
                running_per_year: self.scalar_or(
                    &f("running_per_year"),
                    pc.running_per_year.as_ref(),
                    0.0,
                    PROGRAMME_MONEY,
                ),
                years: pc.years.as_ref().map_or(
                    programme.as_ref().map_or(years, |p| p.years),
                    |y| self.integer(&f("years"), y, 0, MAX_YEARS) as u32,
                ),
                optimism_bias: self.scalar_or(
                    &f("optimism_bias"),
                    pc.optimism_bias.as_ref(),
                    0.0,
                    UPLIFT,
                ),
            }
        });
        Intervention {
            name,
            description: raw.description.clone(),
            keep_out_of_care,
            care_entry_relative_risk,
            shift_up,
            programme,
            programme_cost,
        }
    }

    /// `[interventions.programme]`, checked against the baseline it changes.
    fn programme(
        &mut self,
        prefix: &str,
        raw: &RawProgrammeEffect,
        ctx: &Context,
    ) -> ProgrammeSpec {
        let f = |key: &str| format!("{prefix}.{key}");
        let mut targets = [false; 4];
        for state in raw.target_states.get_ref() {
            match state_index(state.get_ref()) {
                Some(s) => targets[s] = true,
                None => {
                    let hint = suggest(state.get_ref(), STATES.iter().copied());
                    self.problem(
                        state.span(),
                        &f("target_states"),
                        format!(
                            "\"{}\" is not a family state{hint}: use {}",
                            state.get_ref(),
                            quoted_list(&STATES)
                        ),
                    );
                }
            }
        }
        if raw.target_states.get_ref().is_empty() {
            self.problem(
                raw.target_states.span(),
                &f("target_states"),
                format!(
                    "name the states whose families the programme works with, from {}",
                    quoted_list(&STATES)
                ),
            );
        }
        let reach = match (&raw.families_per_year, &raw.share_per_year) {
            (Some(n), None) => ReachSpec::Families(self.scalar(&f("families_per_year"), n, COUNT)),
            (None, Some(x)) => {
                ReachSpec::Share(self.scalar(&f("share_per_year"), x, Domain::PROBABILITY))
            }
            (Some(n), Some(_)) => {
                self.problem(
                    n.span(),
                    &f("families_per_year"),
                    "give either families_per_year or share_per_year, not both",
                );
                ReachSpec::Families(self.scalar(&f("families_per_year"), n, COUNT))
            }
            (None, None) => {
                self.problem(
                    raw.target_states.span(),
                    prefix,
                    "say how many families the programme reaches: families_per_year = 500, or share_per_year = 0.1 (of the untreated families in the target states)",
                );
                ReachSpec::Share(self.params.add_scalar(
                    f("share_per_year"),
                    None,
                    Dist::fixed(0.0),
                ))
            }
        };
        let capacity = raw
            .capacity
            .as_ref()
            .map(|c| self.scalar(&f("capacity"), c, COUNT));
        let years = raw.years.as_ref().map_or(ctx.years, |y| {
            self.integer(&f("years"), y, 0, i64::from(ctx.years)) as u32
        });
        let up = self.scalar_or(
            &f("up_relative_risk"),
            raw.up_relative_risk.as_ref(),
            1.0,
            RELATIVE_RISK,
        );
        let down = self.scalar_or(
            &f("down_relative_risk"),
            raw.down_relative_risk.as_ref(),
            1.0,
            RELATIVE_RISK,
        );
        let entry = self.scalar_or(
            &f("care_entry_relative_risk"),
            raw.care_entry_relative_risk.as_ref(),
            1.0,
            RELATIVE_RISK,
        );
        let effect_years = self.scalar_or(
            &f("effect_years"),
            raw.effect_years.as_ref(),
            f64::from(ctx.years),
            Domain::range(0.0, MAX_YEARS as f64),
        );
        let drop_off = self.scalar_or(
            &f("drop_off"),
            raw.drop_off.as_ref(),
            1.0,
            Domain::PROBABILITY,
        );
        let spec = ProgrammeSpec {
            targets,
            reach,
            capacity,
            years,
            up_relative_risk: up,
            down_relative_risk: down,
            care_entry_relative_risk: entry,
            effect_years,
            drop_off,
        };
        self.check_programme_rows(prefix, raw, &spec, ctx);
        self.check_reach(prefix, raw, &spec, ctx);
        spec
    }

    /// The largest value a parameter can take (its mean when its support is unbounded).
    pub(super) fn highest(&self, id: ScalarId) -> f64 {
        self.params.scalar(id).map_or(f64::NAN, |d| {
            let (_, hi) = d.support();
            if hi.is_finite() { hi } else { d.mean() }
        })
    }

    pub(super) fn mean_of(&self, id: ScalarId) -> f64 {
        self.params.scalar(id).map_or(f64::NAN, Dist::mean)
    }

    /// Every row a reached family can come to must stay a probability row at the strongest
    /// effect: the target states' rows and the rows of every state their moves lead to (a
    /// reached family keeps its relative risks wherever it moves). Rows or relative risks that
    /// could not be read are skipped: their own problem is reported already.
    fn check_programme_rows(
        &mut self,
        prefix: &str,
        raw: &RawProgrammeEffect,
        spec: &ProgrammeSpec,
        ctx: &Context,
    ) {
        let rows: [Option<[f64; 4]>; 4] = std::array::from_fn(|s| {
            let id = ctx.baseline.transitions[s];
            if self.bad_rows.contains(&id) {
                None
            } else {
                self.params.row_mean(id)
            }
        });
        let reachable = reachable_states(spec.targets, &rows);
        let via = |s: usize| {
            if spec.targets[s] {
                String::new()
            } else {
                format!(
                    " (reached families can move to {} and keep the programme's relative risks there)",
                    STATES[s]
                )
            }
        };
        if self.all_good(&[spec.up_relative_risk, spec.down_relative_risk]) {
            let up = self.highest(spec.up_relative_risk);
            let down = self.highest(spec.down_relative_risk);
            let span = raw
                .up_relative_risk
                .as_ref()
                .or(raw.down_relative_risk.as_ref())
                .map_or_else(|| raw.target_states.span(), |r| r.span());
            for s in (0..4).filter(|s| reachable[*s]) {
                let Some(row) = rows[s] else {
                    continue;
                };
                let ups: f64 = row[s + 1..].iter().sum();
                let downs: f64 = row[..s].iter().sum();
                let moves = ups * up + downs * down;
                if moves > 1.0 + 1e-9 {
                    self.problem(
                        span.clone(),
                        &format!("{prefix}.up_relative_risk"),
                        format!(
                            "pushes the {} row out of [0, 1]{}: moves up {} x {} plus moves down {} x {} = {}, so the chance of staying would be {}; lower the relative risks (at most {} on moves up with this row)",
                            STATES[s],
                            via(s),
                            round6(ups),
                            round6(up),
                            round6(downs),
                            round6(down),
                            round6(moves),
                            round6(1.0 - moves),
                            round6(((1.0 - downs * down) / ups).max(0.0)),
                        ),
                    );
                }
            }
        }
        if !self.all_good(&[spec.care_entry_relative_risk]) {
            return;
        }
        let entry = self.highest(spec.care_entry_relative_risk);
        for (s, id) in ctx.baseline.entry_rate.iter().enumerate() {
            if !reachable[s] || !self.all_good(&[*id]) {
                continue;
            }
            let rate = self.mean_of(*id);
            if rate * entry > 1.0 + 1e-9 {
                let span = raw
                    .care_entry_relative_risk
                    .as_ref()
                    .map_or_else(|| raw.target_states.span(), |r| r.span());
                self.problem(
                    span,
                    &format!("{prefix}.care_entry_relative_risk"),
                    format!(
                        "makes the care entry rate of {} families {} x {} = {}, above 1{}; lower it",
                        STATES[s],
                        round6(rate),
                        round6(entry),
                        round6(rate * entry),
                        via(s),
                    ),
                );
            }
        }
    }

    /// A programme cannot reach more families a year than the target states hold; over its
    /// years of intake, reaching more than there are is allowed (it runs short) but warned of.
    fn check_reach(
        &mut self,
        prefix: &str,
        raw: &RawProgrammeEffect,
        spec: &ProgrammeSpec,
        ctx: &Context,
    ) {
        let ReachSpec::Families(id) = spec.reach else {
            return;
        };
        let Some(span) = raw.families_per_year.as_ref().map(|r| r.span()) else {
            return;
        };
        let mut inputs = vec![id];
        inputs.extend(
            (0..4)
                .filter(|s| spec.targets[*s])
                .map(|s| ctx.baseline.families[s]),
        );
        inputs.extend(spec.capacity);
        if !self.all_good(&inputs) {
            return;
        }
        let population: f64 = (0..4)
            .filter(|s| spec.targets[*s])
            .map(|s| self.mean_of(ctx.baseline.families[s]))
            .sum();
        let states = STATES
            .iter()
            .zip(spec.targets)
            .filter(|(_, t)| *t)
            .map(|(s, _)| *s)
            .collect::<Vec<_>>()
            .join(", ");
        let reach = self.mean_of(id);
        if reach > population {
            self.problem(
                span,
                &format!("{prefix}.families_per_year"),
                format!(
                    "reaches {} families a year, but the target states ({states}) hold only {} families: lower it, or use share_per_year",
                    round6(reach),
                    round6(population)
                ),
            );
            return;
        }
        let per_year = spec.capacity.map_or(reach, |c| reach.min(self.mean_of(c)));
        let total = per_year * f64::from(spec.years);
        if per_year > 0.0 && total > population + 1e-9 {
            let short_in = (population / per_year).floor() as u64 + 1;
            self.warn(
                span,
                &format!("{prefix}.families_per_year"),
                format!(
                    "takes on {} families a year for {} years ({} in all), but the target states ({states}) hold {} families: it runs out of families to reach in year {short_in}; if that is not meant, lower families_per_year or the programme's years",
                    count(per_year),
                    spec.years,
                    count(total),
                    count(population)
                ),
            );
        }
    }

    /// The families of all states together must stay within the limit.
    fn check_total_families(&mut self, raw: &PerState<RawParam>, ids: &[ScalarId; 4]) {
        if !self.all_good(ids) {
            return;
        }
        let total: f64 = ids.iter().map(|id| self.highest(*id)).sum();
        if total > MAX_COUNT {
            self.problem(
                raw.chaotic.span(),
                "population.families",
                format!(
                    "the families of the four states add up to {} (at their largest), more than the limit of {} in all: count families, not people, and check for extra digits",
                    count(total),
                    count(MAX_COUNT)
                ),
            );
        }
    }

    /// The agency that funds a programme: required when the scenario names agencies.
    fn funded_by(
        &mut self,
        field: &str,
        raw: Option<&toml::Spanned<String>>,
        ctx: &Context,
    ) -> Option<usize> {
        let agencies = ctx.agencies?;
        let Some(raw) = raw else {
            // Reported by the caller, at the intervention.
            return Some(0);
        };
        let name = raw.get_ref();
        match agencies.names.iter().position(|n| n == name) {
            Some(a) => Some(a),
            None => {
                let hint = suggest(name, agencies.names.iter().map(String::as_str));
                let names: Vec<&str> = agencies.names.iter().map(String::as_str).collect();
                self.problem(
                    raw.span(),
                    field,
                    format!(
                        "\"{name}\" is not one of the agencies{hint}: use one of {}",
                        quoted_list(&names)
                    ),
                );
                Some(0)
            }
        }
    }

    /// `[agencies]`: names, and shares of each cost that sum to 1.
    fn agencies(&mut self, raw: &RawAgencies) -> Agencies {
        let names: Vec<String> = raw
            .names
            .get_ref()
            .iter()
            .map(|n| n.trim().to_string())
            .collect();
        if names.is_empty() {
            self.problem(
                raw.names.span(),
                "agencies.names",
                "name at least one agency, such as [\"children's services\", \"health\"]",
            );
        }
        for (i, n) in names.iter().enumerate() {
            if n.is_empty() {
                self.problem(
                    raw.names.span(),
                    "agencies.names",
                    "an agency name is empty",
                );
            } else if names[..i].contains(n) {
                self.problem(
                    raw.names.span(),
                    "agencies.names",
                    format!("\"{n}\" is named twice: give each agency once"),
                );
            }
        }
        let mut shares = |key: &str, list: &toml::Spanned<Vec<f64>>| -> Vec<f64> {
            let field = format!("agencies.{key}");
            let values = list.get_ref();
            if values.len() != names.len() {
                self.problem(
                    list.span(),
                    &field,
                    format!(
                        "has {} shares but there are {} agencies ({}): give one share per agency, in that order",
                        values.len(),
                        names.len(),
                        names.join(", ")
                    ),
                );
                return vec![0.0; names.len()];
            }
            if let Some(bad) = values
                .iter()
                .find(|x| !(x.is_finite() && (0.0..=1.0).contains(*x)))
            {
                self.problem(
                    list.span(),
                    &field,
                    if *bad > 1.0 && *bad <= 100.0 {
                        format!(
                            "share {bad} is not allowed: each share must be between 0 and 1; shares are written as decimals: if {bad} is a percentage, write {}",
                            round6(bad / 100.0)
                        )
                    } else {
                        format!("share {bad} is not allowed: each share must be between 0 and 1")
                    },
                );
                return values.clone();
            }
            let sum: f64 = values.iter().sum();
            if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
                self.problem(
                    list.span(),
                    &field,
                    format!(
                        "shares sum to {}, not 1: each cost must be split completely between the agencies",
                        round6(sum)
                    ),
                );
            }
            values.clone()
        };
        let home = [
            shares("chaotic", &raw.chaotic),
            shares("barely_coping", &raw.barely_coping),
            shares("coping", &raw.coping),
            shares("thriving", &raw.thriving),
        ];
        let care = shares("care", &raw.care);
        let kept_out = raw
            .kept_out_of_care
            .as_ref()
            .map_or_else(|| care.clone(), |k| shares("kept_out_of_care", k));
        Agencies {
            names,
            home,
            care,
            kept_out,
        }
    }

    fn home_cost(&mut self, field: &str, raw: Option<&RawParam>) -> HomeCost {
        let Some(raw) = raw else {
            return HomeCost::Amount(self.params.add_scalar(
                field.to_string(),
                None,
                Dist::fixed(0.0),
            ));
        };
        if let Value::String(state) = raw.get_ref() {
            return match state_index(state) {
                Some(s) => HomeCost::State(s),
                None => {
                    let hint = suggest(state, STATES.iter().copied());
                    self.problem(
                        raw.span(),
                        field,
                        format!(
                            "\"{state}\" is not a family state{hint}: give an amount per child-year, or one of {}",
                            quoted_list(&STATES)
                        ),
                    );
                    HomeCost::State(0)
                }
            };
        }
        HomeCost::Amount(self.scalar(field, raw, MONEY))
    }
}
