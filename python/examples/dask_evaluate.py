"""Dask over rolefit.evaluate: a Monte Carlo of the mission drift model on a Dask cluster.

rolefit releases the GIL while it solves, so Dask workers run evaluations in parallel threads
as well as processes. Here a local cluster stands in for a real one (`Client("scheduler:8786")`).

    python python/examples/dask_evaluate.py --points 500
"""

import argparse
import pathlib
import random
import sys

import pandas as pd
from dask.distributed import Client, LocalCluster

import rolefit

SWEEP = pathlib.Path(__file__).resolve().parents[2] / "sweeps" / "drift-drivers.ron"
MODEL = rolefit.Evaluator(SWEEP)


def run(point):
    """One evaluation: the point's factors in, the point and its outcomes out."""
    return {**point, **MODEL(**point)}


def points(n, seed=1):
    rng = random.Random(seed)
    return [
        {
            "businesses": rng.choice(["base", "two businesses", "one business", "no business"]),
            "ngo_customer_focus": rng.uniform(0.0, 0.9),
            "ngo_scaling": rng.uniform(0.0, 0.9),
            "drift_strength": rng.choice(["avoid", "price"]),
            "drift_penalty": rng.uniform(0.0, 1.0),
            "commercial_importance": rng.randint(1, 5),
        }
        for _ in range(n)
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=500)
    args = parser.parse_args(argv)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False) as cluster, Client(cluster) as client:
        futures = client.map(run, points(args.points))
        table = pd.DataFrame(client.gather(futures))
    drift = table["flags.mission_drift"] > 0
    print(table.groupby("businesses")["flags.mission_drift"].apply(lambda s: (s > 0).mean()).round(3))
    print(f"{len(table)} evaluations; mission drift in {drift.mean():.1%}")
    return table


if __name__ == "__main__":
    main(sys.argv[1:])
