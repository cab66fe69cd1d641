//! Gathers the four answers for each partner from the problem (sector profiles, the partner's
//! own strengths) and the explained outcome (roles, flags, risks avoided).

use super::*;
use crate::explain::round;
use crate::kb::{Row, RuleSource, SectorIx};
use crate::model::Problem;
use crate::scenario::Partner;

/// Everything the pages need, computed once; partner `k` and role `r` are in the scenario's order.
struct Ctx<'a, 'k> {
    p: &'a Problem<'k>,
    o: &'a Outcome,
}

impl Ctx<'_, '_> {
    fn kb(&self) -> &KnowledgeBase {
        self.p.kb
    }

    /// The partner at position `k` of the scenario.
    fn partner(&self, k: usize) -> &Partner {
        &self.p.partners[self.p.partner_order[k]]
    }

    fn holds(&self, k: usize, r: usize) -> bool {
        self.o.cells[k][r].held
    }

    /// Table 1's wording of a row of a sector: "Table 1, government, motives for collaboration".
    fn row_source(&self, sector: SectorIx, row: Row) -> String {
        let s = self.kb().sector(sector);
        format!("{}, {}, {}", s.table, s.name.to_lowercase(), row.title())
    }

    fn held_roles(&self, k: usize) -> Vec<HeldRole> {
        let id = &self.o.partners[k].id;
        self.o
            .roles
            .iter()
            .filter_map(|role| {
                self.o
                    .assignments
                    .iter()
                    .find(|a| a.role == role.id && &a.partner == id)
            })
            .map(|a| HeldRole {
                role: a.role.clone(),
                role_name: a.role_name.clone(),
                lead: a.lead,
                pinned: a.pinned,
                fit: a.fit,
            })
            .collect()
    }
}

/// The briefs of an explained line-up.
pub fn build(p: &Problem, o: &Outcome) -> Brief {
    let c = Ctx { p, o };
    let line_up = (0..o.partners.len())
        .map(|k| Member {
            id: o.partners[k].id.clone(),
            name: o.partners[k].name.clone(),
            sector_name: c.kb().sector(c.partner(k).sector).name.clone(),
            roles: c.held_roles(k),
        })
        .collect();
    Brief {
        scenario: o.scenario.clone(),
        variant: o.variant.clone(),
        status: o.status,
        objective: o.objective,
        coverage: o.coverage,
        notes: o.notes.clone(),
        conflict: o.conflict.clone(),
        robustness: o.robustness.clone(),
        line_up,
        partners: (0..o.partners.len()).map(|k| page(&c, k)).collect(),
    }
}

fn page(c: &Ctx, k: usize) -> PartnerBrief {
    let partner = c.partner(k);
    let sector = c.kb().sector(partner.sector);
    PartnerBrief {
        id: partner.id.clone(),
        name: partner.name.clone(),
        sector: sector.id.clone(),
        sector_name: sector.name.clone(),
        capacity: partner.capacity,
        roles: c.held_roles(k),
        firmness: firmness(c, k),
        motivation: motivation(c, k),
        competencies: competencies(c, k),
        risks: risks(c, k),
        success: success(c, k),
    }
}

fn firmness(c: &Ctx, k: usize) -> Option<Firmness> {
    let r = c.o.robustness.as_ref()?;
    let id = &c.o.partners[k].id;
    let roles = c
        .held_roles(k)
        .into_iter()
        .filter_map(|h| Some((h.role_name, r.held(id, &h.role)?.clone())))
        .collect();
    let concerns = |call: &CloseCall| {
        call.runner_up.as_ref() == Some(id)
            || call
                .instead
                .as_ref()
                .is_some_and(|i| i.partner.as_ref() == Some(id))
    };
    Some(Firmness {
        roles,
        close_calls: r
            .close_calls
            .iter()
            .filter(|call| &call.partner == id)
            .cloned()
            .collect(),
        could_win: r
            .close_calls
            .iter()
            .filter(|call| &call.partner != id && concerns(call))
            .cloned()
            .collect(),
    })
}

