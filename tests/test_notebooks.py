"""The notebooks in notebooks/ run from top to bottom, and are committed with their outputs.

The outputs (executed once with nbclient, widgets dropped) let the notebooks read on a web
page; they must stay small and hold no local path.

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


#: Text that must never be in a committed output: local absolute paths, a traceback.
LOCAL = re.compile(r"/(?:tmp|work|home|root|Users)/|[A-Z]:\\|ipykernel_|Traceback")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_with_its_outputs_and_checks_a_number(path):
    """Executed top to bottom once (so it reads on a web page), outputs small and portable."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), "run it top to bottom once"
    assert sum(bool(cell.outputs) for cell in code) >= len(code) // 2, "commit the outputs"
    assert "widgets" not in nb.metadata  # widget state needs a kernel, and copies every figure
    assert path.stat().st_size < 400_000
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error"
            data = out.get("data", {})
            assert "application/vnd.jupyter.widget-view+json" not in data
            assert len(data.get("image/png", "")) < 300_000  # base64 characters
            text = out.get("text", "") + "".join(v for k, v in data.items() if k.startswith("text/"))
            assert not LOCAL.search(text), (path.name, LOCAL.search(text).group(0))
    sources = "\n".join(cell.source for cell in code)
    assert re.search(r"^hand = ", sources, flags=re.M) and "assert abs(" in sources
    outputs = "\n".join(out.get("text", "") for cell in code for out in cell.outputs)
    assert "by hand" in outputs
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
