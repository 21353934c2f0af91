#!/usr/bin/env python3
"""Makes servables in Python Quaterion's on-disk format, for PythonServableTest.

Run with Debian's torch (`apt-get install python3-torch`, then `/usr/bin/python3 scripts/make_python_servables.py`).
quaterion_models is not installable here, so its heads are written out below with the same math, constructor
arguments, get_config_dict() and state-dict names as quaterion_models f5f97a27 defines them, and
saved exactly as quaterion_models' SimilarityModel.save does:

    <dir>/config.json          {"encoders": [{"key", "module", "class"}], "head": {"module", "class"}}
    <dir>/head/config.json     head.get_config_dict()
    <dir>/head/weights.bin     torch.save(head.state_dict())
    <dir>/encoders/default/    the encoder's own files (here: the TorchScript export model.pt, as a user would
                               export a Python encoder for Java)

The encoder is the tiny 8 -> 4 MLP of make_tiny_torchscript.py. Writes quaterion-models/src/test/resources/
python-servables/<head>/ and expected.json (input, and each servable's output on it, in float64 text).
"""
import json
import os
import shutil

import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(__file__), "..", "quaterion-models", "src", "test", "resources")
OUT = os.path.join(ROOT, "python-servables")
ENCODER = os.path.join(ROOT, "torchscript", "tiny_mlp.pt")


class EncoderHead(torch.nn.Module):
    def __init__(self, input_embedding_size, dropout=0.0, **kwargs):
        super().__init__()
        self.input_embedding_size = input_embedding_size
        self._dropout_prob = dropout
        self.dropout = torch.nn.Dropout(p=dropout) if dropout > 0.0 else torch.nn.Identity()

    def forward(self, x):
        return self.transform(self.dropout(x))

    def get_config_dict(self):
        return {"input_embedding_size": self.input_embedding_size, "dropout": self._dropout_prob}


class EmptyHead(EncoderHead):
    def transform(self, x):
        return x


class GatedHead(EncoderHead):
    def __init__(self, input_embedding_size, dropout=0.0):
        super().__init__(input_embedding_size, dropout)
        self.gates = torch.nn.Parameter(torch.full((input_embedding_size,), 2.0))

    def transform(self, x):
        return x * torch.tanh(self.gates)


class SkipConnectionHead(EncoderHead):
    def __init__(self, input_embedding_size, dropout=0.0, skip_dropout=0.0, n_layers=1):
        super().__init__(input_embedding_size, dropout)
        self._skip_dropout_prob = skip_dropout
        self.skip_dropout = torch.nn.Dropout(p=skip_dropout) if skip_dropout > 0.0 else torch.nn.Identity()
        self._n_layers = n_layers
        for i in range(n_layers):
            setattr(self, f"gates_{i}", torch.nn.Parameter(torch.full((input_embedding_size,), -4.0)))
            setattr(self, f"fc_{i}", torch.nn.Linear(input_embedding_size, input_embedding_size))

    def transform(self, x):
        for i in range(self._n_layers):
            x = getattr(self, f"fc_{i}")(self.skip_dropout(x)) * torch.sigmoid(getattr(self, f"gates_{i}")) + x
        return x

    def get_config_dict(self):
        c = super().get_config_dict()
        c.update({"skip_dropout": self._skip_dropout_prob, "n_layers": self._n_layers})
        return c


class StackedProjectionHead(EncoderHead):
    def __init__(self, input_embedding_size, output_sizes, activation_fn="relu", dropout=0.0, **kwargs):
        super().__init__(input_embedding_size, dropout)
        self._output_sizes = output_sizes
        self._activation_fn = activation_fn
        layers = [torch.nn.Linear(input_embedding_size, output_sizes[0])]
        for i in range(1, len(output_sizes)):
            layers += [Activation(activation_fn), torch.nn.Linear(output_sizes[i - 1], output_sizes[i])]
        self._stack = torch.nn.Sequential(*layers)

    def transform(self, x):
        return self._stack(x)

    def get_config_dict(self):
        c = super().get_config_dict()
        c.update({"output_sizes": self._output_sizes, "activation_fn": self._activation_fn})
        return c


