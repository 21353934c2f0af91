"""Side-by-side speed run: our benchmarks and the plain-PyTorch peers, interleaved, in one session.

Runs, for 1 and 2 libtorch threads and two rounds each, TrainingBenchmark (a fit from the frozen-encoder cache, a
fit that collates records, the bare loop) and torch_training_step.py, then LossBenchmark (the five loss rows of
docs/benchmarks.md) and torch_losses.py; keeps the lower median of the rounds per cell and prints markdown tables
with the ratio ours / peer. Needs Debian's python3-torch (run it with
/usr/bin/python3); it compiles the repository itself (offline, nothing installed).
Usage (from the repository root): /usr/bin/python3 scripts/bench/side_by_side.py [--rounds N] [--threads 1,2]
[--skip-losses]
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "scripts", "bench")
ROWS = ["q.TripletLoss(hard,cos,m=0.5)", "pml.ContrastiveLoss", "pml.MultiSimilarityLoss+MSMiner", "pml.SupConLoss",
        "pml.ArcFaceLoss"]
CELLS = ["B=256 D=128", "B=256 D=512", "B=1024 D=128", "B=1024 D=512"]


def classpath():
    """The examples' runtime classpath, with this checkout's modules as target/classes (no install needed).

    Compiles the examples and the modules they need, offline, and reads from Maven's debug output the classpath of
    the examples' test compilation (it holds the runtime-scope engine jars too), minus the test classes.
    """
    out = subprocess.run([os.path.join(ROOT, "mvnw"), "-B", "-o", "-X", "-pl", "quaterion-examples", "-am",
                          "test-compile"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    tests = os.path.join(ROOT, "quaterion-examples", "target", "test-classes")
    for line in out.splitlines():
        m = re.search(r"\(f\) testPath = \[(.*)\]$", line)
        if m and m[1].startswith(tests + ","):
            return os.pathsep.join(e.strip() for e in m[1].split(",") if e.strip() != tests)
    sys.exit("no test classpath of quaterion-examples in Maven's debug output")


def java(cp, main, *args):
    cmd = ["java", "-Xmx4g", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", cp,
           "org.quaterion.examples.bench." + main, *args]
    return subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def python(script, threads, *args):
    # torch.set_num_threads does not bound Debian's OpenBLAS, which would otherwise use every core for matMul
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    return subprocess.run([sys.executable, os.path.join(HERE, script), str(threads), *args], check=True,
                          capture_output=True, text=True, env=env).stdout


def keep_min(table, key, value):
    table[key] = min(value, table.get(key, float("inf")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--skip-losses", action="store_true")
    a = parser.parse_args()
    import torch  # noqa: F401  (fails early without python3-torch)
    cp = classpath()
    threads = [int(t) for t in a.threads.split(",")]
    train_ours, train_fit, train_cached, train_peer, loss_ours, loss_peer = {}, {}, {}, {}, {}, {}
    for t in threads:
        for _ in range(a.rounds):
            for line in java(cp, "TrainingBenchmark", "--threads", str(t)).splitlines():
                m = re.match(r"\| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|", line)
                if m:
                    keep_min(train_cached, (t, int(m[1])), float(m[2]))
                    keep_min(train_fit, (t, int(m[1])), float(m[3]))
                    keep_min(train_ours, (t, int(m[1])), float(m[4]))
            for line in python("torch_training_step.py", t).splitlines():
                m = re.match(r"batch (\d+) median_ms ([\d.]+)", line)
                if m:
                    keep_min(train_peer, (t, int(m[1])), float(m[2]))
            if a.skip_losses:
                continue
            ours = java(cp, "LossBenchmark", "--threads", str(t), "--only", ";".join(ROWS))
            peer = python("torch_losses.py", t)
            for text, table in ((ours, loss_ours), (peer, loss_peer)):
                for line in text.splitlines():
                    cells = [c.strip() for c in line.strip().strip("|").split("|")]
                    if cells and cells[0] in ROWS and len(cells) == 5:
                        for i, c in enumerate(cells[1:]):
                            keep_min(table, (t, cells[0], i), float(c.split("/")[0]))
    for t in threads:
        print(f"\n## Head-only training step, {t} thread(s): ms per step (ratio ours / plain PyTorch)\n")
        print("| batch | fit, cached | fit, records | bare loop | plain PyTorch | cached fit / PyTorch "
              "| fit, records / PyTorch | bare / PyTorch |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for b in (256, 1024):
            c, f, o, p = train_cached[(t, b)], train_fit[(t, b)], train_ours[(t, b)], train_peer[(t, b)]
            print(f"| {b} | {c:.2f} | {f:.2f} | {o:.2f} | {p:.2f} | {c / p:.2f} | {f / p:.2f} | {o / p:.2f} |")
        if a.skip_losses:
            continue
        print(f"\n## Losses, forward + backward, {t} thread(s): median ms, ours vs plain PyTorch (ratio)\n")
        print("| loss | " + " | ".join(CELLS) + " |")
        print("|---|" + "---|" * len(CELLS))
        for row in ROWS:
            cells = []
            for i in range(len(CELLS)):
                o, p = loss_ours.get((t, row, i)), loss_peer.get((t, row, i))
                cells.append("n/a" if o is None or p is None else f"{o:.1f} vs {p:.1f} ({o / p:.2f})")
            print("| " + row + " | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
