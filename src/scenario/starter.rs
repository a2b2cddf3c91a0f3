//! `prevsim new NAME`: a commented starter scenario with every section and every lever, valid
//! as written, every figure marked "assumption: replace" until the analyst gives its source.

/// The text of a starter scenario named `name` (a valid folder name; see
/// [`valid_name`]).
pub fn starter_scenario(name: &str) -> String {
    STARTER.replace("{NAME}", name)
}

/// True when `name` can be a scenario's name (and so its output folder's name).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

const STARTER: &str = r#"# {NAME}: a starter scenario written by `prevsim new`.
#
# Every figure below is a placeholder marked "assumption: replace". Replace each with your
# area's figure and say where it comes from in `source` (a document and its paragraph, or
# "assumption: why"). Read it back with `prevsim validate --explain {NAME}.toml`, then run it
# with `prevsim run {NAME}.toml`.
#
# Any number may be a plain value (0.4), a value with its source ({ value = 0.4, source = "..." })
# or a distribution ({ distribution = "pert", min = 0.3, mode = 0.4, max = 0.5 }): uniform,
# triangular, pert, normal, lognormal, gamma, beta. Shares and probabilities are decimals
# (5% is 0.05). Money is per year unless its table says per = "week" or per = "month";
# price_year = 2024 records the prices it is in.

name = "{NAME}"                      # the output folder's name
title = "{NAME}: early help for families (starter scenario: replace every assumption)"

[run]
years = 10                           # horizon, 1 to 200
iterations = 10000                   # Monte Carlo draws
seed = 2010                          # the same seed gives the same results
discount = "green_book"              # or "none", or a yearly rate such as 0.035

[population]
# Families with dependent children in each state, and children per family.
families = { chaotic = 1_200, barely_coping = 4_800, coping = 14_000, thriving = 20_000 }
children_per_family = { chaotic = 1.8, barely_coping = 1.8, coping = 1.8, thriving = 1.8 }
children_in_care = { value = 560, source = "assumption: replace with the area's looked-after children (DfE SSDA903)" }

# Where a family in each state is one year later: [chaotic, barely_coping, coping, thriving].
# Each row sums to 1. A Dirichlet row (mean and concentration) carries its uncertainty;
# counts = [...] of observed moves is better still.
[transitions]
chaotic       = { mean = [0.70, 0.22, 0.07, 0.01], concentration = 400, source = "assumption: replace" }
barely_coping = { mean = [0.06, 0.74, 0.17, 0.03], concentration = 400, source = "assumption: replace" }
coping        = { mean = [0.01, 0.05, 0.84, 0.10], concentration = 400, source = "assumption: replace" }
thriving      = { mean = [0.00, 0.01, 0.09, 0.90], concentration = 400, source = "assumption: replace" }

[care]
# Chance a year that a child at home enters care, by the family's state.
entry_rate = { chaotic = 0.075, barely_coping = 0.006, coping = 0.0005, thriving = 0.0001 }
exit_rate = { distribution = "beta", mean = 0.40, sd = 0.03, source = "assumption: replace (about 40% leave care each year in England)" }
cost = { distribution = "uniform", min = 70_000, max = 100_000, price_year = 2009, source = "assumption: replace (the AGMA Total Place report gives £70,000-£100,000 a year)" }

[unit_costs]
# Cost a year of a child living at home in a coping family, and the ladder above it.
coping = { distribution = "triangular", min = 50, mode = 100, max = 200, source = "assumption: replace with local spend data" }
barely_coping_multiplier = 10        # Peterborough ladder, quoted in the AGMA report
chaotic_multiplier = 7               # Peterborough ladder, quoted in the AGMA report
thriving_multiplier = { value = 0.5, source = "assumption: replace" }

# Who pays for each cost: shares in the order of `names`, each list summing to 1.
[agencies]
names = ["children's services", "health", "police and justice"]
chaotic       = [0.40, 0.20, 0.40]   # assumption: replace
barely_coping = [0.50, 0.25, 0.25]   # assumption: replace
coping        = [0.50, 0.40, 0.10]   # assumption: replace
thriving      = [0.40, 0.60, 0.00]   # assumption: replace
care          = [1.00, 0.00, 0.00]   # looked-after children are the council's cost

# Intervention 1: keep a share of children out of care, and lower care entry.
[[interventions]]
name = "keep children out of care"
description = "Edge-of-care work keeps some children at home, who then cost what a chaotic family's child costs."
care_entry_relative_risk = { distribution = "pert", min = 0.85, mode = 0.95, max = 1.0, source = "assumption: replace" }

[interventions.keep_out_of_care]
share = { distribution = "pert", min = 0.005, mode = 0.01, max = 0.02, source = "assumption: replace" }
home_cost = "chaotic"                # or an amount per child a year, such as 5_000

[interventions.programme_cost]
running_per_year = { value = 400, per = "week", source = "assumption: replace (a weekly team cost, converted to a year)" }
optimism_bias = { value = 0.2, source = "assumption: Green Book optimism bias; replace" }
funded_by = "children's services"

# Intervention 2: a targeted programme for chaotic and barely coping families.
[[interventions]]
name = "family programme"
shift_up = { chaotic = 0.0 }         # a one-off share moving up a state at the start (none here)

[interventions.programme]
target_states = ["chaotic", "barely_coping"]
families_per_year = { value = 100, source = "assumption: replace with the programme's places" }
capacity = 120                       # most families it can take on in a year
years = 3                            # years it takes on new families
up_relative_risk = { distribution = "pert", min = 1.1, mode = 1.5, max = 2.0, source = "assumption: replace with an evaluation" }
down_relative_risk = { distribution = "pert", min = 0.5, mode = 0.7, max = 1.0, source = "assumption: replace with an evaluation" }
care_entry_relative_risk = { distribution = "pert", min = 0.6, mode = 0.8, max = 1.0, source = "assumption: replace with an evaluation" }
effect_years = 2                     # full effect, then it fades
drop_off = 0.3                       # share of the remaining effect lost each year

[interventions.programme_cost]
per_family = { distribution = "triangular", min = 5_000, mode = 8_000, max = 14_000, price_year = 2024, source = "assumption: replace" }
setup = { value = 100_000, source = "assumption: replace" }
running_per_year = { value = 50_000, source = "assumption: replace" }
optimism_bias = { value = 0.2, source = "assumption: Green Book optimism bias; replace" }
funded_by = "children's services"
"#;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_starter_is_valid_without_warnings_and_uses_every_lever() {
        let text = starter_scenario("my-area");
        let s = Scenario::parse(&text, Path::new("my-area.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.name, "my-area");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(s.interventions.len(), 2);
        let keep = &s.interventions[0];
        assert!(keep.keep_out_of_care.is_some() && keep.care_entry_relative_risk.is_some());
        let programme = &s.interventions[1];
        assert!(programme.programme.is_some() && programme.shift_up[0].is_some());
        assert!(s.interventions.iter().all(|i| i.programme_cost.is_some()));
        assert!(s.has_agencies);
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("my-area_2"));
        assert!(!valid_name("my area"));
        assert!(!valid_name(".hidden"));
        assert!(!valid_name(""));
    }
}