class WideningHead(StackedProjectionHead):
    def __init__(self, input_embedding_size, expansion_factor=4.0, activation_fn="relu", dropout=0.0, **kwargs):
        self._expansion_factor = expansion_factor
        super().__init__(input_embedding_size, [int(input_embedding_size * expansion_factor), input_embedding_size],
                         activation_fn, dropout)

    def get_config_dict(self):
        c = super().get_config_dict()
        c.update({"expansion_factor": self._expansion_factor})
        return c


class SoftmaxEmbeddingsHead(EncoderHead):
    def __init__(self, output_groups, output_size_per_group, input_embedding_size, dropout=0.0, **kwargs):
        super().__init__(input_embedding_size, dropout)
        self.output_groups = output_groups
        self.output_size_per_group = output_size_per_group
        self.projection_layer = torch.nn.Linear(input_embedding_size, output_groups * output_size_per_group)

    def transform(self, x):
        p = self.projection_layer(x).view(x.shape[0], self.output_groups, self.output_size_per_group)
        return torch.softmax(p, dim=-1).view(x.shape[0], -1)

    def get_config_dict(self):
        c = super().get_config_dict()
        c.update({"output_groups": self.output_groups, "output_size_per_group": self.output_size_per_group})
        return c


class Activation(torch.nn.Module):
    def __init__(self, name):
        super().__init__()
        self.name = name

    def forward(self, x):
        return vars(F)[self.name](x)


MODULES = {
    "EmptyHead": "quaterion_models.heads.empty_head",
    "GatedHead": "quaterion_models.heads.gated_head",
    "SkipConnectionHead": "quaterion_models.heads.skip_connection_head",
    "StackedProjectionHead": "quaterion_models.heads.stacked_projection_head",
    "WideningHead": "quaterion_models.heads.widening_head",
    "SoftmaxEmbeddingsHead": "quaterion_models.heads.softmax_head",
}


def perturb(head, seed):
    """Trained-looking weights: the initial constants (gates 2.0 / -4.0) would hide a wrong mapping."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in head.parameters():
            p.add_(torch.randn(p.shape, generator=g) * 0.5)


def main():
    torch.manual_seed(11)
    encoder = torch.jit.load(ENCODER)
    x = torch.linspace(-1.0, 1.0, 5 * 8).reshape(5, 8)
    heads = {
        "empty": EmptyHead(4),
        "gated": GatedHead(4, dropout=0.1),
        "skip_connection": SkipConnectionHead(4, skip_dropout=0.2, n_layers=2),
        "stacked_projection": StackedProjectionHead(4, [6, 5, 3], activation_fn="gelu"),
        "widening": WideningHead(4, expansion_factor=2.0, activation_fn="relu"),
        "softmax_embeddings": SoftmaxEmbeddingsHead(2, 3, 4),
    }
    shutil.rmtree(OUT, ignore_errors=True)
    expected = {"torch": torch.__version__, "input": x.tolist(), "outputs": {}}
    for i, (name, head) in enumerate(heads.items()):
        perturb(head, 100 + i)
        head.eval()
        d = os.path.join(OUT, name)
        os.makedirs(os.path.join(d, "head"))
        os.makedirs(os.path.join(d, "encoders", "default"))
        cls = type(head).__name__
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"encoders": [{"key": "default", "module": "my_project.encoders", "class": "TinyMlpEncoder"}],
                       "head": {"module": MODULES[cls], "class": cls}}, f, indent=2)
        with open(os.path.join(d, "head", "config.json"), "w") as f:
            json.dump(head.get_config_dict(), f, indent=2)
        torch.save(head.state_dict(), os.path.join(d, "head", "weights.bin"))
        shutil.copy(ENCODER, os.path.join(d, "encoders", "default", "model.pt"))
        with torch.no_grad():
            y = head(encoder(x))
        expected["outputs"][name] = [[repr(float(v)) for v in row] for row in y.double().tolist()]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