fn motivation(c: &Ctx, k: usize) -> Motivation {
    let kb = c.kb();
    let partner = c.partner(k);
    let sector = kb.sector(partner.sector);
    let motives = sector
        .motives
        .iter()
        .map(|m| {
            let ix = kb.motives.iter().position(|t| t.id == m.id);
            let served_by = (0..c.o.roles.len())
                .filter(|&r| c.holds(k, r))
                .filter(|&r| {
                    let role = kb.role(c.p.needs[c.p.need_order[r]].role);
                    ix.is_some_and(|ix| role.serves.iter().any(|s| s.index() == ix))
                })
                .map(|r| c.o.roles[r].name.clone())
                .collect();
            let shared_with = (0..c.o.partners.len())
                .filter(|&other| {
                    let q = c.partner(other);
                    q.sector != partner.sector
                        && kb.sector(q.sector).motives.iter().any(|x| x.id == m.id)
                })
                .map(|other| c.o.partners[other].id.clone())
                .collect();
            Motive {
                id: m.id.clone(),
                label: m.label.clone(),
                served_by,
                shared_with,
            }
        })
        .collect();
    let wishes = (0..c.o.roles.len())
        .filter(|&r| partner.wants.contains(&c.p.needs[c.p.need_order[r]].role))
        .map(|r| {
            let role = &c.o.roles[r];
            Wish {
                role: role.id.clone(),
                role_name: role.name.clone(),
                held: c.holds(k, r),
                others: (0..c.o.partners.len())
                    .filter(|&q| q != k && c.holds(q, r))
                    .map(|q| c.o.partners[q].name.clone())
                    .collect(),
            }
        })
        .collect();
    Motivation {
        source: c.row_source(partner.sector, Row::Motives),
        motives,
        wishes,
    }
}

fn strength(c: &Ctx, partner: &Partner, cap: crate::kb::CapIx) -> Strength {
    let kb = c.kb();
    let sector = kb.sector(partner.sector);
    Strength {
        capability: kb.capability(cap).id.clone(),
        label: kb.capability(cap).label.clone(),
        value: round(partner.strength(cap), 2),
        stated: partner.is_stated(cap),
        default: round(partner.default_strength(kb, cap), 2),
        advantage: sector.advantages.iter().any(|a| a.capability == cap),
    }
}

/// A strength as it counts toward fit: in full when stated, discounted when assumed. Stated
/// capabilities come first among equals, as they do in the line-up.
fn counted(kb: &crate::kb::KnowledgeBase, partner: &Partner, cap: crate::kb::CapIx) -> f64 {
    if partner.is_stated(cap) {
        partner.strength(cap)
    } else {
        partner.strength(cap) * kb.settings.assumed_weight
    }
}

fn competencies(c: &Ctx, k: usize) -> Competencies {
    let kb = c.kb();
    let partner = c.partner(k);
    let caps = (0..kb.capabilities.len()).map(|i| crate::kb::CapIx(i as u32));
    let mut strongest: Vec<crate::kb::CapIx> = caps
        .clone()
        .filter(|&cap| partner.strength(cap) > 0.0)
        .collect();
    strongest.sort_by(|&x, &y| {
        counted(kb, partner, y)
            .total_cmp(&counted(kb, partner, x))
            .then_with(|| kb.capability(x).id.cmp(&kb.capability(y).id))
    });
    let strengths = strongest
        .into_iter()
        .take(STRENGTHS)
        .map(|cap| strength(c, partner, cap))
        .collect();
    let below_profile = caps
        .filter(|&cap| {
            partner.is_stated(cap)
                && partner.strength(cap) < partner.default_strength(kb, cap) - 0.2
        })
        .map(|cap| strength(c, partner, cap))
        .collect();
    Competencies {
        source: c.row_source(partner.sector, Row::Advantages),
        strengths,
        below_profile,
        lacks: lacks(c, k),
        others_bring: others_bring(c, k),
        could_also: could_also(c, k),
        to_confirm: c
            .o
            .assumptions
            .iter()
            .filter(|a| a.partner == c.o.partners[k].id)
            .map(|a| a.message.clone())
            .collect(),
    }
}

