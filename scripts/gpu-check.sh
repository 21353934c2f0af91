#!/usr/bin/env bash
# What a person with an NVIDIA GPU runs to verify the GPU build (it cannot run on this project's machines, which have
# none): device detection, the parity tests on the GPU, and the training and loss benchmarks with their throughput.
# Usage: scripts/gpu-check.sh [central|central118|download]
#   central  (default) the Maven Central route: -Pcuda-central, DJL 0.32.0 + libtorch 2.5.1 cu124, no download
#   central118 the Maven Central CUDA 11.8 route: -Pcuda118-central, DJL 0.25.0 + libtorch 2.0.1 cu118, no download
#   download DJL's download route: -Dcuda, DJL 0.35.1 + libtorch 2.7.1 cu128 fetched by DJL at first use
# Fails loudly (exit 2) when no GPU is found.
set -euo pipefail
cd "$(dirname "$0")/.."
route="${1:-central}"
case "$route" in
  central) flags=(-Pcuda-central) ;;
  central118) flags=(-Pcuda118-central) ;;
  download) flags=(-Dcuda); export PYTORCH_FLAVOR=cu128 ;;
  *) echo "usage: $0 [central|central118|download]" >&2; exit 64 ;;
esac
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu-check: no NVIDIA GPU found (nvidia-smi is missing or lists none); this script verifies the GPU build" \
       "and needs a GPU" >&2
  exit 2
fi
nvidia-smi -L

echo "== build ($route route: ${flags[*]})"
./mvnw -B -q "${flags[@]}" -DskipTests -Dconsumer.check.skip -Dspotbugs.skip install
cp="$(mktemp)"
./mvnw -B -q "${flags[@]}" dependency:build-classpath -Dmdep.outputFile="$cp" -pl quaterion-examples
run() { java -Xmx8g -cp "quaterion-examples/target/classes:$(cat "$cp")" "$@"; }

echo "== device detection"
run org.quaterion.examples.bench.DeviceCheck

echo "== parity tests on the default device (DJL makes the GPU the default when it sees one); float64 references"
./mvnw -B "${flags[@]}" -Dspotbugs.skip -Dconsumer.check.skip test -pl quaterion-core -am \
  -Dtest='LossParityTest,HeadsFixtureTest,DistanceTest,RetrievalParityTest,TrainingTest,CacheTest,GradCacheTest' \
  -Dsurefire.failIfNoSpecifiedTests=false

echo "== training step (head on cached embeddings) and losses: throughput"
run org.quaterion.examples.bench.TrainingBenchmark --threads 4
run org.quaterion.examples.bench.LossBenchmark --threads 4 --max-seconds 2
echo "gpu-check ($route): done. Compare the tables with docs/benchmarks.md (CPU) and report the figures."
