//! Factor paths (`partners.msas.capacity`) resolved to what they change.

use super::*;

/// Resolves a dotted path (`partners.msas.capacity`) to what it changes.
pub(super) fn target(
    sink: &mut Sink,
    spec: &Spec,
    path: &Spanned<String>,
    at: &str,
) -> Option<Target> {
    let kb = &spec.kb;
    let parts: Vec<&str> = path.value.split('.').collect();
    let generated = spec.generate.is_some();
    let caps: Vec<&str> = kb.capabilities.iter().map(|c| c.id.as_str()).collect();
    let sectors: Vec<&str> = kb.sectors.iter().map(|s| s.id.as_str()).collect();
    let tops = [
        "partners",
        "needs",
        "rules",
        "sectors",
        "settings",
        "min_sectors",
        "noise",
        "variant",
        "generate",
    ];
    let mut p = Path {
        sink,
        spec,
        path,
        at,
    };
    match parts.as_slice() {
        ["partners", id, rest @ ..] => p.partner(id, rest),
        ["needs", role, rest @ ..] => p.need(role, rest),
        ["rules", id, rest @ ..] => p.rule(id, rest),
        ["sectors", id, "capabilities", cap] => {
            let Some(s) = kb.sector_by_id(id) else {
                return p.fail(format!("unknown sector `{id}`"), sectors, id);
            };
            match kb.capability_by_id(cap) {
                Some(c) => Some(Target::SectorStrength(s, c)),
                None => p.fail(format!("unknown capability `{cap}`"), caps, cap),
            }
        }
        ["settings", "support_weight"] => Some(Target::SupportWeight),
        ["settings", "min_sectors"] => Some(Target::DefaultMinSectors),
        ["settings", "assumed_weight"] => Some(Target::AssumedWeight),
        ["settings", "fit_floor"] => Some(Target::FitFloor),
        ["settings", field] => p.fail(
            format!("no sweepable setting `{field}`"),
            vec![
                "support_weight",
                "min_sectors",
                "assumed_weight",
                "fit_floor",
            ],
            field,
        ),
        ["min_sectors"] => Some(Target::MinSectors),
        ["noise"] => Some(Target::Noise),
        ["variant"] if generated => p.fail(
            "generated consortia have no variants".into(),
            Vec::new(),
            "",
        ),
        ["variant"] => p.variant(),
        ["generate", ..] if !generated => p.fail(
            "`generate.*` factors need `generate: Generate(...)` in the sweep".into(),
            Vec::new(),
            "",
        ),
        ["generate", "sectors", id] => match kb.sector_by_id(id) {
            Some(s) => Some(Target::GenerateCount(s)),
            None => p.fail(format!("unknown sector `{id}`"), sectors, id),
        },
        ["generate", "noise"] => Some(Target::GenerateNoise),
        ["generate", "roles"] => Some(Target::GenerateRoles),
        ["generate", field, ..] => p.fail(
            format!("no sweepable generator field `{field}`"),
            vec!["sectors", "noise", "roles"],
            field,
        ),
        [first, ..] => {
            let hint = closest(first, tops).map(|c| format!("; did you mean `{c}`?"));
            p.sink
                .error(
                    path.span,
                    at,
                    format!(
                        "`{}` is not a sweepable path{}",
                        path.value,
                        hint.unwrap_or_default()
                    ),
                )
                .help(format!("paths: {}", PATHS.join(", ")));
            None
        }
        [] => None,
    }
}

/// A path being resolved: where problems go, and what the path is resolved against.
struct Path<'a, 's, 'd> {
    sink: &'a mut Sink<'s>,
    spec: &'d Spec,
    path: &'d Spanned<String>,
    at: &'d str,
}

