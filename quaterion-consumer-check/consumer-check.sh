#!/usr/bin/env bash
# Builds the consumer projects of docs/getting-started.md and docs/spring-boot.md from scratch, in an empty temporary
# directory, against the artifacts this build installed into the local Maven repository: a trainer app (quaterion-core
# + onnx + runtime-cpu through the BOM) that fine-tunes and saves a servable, a serving-only app (quaterion-models +
# onnx + runtime-cpu) that must reproduce the trainer's vectors from the servable alone, also through plain DJL, and a
# Spring Boot service (spring-boot-starter-parent + the starter) whose test searches the servable over HTTP.
# Run by `./mvnw install` (module quaterion-consumer-check, phase install); skip with -Dconsumer.check.skip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
version="${1:?usage: consumer-check.sh <quaterion version>}"
# the BOM names every published module, at the build's version
grep -q "<version>$version</version>" "$root/quaterion-bom/pom.xml" \
  || { echo "quaterion-bom's version is not $version: keep it equal to the parent's" >&2; exit 1; }
for pom in "$root"/quaterion-*/pom.xml; do
  module="$(basename "$(dirname "$pom")")"
  case "$module" in quaterion-bom|quaterion-examples|quaterion-consumer-check) continue ;; esac
  grep -q "<artifactId>$module</artifactId>" "$root/quaterion-bom/pom.xml" \
    || { echo "quaterion-bom does not list $module: add it to its dependencyManagement" >&2; exit 1; }
done
# docs/getting-started.md and docs/spring-boot.md show these apps: each `<!-- file: PATH -->` block must equal PATH
for doc in "$root/docs/getting-started.md" "$root/docs/spring-boot.md"; do
  for path in $(sed -n 's/^<!-- file: \(.*\) -->$/\1/p' "$doc"); do
    shown="$(awk -v marker="<!-- file: $path -->" '
      $0 == marker { found = 1; next }
      found == 1 && /^```/ { found = 2; next }
      found == 2 && /^```$/ { exit }
      found == 2 { print }' "$doc")"
    if [ "$shown" != "$(cat "$root/$path")" ]; then
      echo "docs/$(basename "$doc") shows $path differently from the file: copy the file into the doc" >&2
      exit 1
    fi
  done
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for app in trainer serving spring-service; do
  mkdir -p "$work/$app"
  cp -R "$here/$app/pom.xml" "$here/$app/src" "$work/$app/"
  if [ -f "$here/$app/catalogue.jsonl" ]; then cp "$here/$app/catalogue.jsonl" "$work/$app/"; fi
  # a user's own Maven: the wrapper of this repository, copied as a user would install Maven
  cp -R "$root/mvnw" "$root/.mvn" "$work/$app/"
done
mvn_args=(-B -q "-Dquaterion.version=$version")
if [ -n "${MAVEN_REPO_LOCAL:-}" ]; then mvn_args+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL"); fi
echo "consumer check: building the trainer app in $work/trainer"
(cd "$work/trainer" && ./mvnw "${mvn_args[@]}" compile exec:java -Dexec.args="$work/run")
echo "consumer check: building the serving app in $work/serving"
(cd "$work/serving" && ./mvnw "${mvn_args[@]}" compile exec:java -Dexec.args="$work/run")
# the Spring Boot service of docs/spring-boot.md: its test starts it on the trainer's servable (the index is built
# from catalogue.jsonl at start-up) and searches over HTTP
echo "consumer check: building and testing the Spring Boot service in $work/spring-service"
(cd "$work/spring-service" && ./mvnw "${mvn_args[@]}" verify "-Dquaterion.model.path=$work/run/servable")
echo "consumer check: passed"
