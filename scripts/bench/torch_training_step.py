"""Plain-PyTorch peer of TrainingBenchmark: the same head-only training step, written out by hand.

Head: Quaterion's SkipConnectionHead (x + fc(x) * sigmoid(gates), gates initialised to -4).
Loss: Quaterion's TripletLoss(mining="hard", distance cosine, margin 0.5): distances (1 - cos) / 2, hardest positive,
hardest negative, relu((hp - hn) / mean(hn) + margin), mean over anchors that have a negative.
Optimizer: torch.optim.Adam(lr=1e-4). Data: 384-d Gaussian rows, labels i % 64, pre-built per step.
Prints one line per batch size: "batch <b> median_ms <m>" (median of 5 runs of 60 steps, after 2 warm-up steps).
Usage: python3 torch_training_step.py THREADS
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

DIM = 384
STEPS = 60


class SkipConnectionHead(torch.nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = torch.nn.Linear(dim, dim)
        self.gates = torch.nn.Parameter(torch.full((dim,), -4.0))

    def forward(self, x):
        return x + self.fc(x) * torch.sigmoid(self.gates)


def hard_triplet_loss(e, labels, margin=0.5):
    en = F.normalize(e, p=2, dim=1)
    dist = (1 - en @ en.T) * 0.5
    same = labels[:, None] == labels[None, :]
    pos = same & ~torch.eye(len(labels), dtype=torch.bool)
    neg = ~same
    hp = (dist * pos).max(dim=1).values
    row_max = dist.max(dim=1, keepdim=True).values
    hn = (dist + row_max * (~neg)).min(dim=1).values
    has_neg = neg.any(dim=1)
    hp, hn = hp[has_neg], hn[has_neg]
    return torch.relu((hp - hn) / hn.mean().clamp_min(1e-12) + margin).mean()


def run(batch):
    gen = torch.Generator().manual_seed(7)
    xs = [torch.randn(batch, DIM, generator=gen) for _ in range(STEPS)]
    ys = [torch.arange(s * batch, (s + 1) * batch) % 64 for s in range(STEPS)]
    head = SkipConnectionHead(DIM)
    opt = torch.optim.Adam(head.parameters(), lr=1e-4)

    def step(x, y):
        opt.zero_grad(set_to_none=False)
        loss = hard_triplet_loss(head(x), y)
        loss.backward()
        opt.step()

    for s in range(2):
        step(xs[s], ys[s])
    t0 = time.perf_counter()
    for s in range(STEPS):
        step(xs[s], ys[s])
    return (time.perf_counter() - t0) * 1000 / STEPS


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    for batch in (256, 1024):
        times = sorted(run(batch) for _ in range(5))
        print(f"batch {batch} median_ms {statistics.median(times):.2f}", flush=True)


if __name__ == "__main__":
    main()
