"""The README's Python walk-through runs as written (from a clone, in a fresh environment)."""

import os
import pathlib
import re
import shlex
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def section():
    text = (ROOT / "README.md").read_text()
    start = text.index("## For researchers: from Python")
    return text[start : text.index("\n## ", start + 3)]


def blocks(kind):
    return re.findall(rf"```{kind}\n(.*?)```", section(), flags=re.S)


@pytest.fixture
def clone(tmp_path):
    """A working directory that looks like the repository (outputs land in tmp_path)."""
    for name in ["python", "sweeps", "scenarios"]:
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def test_the_walk_through_commands_run_as_written(cli, clone):
    ran = 0
    for line in blocks("sh")[0].splitlines():
        command = line.split("  #")[0].strip()
        if not command or command.startswith(("python3 -m venv", "pip install")):
            continue  # the environment this suite runs in was made by those two lines
        words = shlex.split(command)
        if words[:4] == ["cargo", "run", "--release", "--"]:
            words = [cli] + words[4:]
        elif words[0] == "python":
            words[0] = sys.executable
        done = subprocess.run(words, cwd=clone, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stderr}"
        ran += 1
    assert ran == 5
    assert (clone / "sobol.csv").exists()


def test_the_python_snippet_runs_as_written(clone, monkeypatch, capsys):
    monkeypatch.chdir(clone)
    exec(compile(blocks("python")[0], "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "optimal" in printed and "no business" in printed
