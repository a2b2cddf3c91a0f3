//! Hints for the slips analysts make writing numbers in TOML: arithmetic (`5_000 * 52`),
//! thousands separated by commas (`200,000`), a percentage sign (`5%`), a number in quotes.
//! Each hint shows the value as it should be written.

/// The fix for a value written as text (the inside of the quotes), or `None` when the text
/// does not look like a number at all.
pub(super) fn fix_for(text: &str) -> Option<String> {
    let t = text.trim();
    if let Some((result, expr)) = whole_expression(t) {
        return Some(format!(
            "TOML cannot do arithmetic: write the result, {} (= {expr}), without quotes",
            toml_number(result)
        ));
    }
    let bare = t.trim_start_matches('£');
    if let Some(pct) = bare.strip_suffix('%')
        && let Some(x) = plain_number(pct)
    {
        return Some(format!(
            "write a share as a decimal, without quotes: {}% is {}",
            pct.trim(),
            toml_number(x / 100.0)
        ));
    }
    if bare.contains(',')
        && let Some(x) = plain_number(&bare.replace(',', ""))
    {
        return Some(format!(
            "write {} without quotes (TOML groups digits with `_`, not commas)",
            toml_number(x)
        ));
    }
    plain_number(bare).map(|x| format!("write the number without quotes: {}", toml_number(x)))
}

/// The fix for a line TOML could not parse, when the line shows one of the slips.
pub(super) fn line_fix(line: &str) -> Option<String> {
    let code = code_of(line);
    let chars: Vec<char> = code.chars().collect();
    for start in 0..chars.len() {
        let starts_number =
            chars[start].is_ascii_digit() && (start == 0 || !is_number_char(chars[start - 1]));
        if !starts_number {
            continue;
        }
        let rest: String = chars[start..].iter().collect();
        if let Some((result, expr)) = leading_expression(&rest) {
            return Some(format!(
                "TOML cannot do arithmetic: write the result, {} (= {expr})",
                toml_number(result)
            ));
        }
        if let Some(grouped) = leading_comma_number(&rest) {
            let digits = grouped.replace(',', "");
            let x = plain_number(&digits)?;
            return Some(format!(
                "write {} or {digits}, not {grouped}: TOML groups digits with `_` and reads a comma as the end of the value",
                toml_number(x)
            ));
        }
        let number: String = rest.chars().take_while(|c| is_number_char(*c)).collect();
        if rest[number.len()..].trim_start().starts_with('%')
            && let Some(x) = plain_number(&number)
        {
            return Some(format!(
                "write a share as a decimal: {number}% is {}",
                toml_number(x / 100.0)
            ));
        }
    }
    None
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '_' || c == '.'
}

/// The line without its comment and without the text of quoted strings.
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '#' => break,
            None => out.push(c),
        }
    }
    out
}

/// A number as written in TOML, without quotes: digits, `_` and one decimal point.
fn plain_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| is_number_char(c) || c == '-') {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// "200,000" at the start of `text`: digits, then one or more groups of a comma and three
/// digits, not followed by another digit.
fn leading_comma_number(text: &str) -> Option<String> {
    let head: String = text.chars().take_while(char::is_ascii_digit).collect();
    if head.is_empty() || head.len() > 3 {
        return None;
    }
    let mut out = head.clone();
    let mut rest = &text[head.len()..];
    let mut groups = 0;
    while let Some(after) = rest.strip_prefix(',') {
        let group: String = after.chars().take_while(char::is_ascii_digit).collect();
        if group.len() != 3 {
            break;
        }
        out.push(',');
        out.push_str(&group);
        rest = &after[3..];
        groups += 1;
    }
    (groups > 0).then_some(out)
}

/// An arithmetic expression filling all of `text`: its value and the expression.
fn whole_expression(text: &str) -> Option<(f64, String)> {
    let (value, expr) = leading_expression(text)?;
    (expr.len() == text.trim().len()).then_some((value, expr))
}

/// An expression of at least two numbers joined by + - * / at the start of `text`.
fn leading_expression(text: &str) -> Option<(f64, String)> {
    let mut numbers = Vec::new();
    let mut ops = Vec::new();
    let mut pos = 0;
    let mut end = 0;
    loop {
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start().len();
        let number: String = rest[skipped..]
            .chars()
            .take_while(|c| is_number_char(*c))
            .collect();
        let Some(x) = plain_number(&number).filter(|_| !number.is_empty()) else {
            break;
        };
        numbers.push(x);
        pos += skipped + number.len();
        end = pos;
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start().len();
        match rest[skipped..].chars().next() {
            Some(op @ ('*' | '/' | '+' | '-' | 'x' | '×')) => {
                ops.push(op);
                pos += skipped + op.len_utf8();
            }
            _ => break,
        }
    }
    if numbers.len() < 2 || ops.len() < numbers.len() - 1 {
        return None;
    }
    ops.truncate(numbers.len() - 1);
    // * and / first, then + and -, left to right.
    let mut terms = vec![numbers[0]];
    let mut signs = vec![1.0];
    for (op, x) in ops.iter().zip(&numbers[1..]) {
        match op {
            '*' | 'x' | '×' => *terms.last_mut()? *= x,
            '/' => *terms.last_mut()? /= x,
            '+' => {
                terms.push(*x);
                signs.push(1.0);
            }
            _ => {
                terms.push(*x);
                signs.push(-1.0);
            }
        }
    }
    let value: f64 = terms.iter().zip(&signs).map(|(t, s)| t * s).sum();
    value
        .is_finite()
        .then(|| (value, text[..end].trim().to_string()))
}

/// A number as it should be written in TOML: whole numbers grouped with `_` (260_000).
pub(super) fn toml_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let digits = format!("{}", x.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('_');
            }
            out.push(c);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_slip_gets_its_fix() {
        let cases = [
            (
                "value = 5_000 * 52",
                Some("write the result, 260_000 (= 5_000 * 52)"),
            ),
            (
                "setup = 200,000",
                Some("write 200_000 or 200000, not 200,000"),
            ),
            ("optimism_bias = 20%", Some("20% is 0.2")),
            (
                "x = { value = 1,250,000 }",
                Some("write 1_250_000 or 1250000"),
            ),
            ("chaotic = [0.5, 0.5, 0.0, 0.0] x", None),
            ("note = \"5 * 3\" oops", None),
            ("years = 10 # 5 * 2", None),
        ];
        for (line, want) in cases {
            let got = line_fix(line);
            match want {
                Some(w) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(w)),
                    "{line}: {got:?} lacks {w}"
                ),
                None => assert_eq!(got, None, "{line}"),
            }
        }
    }

    #[test]
    fn quoted_numbers_get_their_fix() {
        assert_eq!(
            fix_for("5_000 * 52").unwrap(),
            "TOML cannot do arithmetic: write the result, 260_000 (= 5_000 * 52), without quotes"
        );
        assert!(fix_for("1 + 2 * 3").unwrap().contains("7 (= 1 + 2 * 3)"));
        assert!(
            fix_for("£4,500")
                .unwrap()
                .contains("write 4_500 without quotes")
        );
        assert!(fix_for("3.5%").unwrap().contains("3.5% is 0.035"));
        assert_eq!(
            fix_for("70000").unwrap(),
            "write the number without quotes: 70_000"
        );
        assert_eq!(fix_for("chaotic"), None);
        assert_eq!(fix_for("two"), None);
    }
}
