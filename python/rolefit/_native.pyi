"""Type stubs of the compiled binding (``python/src/lib.rs``). Use the wrappers in
``rolefit``; these take inputs already classified as ``(path_or_text, is_text)``."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

__version__: str

Input = Tuple[str, bool]

def solve(
    scenario: Input,
    *,
    rules: Optional[str] = ...,
    no_default_rules: bool = ...,
    variant: Optional[str] = ...,
    without: Sequence[str] = ...,
    with_: Sequence[Input] = ...,
    pins: Sequence[str] = ...,
    forbid: Sequence[str] = ...,
    unfunded: Sequence[str] = ...,
    time_limit: Optional[float] = ...,
    partners: Optional[str] = ...,
) -> str:
    """The ``solve --format json`` object as JSON text."""

class Evaluator:
    """A base (scenario or sweep file) compiled for one list of factor names."""

    def __init__(
        self,
        base: Input,
        factors: List[str],
        *,
        rules: Optional[str] = ...,
        no_default_rules: bool = ...,
    ) -> None: ...
    @property
    def factors(self) -> List[str]: ...
    @property
    def outcomes(self) -> List[str]: ...
    def __call__(self, values: Tuple[Any, ...], seed: int = ...) -> Dict[str, Any]: ...

def sweep_table(
    spec: Input,
    *,
    design: Optional[Input] = ...,
    threads: int = ...,
    shard: Optional[Tuple[int, int]] = ...,
    solve_time: bool = ...,
) -> List[Tuple[str, str, bytes, Optional[List[str]]]]:
    """The table's columns: ``(name, kind, little-endian data, level names of a text column)``."""

def sweep_file(
    spec: Input,
    out: str,
    *,
    design: Optional[Input] = ...,
    threads: int = ...,
    shard: Optional[Tuple[int, int]] = ...,
    solve_time: bool = ...,
    resume: bool = ...,
    restart: bool = ...,
) -> Tuple[int, int, int]:
    """Streams the sweep to ``out`` with its manifest; ``(rows, resumed, solved)``."""
