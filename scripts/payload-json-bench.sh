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
    Sources/Registry/JSON/JSONValue.swift Sources/Registry/JSON/JSONValue+Parse.swift Sources/Registry/JSON/JSONValue+Depth.swift \
    Sources/Registry/JSON/JSONNumber.swift Sources/Registry/JSON/JSONObject.swift Sources/Registry/JSON/JSONParser.swift \
    Sources/Registry/JSON/JSONParser+Strings.swift Sources/Registry/JSON/JSONParseError.swift Sources/Registry/JSON/JSONWriter.swift
echo "== payload JSON benchmark ($(date -u +%FT%TZ), $(nproc) cores, before = $before)"
"$work/bench"
