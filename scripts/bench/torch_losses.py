"""Plain-PyTorch peers of the LossBenchmark rows of docs/benchmarks.md, written out by hand (no peer library needed).

Formulas follow Quaterion's and pytorch-metric-learning's defaults:
- q.TripletLoss(hard,cos,m=0.5): distances (1 - cos) / 2, hardest positive / negative, relu((hp - hn) / mean(hn) + m).
- pml.ContrastiveLoss: L2 on normalised rows (cdist), relu(d - 0) over positive pairs and relu(1 - d) over negative
  pairs, each averaged over its non-zero terms, summed.
- pml.MultiSimilarityLoss+MSMiner: the MultiSimilarityMiner(epsilon 0.1) on cosine similarity, then the loss
  (alpha 2, beta 50, base 0.5) on the mined pairs, mean over anchors.
- pml.SupConLoss: temperature 0.1, cosine similarity, mean of the non-zero per-anchor losses.
- pml.ArcFaceLoss: 64 classes, margin 28.6 degrees, scale 64, cross-entropy, mean.
Forward + backward, float32; per cell the median / min ms of up to 10 runs after a warm-up of at least 20 runs
and 1 s, as LossBenchmark.
Usage: python3 torch_losses.py THREADS
"""
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F

CLASSES = 64
CONFIGS = [(256, 128), (256, 512), (1024, 128), (1024, 512)]


def masks(labels):
    same = labels[:, None] == labels[None, :]
    pos = same & ~torch.eye(len(labels), dtype=torch.bool)
    return pos, ~same


def masked_logsumexp(x, keep, add_one):
    x = x.masked_fill(~keep, float("-inf"))
    if add_one:
        x = torch.cat([x, torch.zeros(x.shape[0], 1, dtype=x.dtype)], dim=1)
    out = torch.logsumexp(x, dim=1)
    return out.masked_fill(~keep.any(dim=1), 0)


def avg_non_zero(losses):
    nonzero = losses > 0
    count = nonzero.sum()
    return losses.sum() / count if count > 0 else losses.sum() * 0


def triplet_hard(e, labels, state):
    en = F.normalize(e, dim=1)
    dist = (1 - en @ en.T) * 0.5
    pos, neg = masks(labels)
    hp = (dist * pos).max(dim=1).values
    hn = (dist + dist.max(dim=1, keepdim=True).values * (~neg)).min(dim=1).values
    has_neg = neg.any(dim=1)
    hp, hn = hp[has_neg], hn[has_neg]
    return torch.relu((hp - hn) / hn.mean().clamp_min(1e-12) + 0.5).mean()


def contrastive(e, labels, state):
    en = F.normalize(e, dim=1)
    dist = torch.cdist(en, en)
    pos, neg = masks(labels)
    return avg_non_zero(torch.relu(dist[pos])) + avg_non_zero(torch.relu(1 - dist[neg]))


def multi_similarity_mined(e, labels, state):
    en = F.normalize(e, dim=1)
    sim = en @ en.T
    pos, neg = masks(labels)
    with torch.no_grad():  # the miner: its own similarity matrix, as PML's MultiSimilarityMiner computes it
        eps = 0.1
        mined = F.normalize(e, dim=1)
        sim_m = mined @ mined.T
        pos_sorting = sim_m.masked_fill(~pos, float("inf"))
        neg_sorting = sim_m.masked_fill(~neg, float("-inf"))
        hardest_pos = pos_sorting.min(dim=1, keepdim=True).values
        hardest_neg = neg_sorting.max(dim=1, keepdim=True).values
        mined_pos = pos & (sim_m - eps < hardest_neg)
        mined_neg = neg & (sim_m + eps > hardest_pos)
    pos_loss = masked_logsumexp(2 * (0.5 - sim), mined_pos, True) / 2
    neg_loss = masked_logsumexp(50 * (sim - 0.5), mined_neg, True) / 50
    return (pos_loss + neg_loss).mean()


def supcon(e, labels, state):
    en = F.normalize(e, dim=1)
    mat = en @ en.T / 0.1
    pos, neg = masks(labels)
    mat = mat - mat.max(dim=1, keepdim=True).values.detach()
    denominator = masked_logsumexp(mat, pos | neg, False).unsqueeze(1)
    log_prob = mat - denominator
    mean_log_prob_pos = (pos * log_prob).sum(dim=1) / (pos.sum(dim=1) + 1e-45)
    return avg_non_zero(-mean_log_prob_pos)


def arcface(e, labels, state):
    w = state["w"]
    cos = F.normalize(e, dim=1) @ F.normalize(w, dim=0)
    one_hot = F.one_hot(labels, CLASSES).to(cos.dtype)
    target = (cos * one_hot).sum(dim=1)
    angles = torch.acos(target.clamp(-1 + 1e-7, 1 - 1e-7))
    modified = torch.cos(angles + math.radians(28.6))
    logits = (cos + one_hot * (modified - target).unsqueeze(1)) * 64
    return F.cross_entropy(logits, labels)


CASES = [
    ("q.TripletLoss(hard,cos,m=0.5)", triplet_hard),
    ("pml.ContrastiveLoss", contrastive),
    ("pml.MultiSimilarityLoss+MSMiner", multi_similarity_mined),
    ("pml.SupConLoss", supcon),
    ("pml.ArcFaceLoss", arcface),
]


def time_cell(loss, batch, dim):
    gen = torch.Generator().manual_seed(7)
    base = torch.randn(batch, dim, generator=gen)
    labels = (torch.arange(batch) % CLASSES)[torch.randperm(batch, generator=gen)]
    state = {"w": torch.nn.init.xavier_normal_(torch.empty(dim, CLASSES)).requires_grad_()}
    def once():
        t0 = time.perf_counter()
        emb = base.clone().requires_grad_()
        loss(emb, labels, state).backward()
        emb.grad[0, 0].item()
        state["w"].grad = None
        return (time.perf_counter() - t0) * 1000

    warm, n = 0.0, 0
    while warm < 3000 and (n < 20 or warm < 1000):  # the same warm-up as LossBenchmark (it needs it for its JIT)
        warm += once()
        n += 1
    times = []
    for _ in range(10):
        times.append(once())
        if sum(times) > 8000:
            break
    return f"{statistics.median(times):.2f} / {min(times):.2f}"


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    print(f"# plain torch {torch.__version__}, {threads} thread(s)")
    print("| loss | B=256 D=128 | B=256 D=512 | B=1024 D=128 | B=1024 D=512 |")
    print("|---|---:|---:|---:|---:|")
    for name, loss in CASES:
        cells = [time_cell(loss, b, d) for b, d in CONFIGS]
        print("| " + name + " | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
