"""Execute every notebook here top to bottom and save it with its outputs (``make notebook-outputs``).

The outputs let the notebooks read on a web page (GitHub, nbviewer) without a kernel.  Each
runs in a temporary folder, so no local path lands in an output; widget views and their saved
state are dropped (they need a running kernel, and the state holds a second copy of every
figure drawn inside a widget).  tests/test_notebooks.py checks the result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbclient
import nbformat

WIDGET = "application/vnd.jupyter.widget-view+json"


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as folder:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": folder}}).execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [out for out in cell.outputs if WIDGET not in out.get("data", {})]
    nbformat.validate(nb)
    nbformat.write(nb, path)
    print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    os.environ.pop("MPLBACKEND", None)  # the inline backend, so that figures are kept
    for notebook in sorted(Path(__file__).resolve().parent.glob("*.ipynb")):
        refresh(notebook)
