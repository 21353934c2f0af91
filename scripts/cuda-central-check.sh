#!/usr/bin/env bash
# Checks that the cuda-central profile (DJL 0.32.0, libtorch 2.5.1 + cu124) resolves from Maven Central alone,
# without downloading its 2.5 GB native jar: Maven collects the runtime's dependency graph (POMs only), then every
# jar of that graph outside test scope is asked for with an HTTP HEAD request. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="${MAVEN_CENTRAL:-https://repo.maven.apache.org/maven2}"
tree="$(mktemp)"
trap 'rm -f "$tree"' EXIT
./mvnw -B -q -Pcuda-central -pl quaterion-runtime-cuda-central dependency:tree -DoutputFile="$tree"
checked=0
missing=0
# lines such as "+- ai.djl.pytorch:pytorch-native-cu124:jar:linux-x86_64:2.5.1:runtime"
while read -r coords; do
  IFS=: read -r group artifact type a b c <<<"$coords"
  if [ -n "$c" ]; then classifier="$a"; version="$b"; scope="$c"; else classifier=""; version="$a"; scope="$b"; fi
  [ "$type" = "jar" ] && [ "$scope" != "test" ] || continue
  file="$artifact-$version${classifier:+-$classifier}.jar"
  url="$repo/${group//.//}/$artifact/$version/$file"
  if size="$(curl -sfI "$url" | tr -d '\r' | awk 'tolower($1)=="content-length:" {print $2}')" && [ -n "$size" ]; then
    printf '  %-70s %6d MB\n' "$group:$artifact:$version${classifier:+:$classifier}" $((size / 1048576))
  else
    echo "  MISSING on Maven Central: $group:$artifact:$version${classifier:+:$classifier} ($url)" >&2
    missing=$((missing + 1))
  fi
  checked=$((checked + 1))
done < <(grep -oE '[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+:jar(:[A-Za-z0-9_.-]+){2,3}' "$tree" | grep -v '^org.quaterion:')
echo "cuda-central: $checked jars checked on $repo, $missing missing"
[ "$checked" -gt 0 ] && [ "$missing" -eq 0 ]