impl Path<'_, '_, '_> {
    /// Reports the path as wrong, suggesting the closest of `known` to `written`.
    fn fail(&mut self, message: String, known: Vec<&str>, written: &str) -> Option<Target> {
        let d = self.sink.error(self.path.span, self.at, message);
        if !written.is_empty() {
            d.suggest(written, known.iter().copied());
        }
        if d.help.is_none() && !known.is_empty() && known.len() <= 12 {
            d.help(format!("expected one of: {}", known.join(", ")));
        }
        None
    }

    /// `partners.<id>.<field>`.
    fn partner(&mut self, id: &str, rest: &[&str]) -> Option<Target> {
        let (spec, kb) = (self.spec, &self.spec.kb);
        let generated = spec.generate.is_some();
        // Partner ids of every line-up of every base (variants may add partners).
        let mut partner_ids: Vec<&str> = spec
            .bases
            .iter()
            .flat_map(|b| &b.line_ups)
            .flat_map(|(_, l)| l.partners.iter().map(|p| p.id.as_str()))
            .collect();
        partner_ids.sort_unstable();
        partner_ids.dedup();
        let caps: Vec<&str> = kb.capabilities.iter().map(|c| c.id.as_str()).collect();
        if generated {
            return self.fail(
            "generated consortia have no fixed partners: vary `generate.sectors.<sector>` or `sectors.<sector>.capabilities.<capability>` instead".into(),
            Vec::new(),
            "",
        );
        }
        if !partner_ids.contains(&id) {
            return self.fail(
                format!("no partner `{id}` in the base scenario(s)"),
                partner_ids,
                id,
            );
        }
        match rest {
            ["capacity"] => Some(Target::Capacity(id.to_string())),
            ["present"] => Some(Target::Present(id.to_string())),
            ["capabilities", cap] => match kb.capability_by_id(cap) {
                Some(c) => Some(Target::Capability(id.to_string(), c)),
                None => self.fail(format!("unknown capability `{cap}`"), caps, cap),
            },
            [field, ..] => self.fail(
                format!("a partner has no sweepable field `{field}`"),
                vec!["capacity", "capabilities", "present"],
                field,
            ),
            [] => self.fail(
                "name the partner's field: `capacity`, `capabilities.<id>` or `present`".into(),
                Vec::new(),
                "",
            ),
        }
    }

    /// `needs.<role>.<field>`.
    fn need(&mut self, role: &str, rest: &[&str]) -> Option<Target> {
        let (spec, kb) = (self.spec, &self.spec.kb);
        let generated = spec.generate.is_some();
        let roles: Vec<&str> = kb.roles.iter().map(|r| r.id.as_str()).collect();
        let Some(r) = kb.role_by_id(role) else {
            return self.fail(format!("unknown role `{role}`"), roles, role);
        };
        let needed = generated
            || spec
                .bases
                .iter()
                .all(|b| b.line_ups[0].1.needs.iter().any(|n| n.role == r));
        if !needed {
            return self.fail(
                format!("the base scenario(s) do not need `{role}`"),
                Vec::new(),
                "",
            );
        }
        match rest {
            ["importance"] => Some(Target::Importance(r)),
            ["min"] => Some(Target::NeedMin(r)),
            ["max"] => Some(Target::NeedMax(r)),
            [field, ..] => self.fail(
                format!("a need has no sweepable field `{field}`"),
                vec!["importance", "min", "max"],
                field,
            ),
            [] => self.fail(
                "name the need's field: `importance`, `min` or `max`".into(),
                Vec::new(),
                "",
            ),
        }
    }

    /// `rules.<id>.<field>`.
    fn rule(&mut self, id: &str, rest: &[&str]) -> Option<Target> {
        let kb = &self.spec.kb;
        let rules: Vec<&str> = kb.rules.iter().map(|r| r.id.as_str()).collect();
        let Some(r) = kb.rule_by_id(id) else {
            return self.fail(format!("unknown rule `{id}`"), rules, id);
        };
        let rule = kb.rule(r);
        match rest {
            ["penalty"] => Some(Target::Penalty(r)),
            ["bonus"] => Some(Target::Bonus(r)),
            ["forbid"] => Some(Target::Forbid(r)),
            ["strength"] => Some(Target::Strength(r)),
            ["severity"] if rule.effect.flag.is_some() => Some(Target::Severity(r)),
            ["severity"] => self.fail(
                format!("rule `{id}` raises no flag, so it has no severity"),
                Vec::new(),
                "",
            ),
            [field, ..] => self.fail(
                format!("a rule has no sweepable field `{field}`"),
                vec!["penalty", "bonus", "severity", "forbid", "strength"],
                field,
            ),
            [] => self.fail(
                "name the rule's field: `penalty`, `bonus`, `severity`, `forbid` or `strength`"
                    .into(),
                Vec::new(),
                "",
            ),
        }
    }

    /// `variant`: the base scenarios must have the same variants.
    fn variant(&mut self) -> Option<Target> {
        let spec = self.spec;
        let names = |b: &Base| {
            b.line_ups
                .iter()
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>()
        };
        let first = spec.bases.first().map(names).unwrap_or_default();
        if spec.bases.iter().any(|b| names(b) != first) {
            return self.fail(
                "a `variant` factor needs base scenarios with the same variants, in the same order"
                    .into(),
                Vec::new(),
                "",
            );
        }
        Some(Target::Variant)
    }
}
