#!/usr/bin/env bash
# Regenerates the committed Swift code for Schemas/**/*.proto.
#
#   Tools/codegen/generate-protos.sh          # write the generated files
#   Tools/codegen/generate-protos.sh --check  # fail if the committed files are out of date
#
# Needs protoc (apt-get install -y protobuf-compiler); builds protoc-gen-swift from
# the swift-protobuf package this project depends on, once, into .build-protoc/.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 2; }

plugin=.build-protoc/release/protoc-gen-swift
if [ ! -x "$plugin" ]; then
  swift package resolve >/dev/null
  src=$(find .build/checkouts -maxdepth 1 -name 'swift-protobuf*' -type d | head -n 1)
  [ -n "$src" ] || { echo "swift-protobuf checkout not found under .build/checkouts" >&2; exit 2; }
  swift build -c release --package-path "$src" --scratch-path .build-protoc --product protoc-gen-swift >&2
fi

# Each Swift module owns the .proto files it compiles: module:proto...
targets=(
  "Sources/EventLog/Generated:attest/v1/record.proto"
  "Sources/Records/Generated:attest/v1/specification.proto attest/v1/events.proto attest/v1/state.proto"
)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for entry in "${targets[@]}"; do
  dir=${entry%%:*}
  protos=${entry#*:}
  mkdir -p "$out/$dir"
  protoc --plugin=protoc-gen-swift="$plugin" -I Schemas \
    --swift_out="$out/$dir" --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    $protos
  if [ "${1:-}" = "--check" ]; then
    if ! diff -r "$out/$dir" "$dir" >&2; then
      echo "generated code in $dir is out of date: run Tools/codegen/generate-protos.sh" >&2
      status=1
    fi
  else
    mkdir -p "$dir"
    rm -f "$dir"/*.pb.swift
    cp "$out/$dir"/*.pb.swift "$dir"/
  fi
done
exit $status