/// For each role it holds, the capabilities the role needs that it is weak in, and who in the
/// line-up is strong in them: a partner on the same role first, then anyone; else whom to recruit.
fn lacks(c: &Ctx, k: usize) -> Vec<Lack> {
    let kb = c.kb();
    let partner = c.partner(k);
    let mut out = Vec::new();
    for r in (0..c.o.roles.len()).filter(|&r| c.holds(k, r)) {
        let role = kb.role(c.p.needs[c.p.need_order[r]].role);
        let mut needs = role.needs.clone();
        needs.sort_by(|x, y| {
            y.1.total_cmp(&x.1)
                .then_with(|| kb.capability(x.0).id.cmp(&kb.capability(y.0).id))
        });
        for (cap, weight) in needs {
            // What counts toward the fit: a related label's strength covers the need too.
            let own = partner.credit(kb, cap).value;
            if own >= WEAK || weight < MATTERS {
                continue;
            }
            let best = |same_role: bool| {
                (0..c.o.partners.len())
                    .filter(|&q| q != k && c.holds(q, r) == same_role)
                    .map(|q| (c.partner(q).credit(kb, cap).value, q))
                    .filter(|&(s, _)| s >= WEAK && s > own)
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)))
                    .map(|(s, q)| Cover {
                        partner: c.o.partners[q].id.clone(),
                        partner_name: c.o.partners[q].name.clone(),
                        strength: round(s, 2),
                        same_role,
                    })
            };
            let covered_by = best(true).or_else(|| best(false));
            let recruit = if covered_by.is_some() {
                None
            } else {
                kb.sectors
                    .iter()
                    .map(|s| (kb.credit(cap, &|c| (s.default_strength(c), false)).value, s))
                    .filter(|(v, _)| *v >= WEAK)
                    .max_by(|x, y| x.0.total_cmp(&y.0).then_with(|| y.1.id.cmp(&x.1.id)))
                    .map(|(_, s)| s.name.clone())
            };
            out.push(Lack {
                role_name: role.name.clone(),
                capability: kb.capability(cap).id.clone(),
                label: kb.capability(cap).label.clone(),
                weight: round(weight, 2),
                strength: round(own, 2),
                covered_by,
                recruit,
            });
        }
    }
    out
}

/// Roles others hold that it would fill poorly, most important first: what they bring.
fn others_bring(c: &Ctx, k: usize) -> Vec<Complement> {
    let mut out: Vec<Complement> = Vec::new();
    for (r, role) in c.o.roles.iter().enumerate() {
        if c.holds(k, r) {
            continue;
        }
        let own = c.o.cells[k][r].fit;
        let holder = (0..c.o.partners.len())
            .filter(|&q| c.holds(q, r))
            .max_by(|&x, &y| {
                c.o.cells[x][r]
                    .lead
                    .cmp(&c.o.cells[y][r].lead)
                    .then(y.cmp(&x))
            });
        let Some(q) = holder else { continue };
        let theirs = c.o.cells[q][r].fit;
        if own >= WEAK || theirs < own + 0.2 {
            continue;
        }
        out.push(Complement {
            role_name: role.name.clone(),
            importance: role.importance,
            holder: c.o.partners[q].id.clone(),
            holder_name: c.o.partners[q].name.clone(),
            holder_fit: round(theirs, 2),
            own_fit: round(own, 2),
        });
    }
    out.sort_by(|x, y| {
        y.importance
            .cmp(&x.importance)
            .then_with(|| (y.holder_fit - y.own_fit).total_cmp(&(x.holder_fit - x.own_fit)))
            .then_with(|| x.role_name.cmp(&y.role_name))
    });
    out.truncate(COMPLEMENTS);
    out
}

/// Roles it does not hold but could: open to it and a good fit.
fn could_also(c: &Ctx, k: usize) -> Vec<Alternative> {
    let mut out: Vec<(f64, Alternative)> =
        c.o.roles
            .iter()
            .enumerate()
            .filter(|&(r, _)| {
                let cell = &c.o.cells[k][r];
                !cell.held && !cell.blocked && cell.fit >= WEAK
            })
            .map(|(r, role)| {
                let fit = c.o.cells[k][r].fit;
                let holders = (0..c.o.partners.len())
                    .filter(|&q| c.holds(q, r))
                    .map(|q| c.o.partners[q].id.clone())
                    .collect();
                (
                    fit,
                    Alternative {
                        role_name: role.name.clone(),
                        fit: round(fit, 2),
                        holders,
                    },
                )
            })
            .collect();
    out.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| x.1.role_name.cmp(&y.1.role_name))
    });
    out.into_iter().take(ALTERNATIVES).map(|(_, a)| a).collect()
}

fn risks(c: &Ctx, k: usize) -> Risks {
    let kb = c.kb();
    let partner = c.partner(k);
    let id = &partner.id;
    let flags: Vec<Flag> =
        c.o.flags
            .iter()
            .filter(|f| f.partner.as_deref() == Some(id))
            .cloned()
            .collect();
    let avoided: Vec<Avoided> =
        c.o.avoided
            .iter()
            .filter(|a| &a.partner == id)
            .cloned()
            .collect();
    let sector = kb.sector(partner.sector);
    let sector_risks = sector
        .risks
        .iter()
        .map(|risk| {
            let rules: Vec<RuleRef> = kb
                .rules
                .iter()
                .filter(|rule| {
                    matches!(&rule.source, RuleSource::Cell { sector: s, row: Row::Risks, item }
                        if *s == partner.sector && item == &risk.id)
                })
                .map(|rule| RuleRef {
                    id: rule.id.clone(),
                    description: rule.description.clone(),
                })
                .collect();
            let cites = |rule: &str| rules.iter().any(|r| r.id == rule);
            let mut raised: Vec<String> = flags
                .iter()
                .filter(|f| cites(&f.rule))
                .map(|f| f.rule.clone())
                .collect();
            raised.sort();
            raised.dedup();
            let mut kept_out: Vec<String> = avoided
                .iter()
                .filter(|a| cites(&a.rule))
                .map(|a| a.role.clone())
                .collect();
            kept_out.sort();
            kept_out.dedup();
            SectorRisk {
                id: risk.id.clone(),
                label: risk.label.clone(),
                rules,
                raised,
                avoided: kept_out,
            }
        })
        .collect();
    Risks {
        flags,
        avoided,
        source: c.row_source(partner.sector, Row::Risks),
        sector_risks,
    }
}

