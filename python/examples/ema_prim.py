"""EMA Workbench over rolefit: 200 experiments on the mission drift sweep, then PRIM.

When does a civil society partner take the commercial role? The model is
`sweeps/drift-drivers.ron` (its scenario, rules and noise) with the drift rule priced and at
most one business at the table; EMA Workbench draws the experiments (Latin hypercube), runs
them on a MultiprocessingEvaluator, then PRIM finds the box of factor values where mission
drift happens.

    python python/examples/ema_prim.py                      # 200 experiments on 2 processes
    python python/examples/ema_prim.py --experiments 1000 --processes 8

On a cluster, the same model runs under EMA Workbench's MPIEvaluator (see ema_mpi.slurm):

    mpiexec -n 1 python python/examples/ema_prim.py --mpi --experiments 10000

The uncertainties are named as the sweep file's factors, so the values EMA draws are checked
against the ranges the sweep file declares.
"""

import argparse
import pathlib
import sys

import numpy as np

from ema_workbench import (
    CategoricalParameter,
    Constant,
    IntegerParameter,
    Model,
    MultiprocessingEvaluator,
    RealParameter,
    ScalarOutcome,
)
from ema_workbench.analysis import prim

import rolefit

SWEEP = pathlib.Path(__file__).resolve().parents[2] / "sweeps" / "drift-drivers.ron"


def build_model() -> Model:
    """The rolefit model as EMA Workbench sees it: a picklable function of keyword factors
    returning a dict of scalar outcomes."""
    model = Model("rolefit", function=rolefit.Evaluator(SWEEP))
    # Drift is possible only where the rule is priced (as `avoid`, its built-in strength, it
    # never happens) and at most one business is at the table: explore that corner.
    model.constants = [Constant("drift_strength", "price")]
    model.uncertainties = [
        CategoricalParameter("businesses", ["one business", "no business"]),
        RealParameter("ngo_customer_focus", 0.0, 0.9),
        RealParameter("ngo_scaling", 0.0, 0.9),
        RealParameter("drift_penalty", 0.0, 0.5),
        IntegerParameter("commercial_importance", 1, 5),
    ]
    # Outcomes are the sweep table's columns; EMA names may differ from them.
    model.outcomes = [
        ScalarOutcome("objective"),
        ScalarOutcome("coverage"),
        ScalarOutcome("mission_drift", variable_name="flags.mission_drift"),
    ]
    return model


def discover(experiments, outcomes, threshold=0.8):
    """PRIM on `mission_drift > 0`: the box of factor values where drift happens."""
    names = ["businesses", "ngo_customer_focus", "ngo_scaling", "drift_penalty", "commercial_importance"]
    # EMA Workbench's PRIM pastes fractional limits into integer columns: give it floats.
    x = experiments[names].astype({"commercial_importance": float})
    y = outcomes["mission_drift"] > 0
    box = prim.Prim(x, y, threshold=threshold).find_box()
    return box


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--mpi", action="store_true", help="run on EMA Workbench's MPIEvaluator")
    parser.add_argument("--seed", type=int, default=14, help="seeds EMA Workbench's sampling")
    args = parser.parse_args(argv)
    # EMA Workbench draws its Latin hypercube from numpy's global generator.
    np.random.seed(args.seed)
    model = build_model()
    if args.mpi:
        from ema_workbench import MPIEvaluator

        evaluator = MPIEvaluator(model)
    else:
        evaluator = MultiprocessingEvaluator(model, n_processes=args.processes)
    with evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=args.experiments)
    drift = outcomes["mission_drift"] > 0
    print(f"{len(experiments)} experiments; mission drift in {drift.mean():.1%} of them")
    box = discover(experiments, outcomes)
    trajectory = box.peeling_trajectory
    print(trajectory[["coverage", "density", "mass", "res_dim"]].round(3).to_string())
    print(box.box_lims[-1].T.to_string())
    return experiments, outcomes, box


if __name__ == "__main__":
    main(sys.argv[1:])
