#!/usr/bin/env bash
# Checks that the two GPU routes from Maven Central resolve from Maven Central alone, without downloading their native
# jars (2.5 GB and 1.5 GB): for each route Maven collects the runtime's dependency graph (POMs only), then every jar of
# that graph outside test scope is asked for with an HTTP HEAD request. Routes: cuda-central (DJL 0.32.0, libtorch
# 2.5.1 + cu124) and cuda118-central (DJL 0.25.0, libtorch 2.0.1 + cu118). Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="${MAVEN_CENTRAL:-https://repo.maven.apache.org/maven2}"
tree="$(mktemp)"
trap 'rm -f "$tree"' EXIT

# check_route PROFILE MODULE: resolves MODULE's graph under PROFILE and HEADs each jar; fails on a missing one.
check_route() {
  local profile="$1" module="$2" checked=0 missing=0
  ./mvnw -B -q -P"$profile" -pl "$module" dependency:tree -DoutputFile="$tree"
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
  echo "$profile: $checked jars checked on $repo, $missing missing"
  [ "$checked" -gt 0 ] && [ "$missing" -eq 0 ]
}

check_route cuda-central quaterion-runtime-cuda-central
check_route cuda118-central quaterion-runtime-cuda118-central