fn success(c: &Ctx, k: usize) -> Success {
    let kb = c.kb();
    let own = c.partner(k).sector;
    let mut others: Vec<(SectorIx, Vec<String>)> = Vec::new();
    for q in 0..c.o.partners.len() {
        let s = c.partner(q).sector;
        if s == own {
            continue;
        }
        let id = c.o.partners[q].id.clone();
        match others.iter_mut().find(|(x, _)| *x == s) {
            Some((_, ids)) => ids.push(id),
            None => others.push((s, vec![id])),
        }
    }
    Success {
        source: c.row_source(own, Row::Rewards),
        rewards: kb
            .sector(own)
            .rewards
            .iter()
            .map(|r| r.label.clone())
            .collect(),
        others: others
            .into_iter()
            .map(|(s, partners)| OtherSector {
                sector_name: kb.sector(s).name.clone(),
                partners,
                rewards: kb
                    .sector(s)
                    .rewards
                    .iter()
                    .map(|r| r.label.clone())
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Document;
    use crate::source::Source;

    /// A line-up where every answer has something to say: a pinned weak partner beside a strong
    /// one on the same role, a need nobody in the line-up meets, a small NGO carrying two roles.
    const SCENARIO: &str = r#"Scenario(
        name: "Brief test",
        needs: [
            Need(role: "policy_framework", importance: 4),
            Need(role: "community_outreach", importance: 4, min: 2, max: 2),
            Need(role: "health_education", importance: 3),
            Need(role: "solution_development", importance: 3),
            Need(role: "data_and_analytics", importance: 2),
        ],
        partners: [
            Partner(id: "moh", name: "Ministry of Health", sector: "government", capacity: 1),
            Partner(id: "ngo", name: "Community NGO", sector: "civil_society", attributes: ["small_organisation"]),
            Partner(id: "acme", name: "Acme Health Tech", sector: "business", capacity: 3,
                capabilities: { "investment_for_solutions_development": 0.3 }),
            Partner(id: "city", name: "City council", sector: "government", capacity: 1,
                capabilities: { "community_access_and_outreach": 0.4 }),
        ],
        pins: [Pin(partner: "city", role: "community_outreach"), Pin(partner: "ngo", role: "health_education")],
    )"#;

    fn brief(text: &str) -> Brief {
        let kb = crate::default_knowledge_base().unwrap();
        let doc = Document::parse(Source::new("brief.ron", text));
        let scenario = crate::validate_scenario(&kb, &doc).unwrap();
        brief_line_up(
            &kb,
            &scenario.base(),
            &Default::default(),
            &Default::default(),
        )
        .unwrap()
    }

    fn page<'b>(b: &'b Brief, id: &str) -> &'b PartnerBrief {
        b.partners.iter().find(|p| p.id == id).unwrap()
    }

    #[test]
    fn pages_follow_the_scenario_order_with_the_roles_held() {
        let b = brief(SCENARIO);
        let ids: Vec<&str> = b.partners.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["moh", "ngo", "acme", "city"]);
        let city = page(&b, "city");
        assert_eq!(city.roles.len(), 1);
        assert_eq!(city.roles[0].role, "community_outreach");
        assert!(city.roles[0].pinned && !city.roles[0].lead);
        assert_eq!(b.line_up.len(), 4);
    }

    #[test]
    fn motives_name_the_roles_serving_them_and_partners_sharing_them() {
        let b = brief(SCENARIO);
        let moh = &page(&b, "moh").motivation;
        assert_eq!(moh.source, "Table 1, government, motives for collaboration");
        let cost = moh
            .motives
            .iter()
            .find(|m| m.id == "cost_containment")
            .unwrap();
        assert_eq!(cost.served_by, ["Policy framework"]);
        let access = moh
            .motives
            .iter()
            .find(|m| m.id == "improved_access_and_provision_of_healthcare")
            .unwrap();
        // Shared with the other sectors only: `city` is government too.
        assert_eq!(access.shared_with, ["ngo", "acme"]);
    }

    #[test]
    fn a_weak_need_is_covered_by_a_partner_on_the_same_role_first() {
        let b = brief(SCENARIO);
        let city = &page(&b, "city").competencies;
        let outreach = city
            .lacks
            .iter()
            .find(|l| l.capability == "community_access_and_outreach")
            .unwrap();
        assert_eq!(outreach.strength, 0.4);
        let cover = outreach.covered_by.as_ref().unwrap();
        assert_eq!((cover.partner.as_str(), cover.same_role), ("ngo", true));
        // One vocabulary: the NGO's health education and behaviour change counts toward the
        // health education and promotion the role also names, so the NGO lacks nothing there.
        let ngo = &page(&b, "ngo").competencies;
        assert!(
            !ngo.lacks
                .iter()
                .any(|l| l.capability == "health_education_and_promotion"),
            "{:?}",
            ngo.lacks
        );
    }

    #[test]
    fn a_need_nobody_meets_suggests_the_sector_to_recruit_from() {
        let b = brief(SCENARIO);
        let acme = &page(&b, "acme").competencies;
        // Acme states little investment for solution development, and nobody else has it.
        let money = acme
            .lacks
            .iter()
            .find(|l| l.capability == "investment_for_solutions_development")
            .unwrap();
        assert!(money.covered_by.is_none());
        assert_eq!(money.recruit.as_deref(), Some("Business"));
    }

    #[test]
    fn strengths_compare_stated_values_with_the_sector_profile() {
        let b = brief(SCENARIO);
        let acme = &page(&b, "acme").competencies;
        let below = &acme.below_profile;
        assert_eq!(below.len(), 1);
        assert_eq!(below[0].capability, "investment_for_solutions_development");
        assert!(below[0].stated && below[0].value < below[0].default);
        let values: Vec<f64> = acme.strengths.iter().map(|s| s.value).collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        assert!(acme.strengths.len() <= STRENGTHS);
    }

    #[test]
    fn a_sector_risk_shows_the_rule_raised_on_the_partner() {
        let b = brief(SCENARIO);
        let ngo = &page(&b, "ngo").risks;
        assert!(
            ngo.flags
                .iter()
                .any(|f| f.rule == "civil_society_small_organisation")
        );
        let capacity = ngo
            .sector_risks
            .iter()
            .find(|r| r.id == "capacity_constraints")
            .unwrap();
        assert_eq!(capacity.raised, ["civil_society_small_organisation"]);
        assert!(
            capacity
                .rules
                .iter()
                .any(|r| r.id == "civil_society_small_organisation")
        );
        let drift = ngo
            .sector_risks
            .iter()
            .find(|r| r.id == "mission_drift")
            .unwrap();
        assert!(drift.raised.is_empty() && !drift.rules.is_empty());
        assert_eq!(
            ngo.sector_risks.len(),
            5,
            "Table 1 lists five civil society risks"
        );
    }

    #[test]
    fn success_lists_its_rewards_and_each_other_sector_once() {
        let b = brief(SCENARIO);
        let moh = &page(&b, "moh").success;
        assert_eq!(moh.rewards, ["Public perception", "Votes"]);
        let sectors: Vec<&str> = moh.others.iter().map(|o| o.sector_name.as_str()).collect();
        assert_eq!(sectors, ["Civil society", "Business"]);
        assert_eq!(moh.others[1].rewards, ["Turnover", "Market share", "Sales"]);
    }

    #[test]
    fn an_infeasible_line_up_still_briefs_every_partner_from_its_profile() {
        let text = SCENARIO.replace(
            r#"Pin(partner: "ngo", role: "health_education")"#,
            r#"Pin(partner: "acme", role: "policy_framework")"#,
        );
        let b = brief(&text);
        assert_eq!(b.status, Status::Infeasible);
        assert!(!b.conflict.is_empty());
        assert_eq!(b.partners.len(), 4);
        for p in &b.partners {
            assert!(p.roles.is_empty());
            assert!(!p.motivation.motives.is_empty() && !p.success.rewards.is_empty());
        }
    }

    #[test]
    fn retain_keeps_the_chosen_pages_and_the_whole_overview() {
        let mut b = brief(SCENARIO);
        b.retain(&["city".to_string()]);
        assert_eq!(b.partners.len(), 1);
        assert_eq!(b.line_up.len(), 4);
    }
}
