#!/usr/bin/env bash
# Renders the training report of a short example run (examples ReportDemo: Fashion-MNIST, 10 epochs) in headless
# Chromium (Debian's `chromium`) to docs/img/report.png, so the report is looked at, not only generated.
# Needs: a built repository (./mvnw -B install -DskipTests), dataset-fashion-mnist and chromium (apt-get install).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "report-screenshot: install Debian's chromium first" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cp="$(mktemp)"
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$cp" -pl quaterion-examples
java -Xmx4g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "quaterion-examples/target/classes:$(cat "$cp")" \
  org.quaterion.examples.ReportDemo "$out/run"
mkdir -p docs/img
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,3400 \
  --screenshot="$PWD/docs/img/report.png" "file://$out/run/report.html" 2>/dev/null
echo "docs/img/report.png written ($(du -k docs/img/report.png | cut -f1) KiB)"
