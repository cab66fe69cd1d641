//! One run of a sweep: its design point applied to a base line-up (and, when factors touch
//! them, to a copy of the rules), solved, and boiled down to what a row reports.
//!
//! A run depends on the spec and its run id only, so any thread or shard computes the same row.
//! The base scenarios and the knowledge base are validated once; a run clones the line-up it
//! changes (and the knowledge base only when a factor changes it).

use super::design::Points;
use super::spec::{Spec, Target};
use crate::generate::{Rng, line_up, mix};
use crate::kb::{Advantage, KnowledgeBase, RoleIx, Severity, Strength};
use crate::model::{self, Problem};
use crate::scenario::LineUp;
use crate::solve::{self, Status};
use std::time::{Duration, Instant};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// The solver finished: optimal, feasible (stopped by a limit) or infeasible.
    Solved(Status),
    /// The solver failed (or ran out of time without a line-up); the row has no results.
    Error,
}

impl RunStatus {
    /// The status as written in the `status` column.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Solved(s) => s.name(),
            RunStatus::Error => "error",
        }
    }
}

/// What one run found: a row of the output before formatting.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Run id, `0..Plan::runs()`: from it come the scenario, design point and replicate.
    pub id: u64,
    /// Index of the base scenario in [`Spec::bases`] (0 for generated consortia).
    pub scenario: usize,
    /// Replicate number, `0..replicates`: same point, another noise seed.
    pub replicate: u32,
    /// The value of each factor (booleans as 0/1, choices as their index).
    pub values: Vec<f64>,
    /// How the solve ended; the result fields below are zero or empty unless it found a line-up.
    pub status: RunStatus,
    /// Objective of the line-up found: value plus rule bonuses minus penalties (0 without one).
    pub objective: f64,
    /// Share of needed importance covered, 0 to 1 (0 without a line-up).
    pub coverage: f64,
    /// Needs with fewer partners than their minimum.
    pub uncovered: u32,
    /// Flags raised, by kind (in [`Plan::kinds`] order) and by severity (info..high).
    pub kinds: Vec<u32>,
    /// Flags raised, by severity: info, low, medium, high.
    pub severities: [u32; 4],
    /// For each role of [`Plan::roles`]: its holders' partner ids and their sectors, each
    /// sorted by id and joined by `+` (so one set of holders is always one text), and the
    /// lead's id; `-` when nobody holds a needed role; empty when the run does not need it.
    pub holders: Vec<String>,
    /// For each role of [`Plan::roles`]: the lead's partner id; `-` when it has no lead or no
    /// holder, empty when the run does not need the role.
    pub leads: Vec<String>,
    /// For each role of [`Plan::roles`]: its holders' sector ids, sorted and joined by `+`; `-` and
    /// empty as for `holders`.
    pub sectors: Vec<String>,
    /// Time spent building and solving the model: the one column that is not reproducible.
    pub elapsed: Duration,
}

/// A worker's reusable state: cloning the knowledge base for every run showed in profiles.
#[derive(Debug, Default)]
pub struct Scratch {
    kb: Option<KnowledgeBase>,
}

/// A compiled sweep: the spec, its design, and the columns every row has.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The validated sweep this plan runs.
    pub spec: Spec,
    points: Points,
    /// Flag kinds the rules can raise, sorted: one count column each.
    pub kinds: Vec<String>,
    /// Roles any run can need, sorted by id: one holder and one sector column each.
    pub roles: Vec<RoleIx>,
    kb_factors: bool,
}

