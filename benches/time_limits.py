#!/usr/bin/env python3
"""How closely every command that solves keeps `--time-limit` (issue 15: within 10% or 0.5 s).

    cargo build --release && python3 benches/time_limits.py [target/release/rolefit]

Runs each command on the inputs that once overran their limit (50 identical partners for
`value`, 64 pair rules on 14 partners, the generated 100-partner scenario) and prints the
wall time of each run against its limit. Exits 1 if a run took longer than its limit plus
10% or 0.5 s, whichever is more, or ended with an error other than the time limit's own.
`.ci/run` runs it on the release build; RELIABILITY.md section 4 quotes its figures.
"""

import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "target/release/rolefit"
BIG = str(REPO / "tests/fixtures/generated-100x18.ron")

TRAITS = ["implementation", "independent_review", "funding", "commercial", "public_voice"]
SECTORS = ["academia", "business", "government", "civil_society", "impact_investor"]
ROLES = [
    "research", "independent_evaluation", "capacity_building", "data_and_analytics",
    "solution_development", "service_delivery", "community_outreach", "policy_framework",
    "public_financing", "catalytic_funding", "implementation_at_scale", "advocacy",
]


def identical(d: pathlib.Path) -> str:
    """50 partners of one sector: every coalition of a size is worth the same (the value stress)."""
    partners = "".join(f'Partner(id: "p{i}", sector: "academia"),\n' for i in range(50))
    needs = ('Need(role: "research", importance: 3, max: 3), '
             'Need(role: "independent_evaluation", importance: 2, max: 3), '
             'Need(role: "capacity_building", importance: 2, max: 2), '
             'Need(role: "data_and_analytics", importance: 2)')
    path = d / "identical.ron"
    path.write_text(f'Scenario(name: "Identical", needs: [{needs}], partners: [{partners}])')
    return str(path)


def pairs(d: pathlib.Path) -> tuple[str, str]:
    """64 `Pair` rules over the catalogue's traits and 14 partners needing 12 roles."""
    rules = []
    for i in range(64):
        a, b = TRAITS[i % 5], TRAITS[(i // 5 + i + 1) % 5]
        if a == b:
            b = TRAITS[(i + 2) % 5]
        rules.append(f'Rule(id: "pair{i}", source: Text("stress"), when: Pair(first: Trait("{a}"), '
                     f'second: Trait("{b}")), effect: (penalty: {i % 5}.5)),\n')
    rule_dir = d / "pairs"
    rule_dir.mkdir()
    (rule_dir / "pairs.ron").write_text(f"Rules(rules: [{''.join(rules)}])")
    partners = "".join(f'Partner(id: "p{i}", sector: "{SECTORS[i % 5]}", capacity: 3),\n'
                       for i in range(14))
    needs = "".join(f'Need(role: "{r}", importance: 3, max: 2),' for r in ROLES)
    path = d / "pairs.ron"
    path.write_text(f'Scenario(name: "Pairs", needs: [{needs}], partners: [{partners}])')
    return str(path), str(rule_dir)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        d = pathlib.Path(tmp)
        same = identical(d)
        pair, pair_rules = pairs(d)
        cases = [
            (["value", same], 1.0),
            (["value", pair, "--rules", pair_rules, "--method", "exact"], 2.0),
            (["value", pair, "--rules", pair_rules, "--method", "sampled"], 2.0),
            (["fragility", BIG], 1.0),
            (["recommend", BIG, "--role", "research"], 1.0),
            (["recommend", BIG, "--partner", "p000"], 1.0),
            (["recruit", BIG], 1.0),
            (["brief", BIG], 1.0),
            (["compare", BIG, "--without", "p001"], 1.0),
            (["additionality", BIG, "--funder", "p015"], 1.0),
            (["solve", pair, "--rules", pair_rules], 1.0),
            (["solve", BIG], 1.0),
        ]
        failed = 0
        print(f"{'command':<44} {'limit':>6} {'wall':>7} {'over':>7}  status")
        for args, limit in cases:
            started = time.monotonic()
            run = subprocess.run([str(BIN), *args, "--time-limit", str(limit)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            took = time.monotonic() - started
            allowed = limit + max(0.1 * limit, 0.5)
            ok = run.returncode == 0 or "the time limit ran out" in run.stderr
            status = "ok" if run.returncode == 0 else f"exit {run.returncode} (time limit)"
            if not ok:
                status = f"exit {run.returncode}: {run.stderr.strip()[:200]}"
            if took > allowed:
                status += f"; over the {allowed:.2f} s allowed"
            failed |= (not ok) or took > allowed
            name = " ".join(a if not a.startswith("/") else pathlib.Path(a).name for a in args)
            print(f"{name:<44} {limit:>5.1f}s {took:>6.2f}s {took - limit:>+6.2f}s  {status}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
