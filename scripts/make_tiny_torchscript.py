#!/usr/bin/env python3
"""Makes the tiny TorchScript test model used by TorchScriptEncoderTest.

Run with Debian's torch (`apt-get install python3-torch`, then `/usr/bin/python3 scripts/make_tiny_torchscript.py`).
Writes quaterion-models/src/test/resources/torchscript/tiny_mlp.pt (an 8 -> 16 -> 4 MLP with tanh, traced) and
tiny_mlp_expected.json (a fixed input and the module's output on it) so the Java test can check parity.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "quaterion-models", "src", "test", "resources", "torchscript")


class TinyMlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(8, 16)
        self.l2 = torch.nn.Linear(16, 4)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


def main():
    torch.manual_seed(7)
    model = TinyMlp().eval()
    x = torch.linspace(-1.0, 1.0, 3 * 8).reshape(3, 8)
    traced = torch.jit.trace(model, x)
    os.makedirs(OUT, exist_ok=True)
    traced.save(os.path.join(OUT, "tiny_mlp.pt"))
    with torch.no_grad():
        y = traced(x)
    with open(os.path.join(OUT, "tiny_mlp_expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "input": x.tolist(), "output": y.tolist()}, f, indent=1)


if __name__ == "__main__":
    main()
