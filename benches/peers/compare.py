"""Times rolefit and its peers on rolefit's LP export; called by benches/peers/run."""
import json
import os
import statistics
import subprocess
import sys
import time

import highspy
from ortools.linear_solver.python import model_builder

root, work, runs, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
# PEERS_SOLVERS=highs,scip leaves CP-SAT out (minutes per run on the 90-role consortia).
KNOWN = ("highs", "scip", "sat")
chosen = os.environ.get("PEERS_SOLVERS", ",".join(KNOWN)).split(",")
unknown = [s for s in chosen if s not in KNOWN]
if unknown:
    sys.exit(f"PEERS_SOLVERS: unknown solver {', '.join(unknown)} (known: {', '.join(KNOWN)})")
rolefit = f"{root}/target/release/rolefit"
# rolefit reports its objective rounded to 4 decimals.
TOL = 1e-3


def median_time(f):
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3, value


def rolefit_run(size):
    cmd = [rolefit, "solve", f"{work}/{size}.ron", "--robustness-samples", "0",
           "--format", "json", "--emit-lp", f"{work}/{size}.lp"]
    if int(size.split("x")[1]) > 18:
        cmd += ["--rules", f"{root}/benches/fixtures/roles90/roles.ron"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["objective"]


def highs(size):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(f"{work}/{size}.lp")
    h.run()
    return h.getInfo().objective_function_value


def to_mps(size):
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(f"{work}/{size}.lp")
    h.writeModel(f"{work}/{size}.mps")


def ortools(size, solver):
    def solve():
        model = model_builder.Model()
        model.import_from_mps_file(f"{work}/{size}.mps")
        s = model_builder.Solver(solver)
        status = s.solve(model)
        if status != model_builder.SolveStatus.OPTIMAL:
            return float("nan")
        return s.objective_value
    return solve


bad = False
print(f"{'size':>8} {'rolefit ms':>11} {'HiGHS ms':>9} {'SCIP ms':>8} {'CP-SAT ms':>10}  objectives")
for size in sizes:
    t_rolefit, obj = median_time(lambda: rolefit_run(size))
    to_mps(size)
    row = [t_rolefit]
    objectives = [obj]
    for solver in KNOWN:
        if solver not in chosen:
            row.append(None)
            continue
        t, v = median_time((lambda: highs(size)) if solver == "highs" else ortools(size, solver))
        row.append(t); objectives.append(v)
    agree = all(abs(v - obj) <= TOL + 1e-7 * abs(obj) for v in objectives)
    bad |= not agree
    cells = [f"{t:>{w}.1f}" if t is not None else f"{'-':>{w}}" for t, w in zip(row, (11, 9, 8, 10))]
    print(f"{size:>8} " + " ".join(cells)
          + "  " + ("agree" if agree else "DISAGREE ") + " " + " ".join(f"{v:.6f}" for v in objectives))
print("rolefit: whole `rolefit solve --robustness-samples 0` process (load to render, LP export"
      " included); peers: reading the LP (MPS for OR-Tools) and solving. Medians of", runs, "runs.")
sys.exit(1 if bad else 0)
