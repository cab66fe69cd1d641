//! The outcome a researcher asks about: comparisons `COLUMN OP VALUE` combined with `and`,
//! `or`, `not` and parentheses, e.g. `mission_drift > 0`, `objective < 20 or status ==
//! infeasible`, `sector.commercialisation has civil_society and not (drift_penalty > 6)`.
//!
//! Holder and sector columns hold a set of partners or sectors joined by `+`; they compare as
//! sets, so `holder.research == b+a` matches a cell `a+b` (tables written before the columns
//! were sorted too), and `has` asks whether one of them is in the set.

use crate::diag::closest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    /// One member of a `+`-joined set (or the whole cell, for other columns).
    Has,
}

#[derive(Debug, Clone)]
struct Comparison {
    column: usize,
    op: Op,
    number: Option<f64>,
    value: String,
    /// The column holds `+`-joined sets (holder., lead., sector.): compare members.
    set: bool,
}

#[derive(Debug, Clone)]
enum Expr {
    Compare(Comparison),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A parsed outcome expression: tells whether a table row meets it.
#[derive(Debug, Clone)]
pub struct Outcome {
    text: String,
    expr: Expr,
}

/// A word of the expression: an operator, a parenthesis or a bare word (column or value).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Op(&'static str, Op),
    Word(String),
}

const OPS: [(&str, Op); 7] = [
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
];

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        let (token, len) = if c == '(' {
            (Token::Open, 1)
        } else if c == ')' {
            (Token::Close, 1)
        } else if rest.starts_with("&&") {
            (Token::And, 2)
        } else if rest.starts_with("||") {
            (Token::Or, 2)
        } else if let Some((sym, op)) = OPS.iter().find(|(s, _)| rest.starts_with(s)) {
            (Token::Op(sym, *op), sym.len())
        } else if c == '"' || c == '\'' {
            let end = rest[1..]
                .find(c)
                .ok_or_else(|| format!("a quote is not closed: {rest}"))?;
            (Token::Word(rest[1..1 + end].to_string()), end + 2)
        } else {
            let end = rest
                .find(|ch: char| ch.is_whitespace() || "()<>=!&|\"'".contains(ch))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let token = match word.to_ascii_lowercase().as_str() {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                "has" => Token::Op("has", Op::Has),
                _ => Token::Word(word.to_string()),
            };
            (token, end.max(1))
        };
        out.push(token);
        rest = rest[len..].trim_start();
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    columns: &'a [String],
    /// The expression as it reads in reports, with the columns' full names.
    shown: String,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            self.shown.push_str(" or ");
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            self.shown.push_str(" and ");
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some(Token::Not) => {
                self.at += 1;
                self.shown.push_str("not ");
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Token::Open) => {
                self.at += 1;
                self.shown.push('(');
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a `(` is not closed".into());
                }
                self.at += 1;
                self.shown.push(')');
                Ok(inner)
            }
            _ => self.comparison(),
        }
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let example =
            "expected COLUMN OP VALUE with OP one of > >= < <= == != has, e.g. `mission_drift > 0`";
        let (Some(Token::Word(name)), Some(Token::Op(sym, op)), Some(Token::Word(value))) = (
            self.tokens.get(self.at).cloned(),
            self.tokens.get(self.at + 1).cloned(),
            self.tokens.get(self.at + 2).cloned(),
        ) else {
            return Err(example.into());
        };
        self.at += 3;
        let column = [
            name.clone(),
            format!("flags.{name}"),
            format!("severity.{name}"),
        ]
        .iter()
        .find_map(|c| self.columns.iter().position(|x| x == c))
        .ok_or_else(|| {
            let short: Vec<&str> = self
                .columns
                .iter()
                .map(|c| {
                    c.strip_prefix("flags.")
                        .or_else(|| c.strip_prefix("severity."))
                        .unwrap_or(c)
                })
                .collect();
            let hint = closest(&name, short.iter().copied())
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            format!("the table has no column `{name}`{hint}")
        })?;
        let number = value.parse::<f64>().ok().filter(|v| v.is_finite());
        if number.is_none() && !matches!(op, Op::Eq | Op::Ne | Op::Has) {
            return Err(format!(
                "`{sym}` compares numbers, and {value:?} is not one"
            ));
        }
        let full = &self.columns[column];
        let set = ["holder.", "lead.", "sector."]
            .iter()
            .any(|p| full.starts_with(p));
        let value = if set { canonical(&value) } else { value };
        self.shown.push_str(&format!("{full} {sym} {value}"));
        Ok(Expr::Compare(Comparison {
            column,
            op,
            number,
            value,
            set,
        }))
    }
}

/// A `+`-joined set with its members sorted, so "b+a" and "a+b" are one text.
pub fn canonical(cell: &str) -> String {
    if !cell.contains('+') {
        return cell.to_string();
    }
    let mut parts: Vec<&str> = cell.split('+').map(str::trim).collect();
    parts.sort_unstable();
    parts.join("+")
}

