"""The notebooks in notebooks/ run from top to bottom, and are kept small (outputs stripped).

Each notebook checks one key number against a hand calculation in a visible cell (an
``assert``), so executing it here checks it.  They run with nbclient on the kernel of
the interpreter running the tests, in a temporary folder, with matplotlib's Agg backend.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat reads the notebooks")
nbclient = pytest.importorskip("nbclient", reason="nbclient executes the notebooks")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
EXPECTED = ["01-student-walkthrough.ipynb", "02-analyst-what-if.ipynb", "03-build-your-own.ipynb"]


def test_the_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stripped_and_checks_a_number(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "outputs must be stripped"
    sources = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    assert re.search(r"^hand = ", sources, flags=re.M) and "assert abs(" in sources
    # Only the public API: no private names imported from the package.
    assert not re.search(r"from scenarios[\w.]* import .*\b_\w", sources)
    assert not re.search(r"scenarios(\.\w+)*\._", sources)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.outputs)
    assert "by hand" in text