impl Plan {
    /// Compiles `spec`: its design points and the flag-kind and role columns of every row.
    pub fn new(spec: Spec) -> Plan {
        let mut kinds: Vec<String> = spec
            .kb
            .rules
            .iter()
            .filter_map(|r| r.effect.flag.as_ref().map(|f| f.kind.clone()))
            .collect();
        kinds.sort();
        kinds.dedup();
        let mut roles: Vec<RoleIx> = spec
            .bases
            .iter()
            .flat_map(|b| &b.line_ups)
            .flat_map(|(_, l)| l.needs.iter().map(|n| n.role))
            .collect();
        if let Some(g) = &spec.generate {
            let most = spec
                .factors
                .iter()
                .filter(|f| f.target == Target::GenerateRoles)
                .flat_map(|f| f.domain.grid(1).into_iter().chain(range_top(&f.domain)))
                .fold(g.roles as f64, f64::max) as usize;
            roles.extend((0..most.min(spec.kb.roles.len())).map(|r| RoleIx(r as u32)));
        }
        roles.sort_by(|a, b| spec.kb.role(*a).id.cmp(&spec.kb.role(*b).id));
        roles.dedup();
        let kb_factors = spec.factors.iter().any(|f| f.target.touches_kb());
        Plan {
            points: Points::new(&spec),
            kinds,
            roles,
            kb_factors,
            spec,
        }
    }

    /// Number of runs of the whole sweep: scenarios x design points x replicates.
    pub fn runs(&self) -> u64 {
        self.spec.runs()
    }

    /// Runs one run of the sweep.
    pub fn run(&self, id: u64) -> RunResult {
        self.run_with(id, &mut Scratch::default())
    }

    /// Runs one run, reusing a worker's scratch space (its copy of the knowledge base).
    pub fn run_with(&self, id: u64, scratch: &mut Scratch) -> RunResult {
        let spec = &self.spec;
        let replicate = (id % spec.replicates as u64) as u32;
        let rest = id / spec.replicates as u64;
        let point = rest % spec.points();
        let scenario = (rest / spec.points()) as usize;
        let mut values = Vec::with_capacity(spec.factors.len());
        self.points.values(point, &mut values);
        self.run_at(id, scenario, replicate, values, scratch)
    }

    /// Runs the sweep at explicit factor values (in [`Spec::factors`] order, encoded as
    /// [`super::spec::Factor::encode`] encodes them) instead of a design point: what
    /// `rolefit.evaluate` calls. `id` seeds the noise and generated consortia as a run id does.
    pub fn run_at(
        &self,
        id: u64,
        scenario: usize,
        replicate: u32,
        values: Vec<f64>,
        scratch: &mut Scratch,
    ) -> RunResult {
        let spec = &self.spec;
        let seed = mix(spec.design.seed(), id);
        let kb: &KnowledgeBase = if self.kb_factors {
            // Every run sets every field its factors touch, so a worker's copy needs no reset.
            let kb = scratch.kb.get_or_insert_with(|| spec.kb.clone());
            for (f, &v) in spec.factors.iter().zip(&values) {
                apply_kb(kb, &f.target, v);
            }
            kb
        } else {
            &spec.kb
        };
        let mut line_up = self.line_up(kb, scenario, &values, seed);
        self.apply_line_up(&mut line_up, &values, seed);
        let started = Instant::now();
        let mut problem = Problem::new(kb, &line_up);
        // Envelope rows: remembered across runs (`model::envelope`), they cost nothing after the
        // first run and save branch and bound nodes on every run whose partners' limits bind.
        problem.tighten();
        let milp = model::build(&problem);
        let options = solve::Options {
            time_limit: spec.time_limit,
            batch: true,
            ..solve::Options::default()
        };
        let solved = solve::solve(&problem, &milp, &options);
        let elapsed = started.elapsed();
        let mut result = RunResult {
            id,
            scenario,
            replicate,
            values,
            status: RunStatus::Error,
            objective: 0.0,
            coverage: 0.0,
            uncovered: 0,
            kinds: vec![0; self.kinds.len()],
            severities: [0; 4],
            holders: vec![String::new(); self.roles.len()],
            leads: vec![String::new(); self.roles.len()],
            sectors: vec![String::new(); self.roles.len()],
            elapsed,
        };
        match solved {
            Ok(s) => {
                result.status = RunStatus::Solved(s.status);
                if let Some(a) = &s.assignment {
                    self.summarise(&problem, a, &mut result);
                }
            }
            Err(e) => tracing::warn!(run = id, error = %e, "run failed"),
        }
        result
    }

