"""SALib over rolefit: a Saltelli sample, run by `rolefit sweep --design`, then Sobol indices.

SALib's maintainers suggest writing the sample to a file and evaluating it where the model
runs; rolefit's sweep runs a design file sharded and resumably, so the three steps are:

    python python/examples/salib_sobol.py sample -o sobol-design.csv
    rolefit sweep sweeps/drift-drivers.ron --design sobol-design.csv --out sobol.csv
    python python/examples/salib_sobol.py analyze sobol.csv

(`rolefit sweep` is `cargo run --release -- sweep` in the repository.) The design's columns are
the sweep file's factor names; the table keeps the design's row order (run ids), which is the
order SALib's analysis expects.
"""

import argparse
import sys

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as saltelli

BUSINESSES = ["base", "two businesses", "one business", "no business"]

# Numeric stand-ins for SALib: the sector mix and the importance are drawn on [0, k) and cut.
# The drift rule is priced in every run (as `avoid`, its built-in strength, nothing drifts).
PROBLEM = {
    "num_vars": 5,
    "names": ["businesses", "ngo_customer_focus", "ngo_scaling", "drift_penalty", "commercial_importance"],
    "bounds": [[0, len(BUSINESSES)], [0.0, 0.9], [0.0, 0.9], [0.0, 1.0], [1, 6]],
}


def sample(n: int, seed: int = 7) -> pd.DataFrame:
    """Saltelli's scheme (N x (D + 2) rows) as a design file: one column per factor."""
    x = saltelli.sample(PROBLEM, n, calc_second_order=False, seed=seed)
    return pd.DataFrame(
        {
            "businesses": [BUSINESSES[int(v)] for v in np.minimum(x[:, 0], len(BUSINESSES) - 1e-9)],
            "ngo_customer_focus": x[:, 1],
            "ngo_scaling": x[:, 2],
            "drift_strength": "price",
            "drift_penalty": x[:, 3],
            "commercial_importance": np.floor(np.minimum(x[:, 4], 5.999)).astype(int),
        }
    )


def analyze(table: pd.DataFrame) -> pd.DataFrame:
    """First-order and total Sobol indices of the objective and of mission drift."""
    table = table.sort_values("run")
    rows = []
    outcomes = {
        "objective": table["objective"].to_numpy(dtype=float),
        "mission drift": (table["flags.mission_drift"] > 0).to_numpy(dtype=float),
    }
    for name, y in outcomes.items():
        s = sobol_analyze.analyze(PROBLEM, y, calc_second_order=False, seed=7)
        for factor, s1, st in zip(PROBLEM["names"], s["S1"], s["ST"]):
            rows.append({"outcome": name, "factor": factor, "S1": s1, "ST": st})
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    s = sub.add_parser("sample", help="write the Saltelli design")
    s.add_argument("-n", type=int, default=256, help="base sample size (a power of 2)")
    s.add_argument("-o", "--out", default="sobol-design.csv")
    a = sub.add_parser("analyze", help="Sobol indices of a `rolefit sweep --design` table")
    a.add_argument("table")
    args = parser.parse_args(argv)
    if args.step == "sample":
        design = sample(args.n)
        design.to_csv(args.out, index=False)
        print(f"{len(design)} rows in {args.out}")
        return design
    indices = analyze(pd.read_csv(args.table))
    print(indices.round(3).to_string(index=False))
    return indices


if __name__ == "__main__":
    main(sys.argv[1:])
