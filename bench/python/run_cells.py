"""The fresh-Python peer of the benchmark: one new interpreter runs a notebook's cells.

Usage: /usr/bin/python3 bench/python/run_cells.py CELLS.json
CELLS.json is a JSON list of cell sources. They run in one namespace, as a Jupyter kernel runs them,
with matplotlib's Agg backend (no display); a cell that raises prints its error and the next cell
runs, as Jupyter's "run all" with errors allowed would. The process exits when done:
the benchmark times the whole process, interpreter and `import torch` included, because that is
what running a notebook in a fresh python3 costs.
"""
import json
import sys
import traceback

import matplotlib

matplotlib.use("Agg")

with open(sys.argv[1], encoding="utf-8") as cells_file:
    cells = json.load(cells_file)

namespace = {"__name__": "__main__"}
for cell in cells:
    try:
        exec(compile(cell, "<cell>", "exec"), namespace)
    except Exception:  # one failing cell does not stop the notebook
        traceback.print_exc(limit=1)
