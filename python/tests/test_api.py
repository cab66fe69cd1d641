"""rolefit.solve, rolefit.evaluate and rolefit.sweep against the command line, and their errors."""

import json
import pickle
import subprocess
import threading
import time

import pandas as pd
import pytest

import rolefit

DAKAR = "scenarios/cardio4cities-dakar.ron"


def run_cli(cli, *args, cwd):
    done = subprocess.run([cli, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_solve_returns_the_cli_json_object(root, cli):
    expected = json.loads(run_cli(cli, "solve", DAKAR, "--format", "json", cwd=root))
    assert rolefit.solve(root / DAKAR) == expected


def test_solve_applies_variants_and_what_ifs_like_the_cli(root, cli):
    args = ["--variant", "without the foundation", "--without", "ucad", "--pin", "relais=convening"]
    expected = json.loads(run_cli(cli, "solve", DAKAR, "--format", "json", *args, cwd=root))
    got = rolefit.solve(
        root / DAKAR, variant="without the foundation", without="ucad", pins=[("relais", "convening")]
    )
    assert got == expected
    assert any(a["partner"] == "relais" and a["role"] == "convening" for a in got["assignments"])


def test_solve_takes_scenario_text():
    text = """Scenario(
        name: "Two partners",
        needs: [Need(role: "policy_framework", importance: 3), Need(role: "solution_development")],
        partners: [
            Partner(id: "moh", name: "Ministry of Health", sector: "government"),
            Partner(id: "acme", name: "Acme Health Tech", sector: "business"),
        ],
    )"""
    got = rolefit.solve(text)
    assert got["status"] == "optimal"
    held = {(a["partner"], a["role"]) for a in got["assignments"]}
    assert held == {("moh", "policy_framework"), ("acme", "solution_development")}


def test_invalid_scenarios_raise_with_every_diagnostic():
    text = """Scenario(
    name: "Typos",
    needs: [Need(role: "policy_framework")],
    partners: [
        Partner(id: "moh", name: "Ministry", sector: "goverment"),
        Partner(id: "acme", name: "Acme", sector: "busines"),
    ],
)"""
    with pytest.raises(rolefit.InvalidInput) as caught:
        rolefit.solve(text)
    errors = [d for d in caught.value.diagnostics if d.level == "error"]
    assert len(errors) == 2
    first = errors[0]
    assert (first.file, first.line, first.column) == ("<scenario>", 5, 54)
    assert first.path == "partners[0].sector"
    assert first.suggestion == "government"
    assert errors[1].suggestion == "business"
    assert "goverment" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_usage_errors_and_missing_files_are_python_exceptions(root):
    with pytest.raises(rolefit.UsageError, match="did you mean"):
        rolefit.solve(root / DAKAR, variant="without the fundation")
    with pytest.raises(rolefit.UsageError, match="PARTNER=ROLE"):
        rolefit.solve(root / DAKAR, pins=["relais"])
    with pytest.raises(FileNotFoundError):
        rolefit.solve(root / "scenarios" / "nowhere.ron")
    with pytest.raises(TypeError, match="without"):
        rolefit.solve(root / DAKAR, without=5)
    with pytest.raises(TypeError, match="scenario"):
        rolefit.solve(42)


def test_evaluate_returns_the_sweep_tables_outcome_columns(root):
    factors = {
        "partners.relais.capacity": 1,
        "rules.civil_society_commercial_role.penalty": 2.5,
        "variant": "without the foundation",
    }
    got = rolefit.evaluate(root / DAKAR, **factors)
    design = pd.DataFrame([factors])
    table = rolefit.sweep(
        f'Sweep(scenarios: ["{root / DAKAR}"])', design=design, solve_time=False
    )
    row = table.iloc[0]
    assert list(got) == [c for c in table.columns if c not in ("run", "scenario", "replicate", *factors)]
    for column, value in got.items():
        if value is None:
            assert pd.isna(row[column]), column
        else:
            assert row[column] == value, column
    assert got["status"] == "optimal"
    assert isinstance(got["objective"], float) and isinstance(got["flags"], int)


def test_evaluate_without_factors_runs_the_base_line_up(root):
    base = rolefit.evaluate(root / DAKAR)
    assert base["objective"] == pytest.approx(rolefit.solve(root / DAKAR)["objective"], abs=1e-4)


def test_evaluate_refuses_misspelt_paths_and_values_out_of_range(root):
    with pytest.raises(rolefit.InvalidInput) as caught:
        rolefit.evaluate(root / DAKAR, **{"partners.relias.capacity": 2})
    d = caught.value.diagnostics[0]
    assert d.file == "evaluate() arguments" and d.suggestion == "relais"
    with pytest.raises(rolefit.InvalidInput, match="whole numbers from 0 to 100"):
        rolefit.evaluate(root / DAKAR, **{"partners.relais.capacity": 2.5})
    with pytest.raises(rolefit.InvalidInput) as caught:
        rolefit.evaluate(root / DAKAR, variant="without the fundation")
    assert caught.value.diagnostics[0].suggestion == "without the foundation"


def test_evaluate_takes_a_sweep_files_factor_names_within_their_declared_ranges(root):
    spec = root / "sweeps" / "dakar-uncertainty.ron"
    got = rolefit.evaluate(spec, relais_capacity=2, drift_penalty=4.0)
    assert got["status"] == "optimal"
    with pytest.raises(rolefit.InvalidInput, match="declared with range"):
        rolefit.evaluate(spec, drift_penalty=20.0)
    with pytest.raises(rolefit.InvalidInput) as caught:
        rolefit.evaluate(spec, drift_penalti=2.0)
    assert caught.value.diagnostics[0].suggestion == "drift_penalty"


def test_an_evaluator_pickles_and_gives_the_same_outcomes(root):
    model = rolefit.Evaluator(root / DAKAR)
    before = model(**{"partners.relais.capacity": 3})
    again = pickle.loads(pickle.dumps(model))
    assert again(**{"partners.relais.capacity": 3}) == before


def test_sweep_gives_the_cli_table(root, cli, tmp_path):
    spec = "sweeps/dakar-uncertainty.ron"
    out = tmp_path / "dakar.csv"
    run_cli(cli, "sweep", spec, "--out", str(out), "--no-solve-time", cwd=root)
    expected = pd.read_csv(out)
    got = rolefit.sweep(root / spec, solve_time=False)
    pd.testing.assert_frame_equal(got, expected)
    streamed = rolefit.sweep(root / spec, solve_time=False, out=tmp_path / "again.csv")
    pd.testing.assert_frame_equal(streamed, expected)
    assert (tmp_path / "again.csv").read_bytes() == out.read_bytes()


def test_a_design_runs_through_the_cli_and_python_alike(root, cli, tmp_path):
    design = pd.DataFrame(
        {
            "relais_capacity": [1, 2, 3, 3],
            "relais_outreach": [0.3, 0.5, 0.9, 1.0],
            "drift_penalty": [0.0, 4.0, 8.0, 12.0],
            "drift_severity": ["medium", "high", "high", "medium"],
            "outreach_importance": [1, 3, 5, 2],
            "variant": ["base", "without the foundation", "without the start-up", "base"],
        }
    )
    path = tmp_path / "design.csv"
    design.to_csv(path, index=False)
    out = tmp_path / "designed.csv"
    spec = "sweeps/dakar-uncertainty.ron"
    run_cli(cli, "sweep", spec, "--design", str(path), "--out", str(out), "--no-solve-time", cwd=root)
    manifest = json.loads((tmp_path / "designed.csv.manifest.json").read_text())
    import hashlib

    assert manifest["design"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["design"]["rows"] == 4
    expected = pd.read_csv(out)
    got = rolefit.sweep(root / spec, design=design, solve_time=False)
    # The CSV writes the whole penalties 0, 4, 8, 12 without a decimal point, so read_csv
    # takes that column for integers; the engine knows they are reals.
    assert got["drift_penalty"].dtype == float and expected["drift_penalty"].dtype == int
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert list(got["relais_capacity"]) == [1, 2, 3, 3]


def test_an_output_on_the_design_file_is_refused_and_leaves_it(root, tmp_path):
    """Found in issue 15's merge review: the CLI refused a table on one of the sweep's inputs,
    but ``rolefit.sweep(out=...)`` wrote over a design file given as the output."""
    design = tmp_path / "design.csv"
    design.write_text("partners.relais.capacity\n1\n2\n")
    before = design.read_bytes()
    spec = f'Sweep(scenarios: ["{root / DAKAR}"])'
    with pytest.raises(rolefit.UsageError, match="an input of this command"):
        rolefit.sweep(spec, design=design, out=design)
    with pytest.raises(rolefit.UsageError, match="an input of this command"):
        rolefit.sweep(spec, design=str(design), out=tmp_path / "." / "design.csv")
    assert design.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.csv"]


def test_a_bad_design_cell_is_reported_at_its_line_and_column(root):
    design = "rules.civil_society_commercial_role.penalty,partners.relais.capacity\n1.0,2\n3.0,two\n"
    with pytest.raises(rolefit.InvalidInput) as caught:
        rolefit.sweep(f'Sweep(scenarios: ["{root / DAKAR}"])', design=design)
    d = next(d for d in caught.value.diagnostics if d.file == "<design>")
    assert (d.line, d.column) == (3, 5)
    assert "takes numbers" in d.message and d.path == "row 2.partners.relais.capacity"


def test_sweep_can_return_an_arrow_table(root):
    pa = pytest.importorskip("pyarrow")
    design = {"partners.relais.capacity": [1, 2, 3]}
    table = rolefit.sweep(f'Sweep(scenarios: ["{root / DAKAR}"])', design=design, arrow=True)
    assert isinstance(table, pa.Table) and table.num_rows == 3


def test_solves_release_the_gil(root):
    """While a sweep solves in another thread, this thread keeps running Python: with the GIL
    held, the counter could not move until the sweep returned."""
    design = {"rules.civil_society_commercial_role.penalty": [x / 10 for x in range(400)]}
    spec = f'Sweep(scenarios: ["{root / "sweeps" / "twelve-partners.ron"}"])'
    done = threading.Event()
    ticks_during = []

    def work():
        rolefit.sweep(spec, design=design, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    ticks = 0
    started = time.perf_counter()
    while not done.is_set():
        ticks += 1
        if ticks % 10000 == 0:
            ticks_during.append(time.perf_counter() - started)
    worker.join()
    assert len(ticks_during) >= 5, "the main thread was blocked while the sweep ran"
