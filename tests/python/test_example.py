"""The Python example (examples/python) runs, draws its figure, and its notebook holds the same
code as the script."""

import json
import os
import subprocess
import sys

from conftest import REPO

EXAMPLE = REPO / "examples" / "python"


def test_the_example_script_runs(tmp_path):
    finished = subprocess.run([sys.executable, str(EXAMPLE / "replay_and_sweep.py"), "--out", str(tmp_path)],
                              capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"}, timeout=600)
    assert finished.returncode == 0, finished.stderr
    lines = finished.stdout.splitlines()
    assert "tencent drew 499966.66 yuan; ran out at 2018-09-09 20:18:05.445000+08:00" in lines
    assert lines[-3].split()[:3] == ["300000.00", "1.0", "2018-09-09"]
    assert lines[-1].split()[:3] == ["1000000.00", "0.0", "NaT"]
    assert (tmp_path / "tencent-depletion.png").stat().st_size > 10_000


def test_the_notebook_has_the_scripts_cells():
    script = (EXAMPLE / "replay_and_sweep.py").read_text(encoding="utf-8")
    sections = [section.partition("\n")[2].rstrip("\n") for section in script.split("# --- cell: ")[1:]]
    notebook = json.loads((EXAMPLE / "replay_and_sweep.ipynb").read_text(encoding="utf-8"))
    code = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert len(sections) == 4
    assert code[1:] == sections
