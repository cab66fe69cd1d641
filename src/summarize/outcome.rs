//! The outcome a researcher asks about: `COLUMN OP VALUE`, e.g. `mission_drift > 0`,
//! `objective < 20`, `status == infeasible`, `sector.commercialisation == civil_society`.

use crate::diag::closest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    text: String,
    column: usize,
    op: Op,
    number: Option<f64>,
    value: String,
}

impl Outcome {
    /// Parses an outcome against the table's columns. A bare flag kind or severity stands for
    /// its count column (`mission_drift` is `flags.mission_drift`).
    pub fn parse(text: &str, columns: &[String]) -> Result<Outcome, String> {
        const OPS: [(&str, Op); 7] = [
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            (">", Op::Gt),
            ("<", Op::Lt),
            ("=", Op::Eq),
        ];
        let Some((at, sym, op)) = OPS
            .iter()
            .filter_map(|(s, op)| text.find(s).map(|i| (i, *s, *op)))
            .min_by_key(|(i, s, _)| (*i, std::cmp::Reverse(s.len())))
        else {
            return Err(format!(
                "--outcome {text:?}: expected COLUMN OP VALUE with OP one of > >= < <= == !=, e.g. `mission_drift > 0`"
            ));
        };
        let name = text[..at].trim();
        let value = text[at + sym.len()..].trim().trim_matches(['"', '\'']);
        if name.is_empty() || value.is_empty() {
            return Err(format!(
                "--outcome {text:?}: expected COLUMN OP VALUE, e.g. `mission_drift > 0`"
            ));
        }
        let column = [
            name.to_string(),
            format!("flags.{name}"),
            format!("severity.{name}"),
        ]
        .iter()
        .find_map(|c| columns.iter().position(|x| x == c))
        .ok_or_else(|| {
            let short: Vec<&str> = columns
                .iter()
                .map(|c| {
                    c.strip_prefix("flags.")
                        .or_else(|| c.strip_prefix("severity."))
                        .unwrap_or(c)
                })
                .collect();
            let hint = closest(name, short.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            format!("--outcome {text:?}: the table has no column `{name}`{hint}")
        })?;
        let number = value.parse::<f64>().ok().filter(|v| v.is_finite());
        if number.is_none() && !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!(
                "--outcome {text:?}: `{sym}` compares numbers, and {value:?} is not one"
            ));
        }
        Ok(Outcome {
            text: format!("{} {sym} {value}", columns[column]),
            column,
            op,
            number,
            value: value.to_string(),
        })
    }

    /// The outcome as it reads in reports, with the column's full name.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether a row meets the outcome; an empty cell (an infeasible run's counts) never does.
    pub fn holds(&self, fields: &[String]) -> bool {
        let cell = fields[self.column].as_str();
        if cell.is_empty() {
            return false;
        }
        match (self.number, cell.parse::<f64>()) {
            (Some(v), Ok(x)) => match self.op {
                Op::Gt => x > v,
                Op::Ge => x >= v,
                Op::Lt => x < v,
                Op::Le => x <= v,
                Op::Eq => x == v,
                Op::Ne => x != v,
            },
            _ => match self.op {
                Op::Eq => cell == self.value,
                Op::Ne => cell != self.value,
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<String> {
        ["run", "status", "objective", "flags.mission_drift"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn flag_kinds_stand_for_their_count_column() {
        let o = Outcome::parse("mission_drift > 0", &cols()).unwrap();
        assert_eq!(o.text(), "flags.mission_drift > 0");
        let row = |v: &str| vec!["0".into(), "optimal".into(), "1".into(), v.to_string()];
        assert!(o.holds(&row("2")));
        assert!(!o.holds(&row("0")));
        assert!(!o.holds(&row("")));
    }

    #[test]
    fn text_comparisons_and_misspelt_columns() {
        let o = Outcome::parse("status == infeasible", &cols()).unwrap();
        assert!(o.holds(&["0".into(), "infeasible".into(), "".into(), "".into()]));
        let e = Outcome::parse("mision_drift > 0", &cols()).unwrap_err();
        assert!(e.contains("did you mean `mission_drift`"), "{e}");
        assert!(Outcome::parse("objective > high", &cols()).is_err());
        assert!(Outcome::parse("objective", &cols()).is_err());
    }
}