impl Outcome {
    /// Parses an outcome against the table's columns. A bare flag kind or severity stands for
    /// its count column (`mission_drift` is `flags.mission_drift`).
    pub fn parse(text: &str, columns: &[String]) -> Result<Outcome, String> {
        let fail = |why: String| format!("--outcome {text:?}: {why}");
        let mut p = Parser {
            tokens: tokens(text).map_err(fail)?,
            at: 0,
            columns,
            shown: String::new(),
        };
        let expr = p.or().map_err(fail)?;
        if p.at != p.tokens.len() {
            return Err(fail(
                "unexpected text after the outcome: join comparisons with `and` or `or`".into(),
            ));
        }
        Ok(Outcome {
            text: p.shown,
            expr,
        })
    }

    /// The outcome as it reads in reports, with the columns' full names.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether a row meets the outcome; an empty cell (an infeasible run's counts) meets no
    /// comparison.
    pub fn holds(&self, fields: &[String]) -> bool {
        eval(&self.expr, fields)
    }
}

fn eval(e: &Expr, fields: &[String]) -> bool {
    match e {
        Expr::Compare(c) => compare(c, fields),
        Expr::Not(inner) => !eval(inner, fields),
        Expr::And(a, b) => eval(a, fields) && eval(b, fields),
        Expr::Or(a, b) => eval(a, fields) || eval(b, fields),
    }
}

fn compare(c: &Comparison, fields: &[String]) -> bool {
    let cell = fields[c.column].as_str();
    if cell.is_empty() {
        return false;
    }
    if c.op == Op::Has {
        return cell.split('+').any(|m| m.trim() == c.value);
    }
    if c.set {
        let same = canonical(cell) == c.value;
        return match c.op {
            Op::Eq => same,
            Op::Ne => !same,
            _ => false,
        };
    }
    match (c.number, cell.parse::<f64>()) {
        (Some(v), Ok(x)) => match c.op {
            Op::Gt => x > v,
            Op::Ge => x >= v,
            Op::Lt => x < v,
            Op::Le => x <= v,
            Op::Eq => x == v,
            Op::Ne => x != v,
            Op::Has => false,
        },
        _ => match c.op {
            Op::Eq => cell == c.value,
            Op::Ne => cell != c.value,
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<String> {
        [
            "run",
            "status",
            "objective",
            "flags.mission_drift",
            "holder.research",
            "sector.commercialisation",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn row(
        status: &str,
        objective: &str,
        drift: &str,
        holders: &str,
        sectors: &str,
    ) -> Vec<String> {
        ["0", status, objective, drift, holders, sectors]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn flag_kinds_stand_for_their_count_column() {
        let o = Outcome::parse("mission_drift > 0", &cols()).unwrap();
        assert_eq!(o.text(), "flags.mission_drift > 0");
        assert!(o.holds(&row("optimal", "1", "2", "a", "business")));
        assert!(!o.holds(&row("optimal", "1", "0", "a", "business")));
        assert!(!o.holds(&row("infeasible", "", "", "", "")));
    }

    #[test]
    fn text_comparisons_and_misspelt_columns() {
        let o = Outcome::parse("status == infeasible", &cols()).unwrap();
        assert!(o.holds(&row("infeasible", "", "", "", "")));
        let e = Outcome::parse("mision_drift > 0", &cols()).unwrap_err();
        assert!(e.contains("did you mean `mission_drift`"), "{e}");
        assert!(Outcome::parse("objective > high", &cols()).is_err());
        assert!(Outcome::parse("objective", &cols()).is_err());
        assert!(Outcome::parse("objective > 1 objective < 3", &cols()).is_err());
        assert!(Outcome::parse("(objective > 1", &cols()).is_err());
    }

    #[test]
    fn and_or_not_and_parentheses_combine_comparisons_with_the_usual_precedence() {
        let o = Outcome::parse(
            "status == infeasible or mission_drift > 0 and not (objective >= 20)",
            &cols(),
        )
        .unwrap();
        assert_eq!(
            o.text(),
            "status == infeasible or flags.mission_drift > 0 and not (objective >= 20)"
        );
        assert!(o.holds(&row("infeasible", "", "", "", "")));
        assert!(o.holds(&row("optimal", "10", "1", "a", "b")));
        assert!(!o.holds(&row("optimal", "25", "1", "a", "b")));
        assert!(!o.holds(&row("optimal", "10", "0", "a", "b")));
        let grouped = Outcome::parse(
            "(status == infeasible or mission_drift > 0) && objective < 20",
            &cols(),
        )
        .unwrap();
        assert!(!grouped.holds(&row("infeasible", "", "", "", "")));
    }

    #[test]
    fn holders_compare_as_sets_and_has_asks_for_a_member() {
        let o = Outcome::parse("holder.research == b+a", &cols()).unwrap();
        assert_eq!(o.text(), "holder.research == a+b");
        assert!(o.holds(&row("optimal", "1", "0", "a+b", "x")));
        assert!(o.holds(&row("optimal", "1", "0", "b+a", "x")));
        assert!(!o.holds(&row("optimal", "1", "0", "a", "x")));
        let has = Outcome::parse("sector.commercialisation has civil_society", &cols()).unwrap();
        assert!(has.holds(&row("optimal", "1", "0", "a", "business+civil_society")));
        assert!(!has.holds(&row("optimal", "1", "0", "a", "business")));
    }
}
