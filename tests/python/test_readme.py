"""The README's Python snippet runs as written, from the repository, and prints what it says."""

import os
import re
import subprocess
import sys

from conftest import REPO


def test_the_readme_python_snippet():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- readme-python: begin -->\n```python\n(.*?)\n```\n<!-- readme-python: end -->", readme, re.S)
    assert found, "README.md: the Python snippet between the readme-python markers is missing"
    code = found.group(1)
    assert len(code.splitlines()) == 5
    finished = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                              env=dict(os.environ), check=True)
    lines = finished.stdout.splitlines()
    assert lines[-1] == "2607.86"
    assert lines[0].split() == ["fund", "released", "drawn", "exhausted_at"]
    assert lines[3].split() == ["2", "tencent", "29997000000", "161286", "NaT"]
