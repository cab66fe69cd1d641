"""rolefit from Python: who should do what in a multi-stakeholder partnership.

The engine is the rolefit Rust crate, compiled into ``rolefit._native``; this package only
converts. Three functions cover what researchers do:

- :func:`solve` recommends and explains one line-up: the object ``rolefit solve --format json``
  prints, as Python data.
- :func:`evaluate` runs the model once at given factor values (named by their sweep paths,
  e.g. ``rules.civil_society_commercial_role.penalty``) and returns a flat dict of scalar
  outcomes named as the sweep table's columns: the function EMA Workbench's ``Model`` and a
  SALib loop expect. :class:`Evaluator` is the same, compiled once and picklable, for
  multiprocessing and MPI evaluators.
- :func:`sweep` runs a sweep file (optionally over an external design, e.g. a SALib sample)
  and returns its table as a ``pandas.DataFrame`` (or a ``pyarrow.Table``): the same columns
  and values as ``rolefit sweep``.

Solves release the GIL, so threads (Dask's threaded scheduler, a thread pool) run in parallel.
Invalid input raises :class:`InvalidInput`, whose ``diagnostics`` say where and what.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import _native
from ._errors import Diagnostic, Error, InvalidInput, SolveError, UsageError

__all__ = [
    "Diagnostic",
    "Error",
    "Evaluator",
    "InvalidInput",
    "SolveError",
    "UsageError",
    "evaluate",
    "solve",
    "sweep",
]
__version__ = _native.__version__

PathOrText = Union[str, "os.PathLike[str]"]


def _input(value: Any, what: str) -> Tuple[str, bool]:
    """``(value, is_text)``: a path-like is a path; a string holding a line break or a ``(``
    is RON text (no file name needs either); any other string is a path."""
    if isinstance(value, os.PathLike):
        return os.fspath(value), False
    if isinstance(value, str):
        return value, ("\n" in value or "(" in value)
    raise TypeError(f"{what} must be a path or RON text, not {type(value).__name__}")


def _strings(value: Any, what: str) -> list:
    """A list of strings from one string or an iterable of them."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise TypeError(f"{what} must be a string or a list of strings, not {type(value).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what} must hold strings, not {type(item).__name__}")
    return items


def _pairs(value: Any, what: str) -> list:
    """``PARTNER=ROLE`` strings from strings, ``(partner, role)`` pairs or a mapping."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = list(value.items())
    if isinstance(value, str):
        value = [value]
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item):
            out.append(f"{item[0]}={item[1]}")
        else:
            raise TypeError(f"{what} takes 'partner=role' strings or (partner, role) pairs, not {item!r}")
    return out


def _rules(rules: Any) -> Optional[str]:
    if rules is None:
        return None
    if isinstance(rules, (str, os.PathLike)):
        return os.fspath(rules)
    raise TypeError(f"rules must be a path to a rule directory or file, not {type(rules).__name__}")


def solve(
    scenario: PathOrText,
    *,
    rules: Optional[PathOrText] = None,
    no_default_rules: bool = False,
    variant: Optional[str] = None,
    without: Iterable[str] = (),
    join: Iterable[PathOrText] = (),
    pins: Any = (),
    forbid: Any = (),
    unfunded: Iterable[str] = (),
    time_limit: Optional[float] = None,
    partners: Optional[PathOrText] = None,
) -> Dict[str, Any]:
    """Recommends and explains one line-up: the object ``rolefit solve --format json``
    prints (``scenario``, ``status``, ``objective``, ``assignments``, ``uncovered``, ``flags``
    and the rest), as Python data.

    ``scenario`` is a path or the scenario's RON text. ``rules`` adds a rule directory (or
    replaces the built-in rules with ``no_default_rules``). The what-ifs are those of the
    command line, applied to the base line-up or to ``variant``: ``without`` partners leave,
    ``join`` partners (paths or ``Partner(...)`` text) join, ``pins`` and ``forbid`` take
    ``"partner=role"`` strings or ``(partner, role)`` pairs, ``unfunded`` partners withdraw
    their money. ``time_limit`` bounds the search in seconds; ``partners`` adds a partner
    sheet (.csv or .xlsx).

    Raises :class:`InvalidInput` (with ``diagnostics``) for an invalid scenario or rule file,
    :class:`UsageError` for what-ifs that name nothing, ``FileNotFoundError`` for a missing
    file. The solve runs without the GIL.
    """
    joining = []
    for item in ([join] if isinstance(join, (str, os.PathLike)) else list(join or ())):
        joining.append(_input(item, "join"))
    text = _native.solve(
        _input(scenario, "scenario"),
        rules=_rules(rules),
        no_default_rules=bool(no_default_rules),
        variant=variant,
        without=_strings(without, "without"),
        with_=joining,
        pins=_pairs(pins, "pins"),
        forbid=_pairs(forbid, "forbid"),
        unfunded=_strings(unfunded, "unfunded"),
        time_limit=None if time_limit is None else float(time_limit),
        partners=None if partners is None else os.fspath(partners),
    )
    return json.loads(text)


class Evaluator:
    """The model of one scenario (or of a sweep file's base: its scenario or generated
    consortia, rules, noise and seed), compiled once per set of factor names and called with
    the factors as keywords::

        model = rolefit.Evaluator("scenarios/cardio4cities-dakar.ron")
        model(**{"partners.relais.capacity": 3, "rules.civil_society_commercial_role.penalty": 2.0})

    Factor names are sweep paths (``partners.<id>.capacity``, ``rules.<rule>.penalty``,
    ``needs.<role>.importance``, ``variant``, ... as in sweep files) or, with a sweep file as
    the base, the names of the factors it declares (whose declared ranges then bound the
    values). Factors not given keep the base's values. The result is a dict of the sweep
    table's outcome columns: ``status``, ``objective``, ``coverage``, ``uncovered``,
    ``flags``, ``flags.<kind>``, ``severity.<level>``, ``holder.<role>``, ``lead.<role>`` and
    ``sector.<role>`` (``None`` where the table has an empty cell).

    ``seed`` is the run id a call stands for: it draws the capability noise and a generated
    consortium, as run ``seed`` of a sweep does. An Evaluator pickles as its arguments, so
    EMA Workbench's MultiprocessingEvaluator and MPIEvaluator can ship it to workers.
    """

    def __init__(
        self,
        base: PathOrText,
        *,
        rules: Optional[PathOrText] = None,
        no_default_rules: bool = False,
        seed: int = 0,
    ):
        self._base = _input(base, "base")
        self._rules = _rules(rules)
        self._no_default_rules = bool(no_default_rules)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise TypeError(f"seed must be a whole number from 0, not {seed!r}")
        self.seed = seed
        self._compiled: Dict[Tuple[str, ...], Any] = {}

    def _model(self, names: Tuple[str, ...]) -> Any:
        model = self._compiled.get(names)
        if model is None:
            model = _native.Evaluator(
                self._base, list(names), rules=self._rules, no_default_rules=self._no_default_rules
            )
            if len(self._compiled) >= 64:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[names] = model
        return model

    def outcomes(self, *factors: str) -> list:
        """The outcome names a call with these factor names returns, in order."""
        return list(self._model(tuple(factors)).outcomes)

    def __call__(self, **factors: Any) -> Dict[str, Any]:
        return self._model(tuple(factors))(tuple(factors.values()), self.seed)

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_compiled"] = {}
        return state

    def __repr__(self) -> str:
        shown = "<text>" if self._base[1] else self._base[0]
        return f"rolefit.Evaluator({shown!r}, seed={self.seed})"


_evaluators: Dict[Tuple[Any, ...], Evaluator] = {}


def evaluate(
    scenario: PathOrText,
    *,
    rules: Optional[PathOrText] = None,
    no_default_rules: bool = False,
    seed: int = 0,
    **factors: Any,
) -> Dict[str, Any]:
    """Runs the model once with the given factor values and returns a flat dict of scalar
    outcomes named as the sweep table's columns (see :class:`Evaluator`, which this caches
    per scenario, rules and seed: a loop of calls compiles the scenario once)::

        rolefit.evaluate("scenarios/cardio4cities-dakar.ron",
                         **{"partners.relais.capacity": 1, "variant": "without the foundation"})

    Raises :class:`InvalidInput` for a factor path that names nothing (with a "did you mean")
    or a value out of range, and releases the GIL while solving. A file is read when first
    evaluated and kept compiled for the process (a loop must not pay for reading it again);
    after editing it, use a new :class:`Evaluator`.
    """
    key = (_input(scenario, "scenario"), _rules(rules), bool(no_default_rules), seed)
    model = _evaluators.get(key)
    if model is None:
        model = Evaluator(scenario, rules=rules, no_default_rules=no_default_rules, seed=seed)
        if len(_evaluators) >= 32:
            _evaluators.pop(next(iter(_evaluators)))
        _evaluators[key] = model
    return model(**factors)


def _design(design: Any) -> Optional[Tuple[str, bool]]:
    if design is None:
        return None
    if isinstance(design, (str, os.PathLike)):
        return _input(design, "design")
    if hasattr(design, "to_csv"):
        return design.to_csv(index=False), True
    if isinstance(design, Mapping):
        import pandas as pd

        return pd.DataFrame(design).to_csv(index=False), True
    raise TypeError(
        "design must be a path, CSV text, a pandas DataFrame or a dict of columns, "
        f"not {type(design).__name__}"
    )


def _shard(shard: Any) -> Optional[Tuple[int, int]]:
    if shard is None:
        return None
    if isinstance(shard, str):
        k, sep, n = shard.partition("/")
        if sep and k.strip().isdigit() and n.strip().isdigit():
            return int(k), int(n)
        raise UsageError(f"shard {shard!r}: write 'K/N' with 0 <= K < N, e.g. '0/4'")
    if isinstance(shard, tuple) and len(shard) == 2 and all(isinstance(x, int) for x in shard):
        return shard
    raise TypeError(f"shard must be 'K/N' or (K, N), not {shard!r}")


def _frame(columns: list) -> Any:
    """The table's columns (raw buffers from the engine) as a DataFrame, typed as
    ``pandas.read_csv`` types the CLI's CSV: counts with gaps as floats, texts as strings."""
    import numpy as np
    import pandas as pd

    data = {}
    for name, kind, buf, names in columns:
        if kind == "int":
            data[name] = np.frombuffer(buf, dtype="<i8")
        elif kind == "float":
            data[name] = np.frombuffer(buf, dtype="<f8")
        elif kind == "bool":
            data[name] = np.frombuffer(buf, dtype=np.uint8).astype(bool)
        else:
            codes = np.frombuffer(buf, dtype="<i4")
            # The last entry stands for a missing cell (code -1), as NaN like read_csv.
            levels = np.array(list(names) + [np.nan], dtype=object)
            data[name] = levels[codes]
    return pd.DataFrame(data)