    fn line_up(&self, kb: &KnowledgeBase, scenario: usize, values: &[f64], seed: u64) -> LineUp {
        let spec = &self.spec;
        if let Some(profile) = &spec.generate {
            let mut profile = profile.clone();
            for (f, &v) in spec.factors.iter().zip(values) {
                match f.target {
                    Target::GenerateCount(s) => {
                        match profile.sectors.iter_mut().find(|(x, _)| *x == s) {
                            Some(entry) => entry.1 = v as usize,
                            None => profile.sectors.push((s, v as usize)),
                        }
                    }
                    Target::GenerateNoise => profile.noise = v,
                    Target::GenerateRoles => profile.roles = v as usize,
                    _ => {}
                }
            }
            return line_up(kb, &profile, seed);
        }
        let variant = spec
            .factors
            .iter()
            .zip(values)
            .find(|(f, _)| f.target == Target::Variant)
            .map_or(0, |(_, &v)| v as usize);
        spec.bases[scenario].line_ups[variant].1.clone()
    }

    /// Applies the factors that change partners and needs, after the noise they override.
    fn apply_line_up(&self, l: &mut LineUp, values: &[f64], seed: u64) {
        let spec = &self.spec;
        let noise = spec
            .factors
            .iter()
            .zip(values)
            .find(|(f, _)| f.target == Target::Noise)
            .map_or(spec.noise, |(_, &v)| v);
        for (f, &v) in spec.factors.iter().zip(values) {
            if let Target::SectorStrength(s, c) = f.target {
                for p in l.partners.iter_mut().filter(|p| p.sector == s) {
                    if !p.is_stated(c) {
                        p.strengths[c.index()] = v;
                    }
                }
            }
        }
        if noise > 0.0 {
            let mut rng = Rng::new(mix(seed, 0x006E_6F69_7365));
            for p in &mut l.partners {
                for s in p.strengths.iter_mut().filter(|s| **s > 0.0) {
                    *s = (*s + (rng.unit() * 2.0 - 1.0) * noise).clamp(0.0, 1.0);
                }
            }
        }
        for (f, &v) in spec.factors.iter().zip(values) {
            match &f.target {
                Target::Capacity(id) => {
                    if let Some(p) = l.partners.iter_mut().find(|p| &p.id == id) {
                        p.capacity = v as u32;
                    }
                }
                Target::Capability(id, c) => {
                    if let Some(p) = l.partners.iter_mut().find(|p| &p.id == id) {
                        p.strengths[c.index()] = v;
                        if !p.stated.contains(c) {
                            p.stated.push(*c);
                        }
                    }
                }
                Target::Present(id) if v == 0.0 => {
                    l.partners.retain(|p| &p.id != id);
                    l.pins.retain(|p| &p.partner != id);
                }
                Target::Importance(r) | Target::NeedMin(r) | Target::NeedMax(r) => {
                    if let Some(n) = l.needs.iter_mut().find(|n| n.role == *r) {
                        match f.target {
                            Target::Importance(_) => n.importance = v as u32,
                            Target::NeedMin(_) => n.min = v as u32,
                            _ => n.max = v as u32,
                        }
                    }
                }
                Target::MinSectors => l.min_sectors = Some(v as u32),
                _ => {}
            }
        }
    }

    /// Objective, coverage, flag counts and holders of a solved run: the figures `explain`
    /// reports, read from the same rule instances (and the money account for the `Financing`
    /// rules' flags).
    fn summarise(&self, p: &Problem, a: &model::Assignment, out: &mut RunResult) {
        out.objective = p.objective(a);
        out.coverage = p.coverage(a);
        out.uncovered = (0..p.needs.len())
            .filter(|&j| (a.count(j) as u32) < p.needs[j].min)
            .count() as u32;
        for inst in &p.instances {
            let rule = p.kb.rule(inst.rule);
            let Some(flag) = &rule.effect.flag else {
                continue;
            };
            if p.amount(inst, a) <= 1e-9 {
                continue;
            }
            if let Ok(k) = self.kinds.binary_search(&flag.kind) {
                out.kinds[k] += 1;
            }
            out.severities[flag.severity as usize] += 1;
        }
        // The money account's flags (`Financing` rules) are read from the account itself.
        if let Some((_, flags)) = crate::explain::money::account(p, a) {
            for flag in flags {
                if let Ok(k) = self.kinds.binary_search(&flag.kind) {
                    out.kinds[k] += 1;
                }
                out.severities[flag.severity as usize] += 1;
            }
        }
        for j in 0..p.needs.len() {
            let Ok(col) = self
                .roles
                .binary_search_by(|r| p.kb.role(*r).id.as_str().cmp(p.role_id(j)))
            else {
                continue;
            };
            // Partners are in id order already.
            let holders: Vec<usize> = (0..p.partners.len()).filter(|&i| a.holds[i][j]).collect();
            if holders.is_empty() {
                out.holders[col] = "-".to_string();
                out.leads[col] = "-".to_string();
                out.sectors[col] = "-".to_string();
                continue;
            }
            out.holders[col] = join(holders.iter().map(|&i| p.partners[i].id.as_str()));
            out.leads[col] =
                a.lead[j].map_or_else(|| "-".to_string(), |i| p.partners[i].id.clone());
            let mut sectors: Vec<&str> = holders
                .iter()
                .map(|&i| p.kb.sector(p.partners[i].sector).id.as_str())
                .collect();
            sectors.sort_unstable();
            out.sectors[col] = join(sectors.into_iter());
        }
    }
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut s = String::new();
    for (k, item) in items.enumerate() {
        if k > 0 {
            s.push('+');
        }
        s.push_str(item);
    }
    s
}

fn range_top(d: &super::spec::Domain) -> Option<f64> {
    match d {
        super::spec::Domain::Range { hi, .. } => Some(*hi),
        super::spec::Domain::Levels(_) => None,
    }
}

