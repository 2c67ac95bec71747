#!/usr/bin/env bash
# docs/cli.md is what `aegan-vk cli-reference` prints from the program's own commands, options and
# settings; this fails, with the difference, when the page is out of date.
set -uo pipefail
aegan=$1
page=$2

generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
if ! "$aegan" cli-reference >"$generated"; then
  echo "FAIL: aegan-vk cli-reference exited with an error" >&2
  exit 1
fi
if ! diff -u "$page" "$generated"; then
  echo "FAIL: docs/cli.md differs from the program's output (diff above: - page, + program)." >&2
  echo "Regenerate it from the repository root: build/app/aegan-vk cli-reference > docs/cli.md" >&2
  exit 1
fi
echo "docs/cli.md matches aegan-vk cli-reference"
