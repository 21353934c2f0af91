#!/usr/bin/env python3
"""Checks an export of `quaterion export --onnx DIR` with ONNX's own checker (Debian: apt-get install python3-onnx).

Usage: scripts/check-onnx-export.py DIR

Runs onnx.checker with full shape inference on DIR/model.onnx and checks its inputs and outputs against
DIR/export.json. It validates the graph; it does not run it (Debian packages no ONNX Runtime for Python: see
docs/onnx-export.md for the pip command that does).
"""
import json
import sys

import onnx


def main(directory):
    with open(f"{directory}/export.json", encoding="utf-8") as f:
        description = json.load(f)
    model = onnx.load(f"{directory}/model.onnx")
    onnx.checker.check_model(model, full_check=True)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs != description["inputs"]:
        sys.exit(f"inputs {inputs} differ from export.json's {description['inputs']}")
    if outputs != list(description["outputs"]):
        sys.exit(f"outputs {outputs} differ from export.json's {list(description['outputs'])}")
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    dims = {}
    for o in inferred.graph.output:
        dims[o.name] = [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim]
    print(f"{directory}: onnx {onnx.__version__} checker passed, opset "
          f"{max(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))}, inputs {inputs}, "
          f"outputs {dims}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
