"""`cmake --install` puts the package into the interpreter's site-packages layout under the prefix,
and it imports from there alone."""

import os
import pathlib
import subprocess
import sys
import sysconfig

import pytest


def test_the_installed_package_imports(tmp_path):
    build = os.environ.get("MATCHFUND_BUILD_DIR")
    if not build:
        pytest.skip("MATCHFUND_BUILD_DIR is not set (ctest sets it)")
    subprocess.run(["cmake", "--install", build, "--prefix", str(tmp_path), "--component", "matchfund_python"],
                   check=True, capture_output=True)
    platlib = sysconfig.get_path("platlib", "posix_prefix", vars={"base": "/P", "platbase": "/P"})[len("/P/"):]
    if sysconfig.get_default_scheme() == "posix_local":
        platlib = platlib.replace("site-packages", "dist-packages")
    installed = tmp_path / platlib / "matchfund"
    assert sorted(p.name for p in installed.glob("*.py")) == [
        "__init__.py", "_engine.py", "_events.py", "_frames.py", "_replay.py", "_rules.py", "_simulate.py",
        "_streams.py", "dask.py", "errors.py"]
    assert (installed / "_matchfund.pyi").exists() and (installed / "py.typed").exists()
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / platlib)}
    finished = subprocess.run([sys.executable, "-c", "import matchfund; print(matchfund.__file__, matchfund.__version__)"],
                              capture_output=True, text=True, env=environment, cwd=tmp_path, check=True)
    assert finished.stdout.startswith(str(installed / "__init__.py"))
