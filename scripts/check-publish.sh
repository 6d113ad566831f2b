#!/usr/bin/env bash
# Runs the Dockerfile's restore and publish steps (the same commands, read from the Dockerfile) into a temporary
# folder, for CI machines without a Docker engine. Fails if either step fails or the entry assembly is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cd "$ROOT"

restore="$(sed -n 's/^RUN \(dotnet restore .*\)$/\1/p' Dockerfile)"
publish="$(sed -n 's/^RUN \(dotnet publish .*\) -o \/app$/\1/p' Dockerfile)"
[[ -n "$restore" && -n "$publish" ]] || { echo "Dockerfile has no 'RUN dotnet restore' / 'RUN dotnet publish ... -o /app' line" >&2; exit 1; }

echo "+ $restore"
$restore
echo "+ $publish -o $OUT"
$publish -o "$OUT"

entry="$(sed -n 's/^ENTRYPOINT \["dotnet", "\(.*\)"\]$/\1/p' Dockerfile)"
[[ -f "$OUT/$entry" ]] || { echo "published output lacks the entry assembly '$entry'" >&2; exit 1; }
# Stack traces must not reveal the build machine's folders (PathMap in Directory.Build.props).
if grep -rlF "$ROOT/" "$OUT" --include='*.dll' --include='*.pdb' >/dev/null; then
    echo "published assemblies or symbols contain the build path $ROOT/ (PathMap missing?)" >&2
    exit 1
fi
echo "publish OK: $entry and $(find "$OUT" -type f | wc -l) files, no build paths"
