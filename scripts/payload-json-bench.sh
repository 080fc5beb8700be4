#!/usr/bin/env bash
# CPU per dispatch body in the JSON path, the old JSONValue against the strict parser, in one process
# (see Benchmarks/PayloadJSON/main.swift). BEFORE names the revision whose JSONValue is "before".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
before=${BEFORE:-a263e44}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git show "$before:Sources/Registry/JSONValue.swift" | sed 's/JSONValue/LegacyJSONValue/g' >"$work/LegacyJSONValue.swift"
swiftc -O -module-name PayloadJSON -o "$work/bench" Benchmarks/PayloadJSON/main.swift "$work/LegacyJSONValue.swift" \
    Sources/Registry/JSONValue.swift Sources/Registry/JSONValue+Parse.swift Sources/Registry/JSONValue+Depth.swift \
    Sources/Registry/JSONNumber.swift Sources/Registry/JSONObject.swift Sources/Registry/JSONParser.swift \
    Sources/Registry/JSONParser+Strings.swift Sources/Registry/JSONParseError.swift Sources/Registry/JSONWriter.swift
echo "== payload JSON benchmark ($(date -u +%FT%TZ), $(nproc) cores, before = $before)"
"$work/bench"
