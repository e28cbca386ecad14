"""The Python peer of the HTTP benchmark (issue 15): the service as a user might build it in an
afternoon with FastAPI and real torch, and no sandbox at all (it exec's whatever it is sent).

Usage: /usr/bin/python3 bench/python/peer_server.py PORT      (loopback only; started by bench/http.ts)

POST /v1/evaluate  {"inputs": {name: number | [numbers]}, "python": "..."}
    Each input becomes a float32 tensor that requires grad; the Python program runs with torch in
    scope and calls backward itself; the answer gives every tensor's data, grad and grad_fn name.
POST /v1/run       {"cells": ["...", ...]}
    The cells run in one new namespace with stdout captured per cell; figures are drawn as SVG.
"""
import contextlib
import io
import sys
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402

torch.set_num_threads(1)
warnings.simplefilter("ignore")  # the lab reads a non-leaf .grad; a deployed service would not log it per request
app = FastAPI()


def describe(value):
    return {
        "data": value.detach().tolist(),
        "grad": None if value.grad is None else value.grad.tolist(),
        "grad_fn": None if value.grad_fn is None else type(value.grad_fn).__name__,
    }


@app.get("/")
def root():
    return {"peer": "fastapi + torch " + torch.__version__}


@app.post("/v1/evaluate")
async def evaluate(request: Request):
    body = await request.json()
    namespace = {"torch": torch}
    for name, value in body["inputs"].items():
        namespace[name] = torch.tensor(value, dtype=torch.float32, requires_grad=True)
    exec(body["python"], namespace)
    return {"variables": {name: describe(v) for name, v in namespace.items() if isinstance(v, torch.Tensor)}}


@app.post("/v1/run")
async def run(request: Request):
    body = await request.json()
    namespace = {"__name__": "__main__"}
    cells = []
    for source in body["cells"]:
        stdout = io.StringIO()
        error = None
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(source, "<cell>", "exec"), namespace)
        except Exception as exception:  # noqa: BLE001 - a cell's error is part of the answer
            error = {"type": type(exception).__name__, "message": str(exception)}
        figures = []
        for number in plt.get_fignums():
            svg = io.StringIO()
            plt.figure(number).savefig(svg, format="svg")
            figures.append(svg.getvalue())
        plt.close("all")
        cells.append({"stdout": stdout.getvalue(), "error": error, "figures": figures})
    return {"cells": cells}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