fn apply_kb(kb: &mut KnowledgeBase, target: &Target, v: f64) {
    match *target {
        Target::Penalty(r) => kb.rules[r.index()].effect.penalty = v,
        Target::Bonus(r) => kb.rules[r.index()].effect.bonus = v,
        Target::Forbid(r) => {
            let rule = &mut kb.rules[r.index()];
            rule.effect.strength_stated = v != 0.0;
            rule.effect.strength = if v != 0.0 {
                Strength::Forbid
            } else {
                Strength::derived(&rule.scope, rule.effect.flag.as_ref())
            };
        }
        Target::Strength(r) => {
            let rule = &mut kb.rules[r.index()];
            rule.effect.strength_stated = true;
            rule.effect.strength =
                [Strength::Forbid, Strength::Avoid, Strength::Price][(v as usize).min(2)];
        }
        Target::Severity(r) => {
            let rule = &mut kb.rules[r.index()];
            if let Some(flag) = rule.effect.flag.as_mut() {
                flag.severity = [
                    Severity::Info,
                    Severity::Low,
                    Severity::Medium,
                    Severity::High,
                ][(v as usize).min(3)];
            }
            // A strength the rule file left to the severity follows it.
            if !rule.effect.strength_stated {
                rule.effect.strength = Strength::derived(&rule.scope, rule.effect.flag.as_ref());
            }
        }
        Target::SupportWeight => kb.settings.support_weight = v,
        Target::AssumedWeight => kb.settings.assumed_weight = v,
        Target::FitFloor => kb.settings.fit_floor = v,
        Target::DefaultMinSectors => kb.settings.min_sectors = v as u32,
        Target::SectorStrength(s, c) => {
            let label = kb.capability(c).label.clone();
            let sector = &mut kb.sectors[s.index()];
            match sector.advantages.iter_mut().find(|a| a.capability == c) {
                Some(a) => a.strength = v,
                None => sector.advantages.push(Advantage {
                    capability: c,
                    label,
                    strength: v,
                    note: None,
                }),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Document, read_source};

    /// A sweep row must report what `rolefit solve` reports for the same line-up.
    #[test]
    fn rows_agree_with_the_full_explanation_on_every_shipped_scenario() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        // Every file of the folder is a scenario, and every one is checked.
        let others: Vec<_> = files
            .iter()
            .filter(|p| p.extension().is_none_or(|e| e != "ron"))
            .collect();
        assert!(others.is_empty(), "not scenarios: {others:?}");
        let mut checked = 0;
        for file in &files {
            let path = file.display().to_string();
            let text = read_source(&path).unwrap().text;
            let plan = crate::sweep::from_text(
                "Sweep(scenarios: [\"s.ron\"], design: FullFactorial(seed: 0))",
                &[("s.ron", text.as_str())],
            )
            .unwrap();
            assert_eq!(plan.runs(), 1);
            let row = plan.run(0);
            let kb = crate::default_knowledge_base().unwrap();
            let doc = Document::parse(crate::source::Source::new("s.ron", text.as_str()));
            let scenario = crate::validate_scenario(&kb, &doc).unwrap();
            let outcome = crate::solve_line_up(&kb, &scenario.base(), &Default::default()).unwrap();
            assert_eq!(row.status, RunStatus::Solved(outcome.status), "{path}");
            assert!((row.objective - outcome.objective).abs() < 1e-9, "{path}");
            assert!((row.coverage - outcome.coverage).abs() < 1e-9, "{path}");
            for (k, kind) in plan.kinds.iter().enumerate() {
                let n = outcome.flags.iter().filter(|f| &f.kind == kind).count() as u32;
                assert_eq!(row.kinds[k], n, "{path}: {kind}");
            }
            assert_eq!(row.uncovered as usize, outcome.uncovered.len(), "{path}");
            for (c, role) in plan.roles.iter().enumerate() {
                let id = &kb.role(*role).id;
                let mut holders: Vec<&str> = outcome
                    .assignments
                    .iter()
                    .filter(|a| &a.role == id)
                    .map(|a| a.partner.as_str())
                    .collect();
                holders.sort();
                let lead = outcome
                    .assignments
                    .iter()
                    .find(|a| &a.role == id && a.lead)
                    .map_or("-", |a| a.partner.as_str());
                let expected = holders.join("+");
                let expected = if expected.is_empty() {
                    "-".to_string()
                } else {
                    expected
                };
                assert_eq!(row.holders[c], expected, "{path}: {id}");
                assert_eq!(row.leads[c], lead, "{path}: {id}");
            }
            checked += 1;
        }
        assert_eq!(checked, files.len());
        assert!(checked >= 7, "only {checked} shipped scenarios checked");
    }

    #[test]
    fn a_run_depends_only_on_its_id() {
        let plan = crate::sweep::from_text(
            r#"Sweep(
                generate: Generate(roles: 8, sectors: { "business": 2, "government": 2, "civil_society": 2 }),
                factors: [Factor(path: "rules.civil_society_commercial_role.penalty", range: (0.0, 10.0))],
                design: MonteCarlo(n: 20, seed: 4),
            )"#,
            &[],
        )
        .unwrap();
        let forward: Vec<_> = (0..20).map(|i| plan.run(i)).collect();
        for i in (0..20).rev() {
            let again = plan.run(i);
            assert_eq!(again.values, forward[i as usize].values);
            assert_eq!(again.holders, forward[i as usize].holders);
            assert_eq!(again.objective, forward[i as usize].objective);
        }
    }
}
