"""The examples of python/examples run as the README shows them, and find what they claim."""

import importlib.util
import pathlib
import subprocess

import pandas as pd
import pytest

import rolefit

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ema_workbench_runs_200_experiments_on_processes_and_prim_boxes_the_drift():
    pytest.importorskip("ema_workbench")
    example = load("ema_prim")
    experiments, outcomes, box = example.main(["--experiments", "200", "--processes", "2"])
    assert len(experiments) == 200
    drift = outcomes["mission_drift"] > 0
    assert 0 < drift.sum() < 200
    # The same runs through rolefit.evaluate directly: EMA changed nothing on the way.
    model = rolefit.Evaluator(example.SWEEP)
    for i in range(0, 200, 40):
        names = ["businesses", "ngo_customer_focus", "ngo_scaling", "drift_penalty"]
        point = {u: experiments.iloc[i][u] for u in names}
        point["commercial_importance"] = int(experiments.iloc[i]["commercial_importance"])
        point["drift_strength"] = "price"
        assert model(**point)["objective"] == pytest.approx(outcomes["objective"][i])
    # Drift needs a customer-centric NGO and a cheap price: PRIM's box says so.
    limits = box.box_lims[-1]
    assert limits["ngo_customer_focus"][0] > 0.4, limits
    assert limits["drift_penalty"][1] < 0.5, limits


def test_salib_sample_runs_through_sweep_design_and_gives_sobol_indices(cli, root, tmp_path):
    pytest.importorskip("SALib")
    example = load("salib_sobol")
    design_path = tmp_path / "sobol-design.csv"
    example.main(["sample", "-n", "64", "-o", str(design_path)])
    design = pd.read_csv(design_path)
    assert len(design) == 64 * (5 + 2)
    out = tmp_path / "sobol.csv"
    done = subprocess.run(
        [cli, "sweep", "sweeps/drift-drivers.ron", "--design", str(design_path), "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert list(table["businesses"]) == list(design["businesses"])
    indices = example.analyze(table).set_index(["outcome", "factor"])
    # Who is at the table decides the objective almost alone.
    assert indices.loc[("objective", "businesses"), "ST"] > 0.8
    # Drift is rare (a few percent of runs): 64 base samples give its indices, not precise ones.
    assert len(indices.loc["mission drift"]) == 5


def test_dask_workers_evaluate_as_rolefit_evaluate_does():
    pytest.importorskip("dask.distributed")
    example = load("dask_evaluate")
    table = example.main(["--points", "60"])
    assert len(table) == 60
    first = table.iloc[0]
    names = ["businesses", "ngo_customer_focus", "ngo_scaling", "drift_strength", "drift_penalty"]
    point = {k: first[k] for k in names}
    point["commercial_importance"] = int(first["commercial_importance"])
    assert rolefit.evaluate(example.SWEEP, **point)["objective"] == first["objective"]