def sweep(
    spec: PathOrText,
    *,
    design: Any = None,
    threads: Optional[int] = None,
    shard: Any = None,
    solve_time: bool = True,
    out: Optional[PathOrText] = None,
    resume: bool = False,
    restart: bool = False,
    arrow: bool = False,
) -> Any:
    """Runs a sweep and returns its table: one row per run, the same columns and values as
    ``rolefit sweep`` writes, as a ``pandas.DataFrame`` (``arrow=True``: a ``pyarrow.Table``).

    ``spec`` is a sweep file (path, or RON text whose paths are taken from the working
    directory). ``design`` replaces the file's design with an external sample, one column per
    factor (its name or path) and one row per point: a path to a CSV, CSV text, a DataFrame
    or a dict of columns (e.g. a SALib sample). ``threads`` (default one per core) never
    changes the result; ``shard`` is ``"K/N"`` or ``(K, N)``. ``solve_time=False`` leaves out
    the ``solve_ms`` column, the one that differs between identical runs.

    With ``out`` (a .csv or .jsonl path) the sweep streams to that file with its manifest
    exactly as the command line does (resumable with ``resume=True``; ``restart=True``
    discards an interrupted run), and the table is read back from it. Ctrl-C stops an
    in-memory sweep between chunks.
    """
    if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool) or threads < 1):
        raise UsageError(f"threads must be a whole number from 1, not {threads!r}")
    spec_input = _input(spec, "spec")
    design_input = _design(design)
    shard_pair = _shard(shard)
    if out is None:
        if resume or restart:
            raise UsageError("resume and restart continue a sweep written to a file: give out=PATH")
        frame = _frame(
            _native.sweep_table(
                spec_input,
                design=design_input,
                threads=threads or 0,
                shard=shard_pair,
                solve_time=bool(solve_time),
            )
        )
    else:
        import pandas as pd

        path = os.fspath(out)
        _native.sweep_file(
            spec_input,
            path,
            design=design_input,
            threads=threads or 0,
            shard=shard_pair,
            solve_time=bool(solve_time),
            resume=bool(resume),
            restart=bool(restart),
        )
        if path.lower().endswith(".csv"):
            frame = pd.read_csv(path)
        else:
            frame = pd.read_json(path, lines=True, dtype=False)
    if arrow:
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("arrow=True needs pyarrow: pip install pyarrow") from e
        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame
