#!/usr/bin/env bash
# `aegan-vk bench view` for each model with fresh weights: a frame rate and the milliseconds of
# each of the model's stages (AEGAN: G_E, F, phi; DCGAN: its generator), then the conversion for
# display; a model that needs a trained generator is refused in one line.
set -uo pipefail
aegan=$1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/../app/expect.sh"

# view_bench ARGS -- PATTERNS...: the run succeeds and prints a line matching each pattern.
view_bench() {
  local args=()
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  shift
  "$aegan" bench view "${args[@]}" --frames 2 --warmup 1 >"$work/out.txt" 2>&1 || {
    cat "$work/out.txt"; echo "FAIL: bench view ${args[*]} exited with an error"; failed=1; return
  }
  cat "$work/out.txt"
  for pattern in "$@"; do
    grep -q "$pattern" "$work/out.txt" ||
      { echo "FAIL: bench view ${args[*]}: no line matching '$pattern'"; failed=1; }
  done
}

number='[0-9][0-9.]*'
view_bench --preset tiny64 -- "^tiny64  *64px  *$number fps  (2 frames" "^  G_E  *$number ms" \
  "^  F  *$number ms" "^  phi  *$number ms" "^  convert  *$number ms"
view_bench --model dcgan --preset dcgan-tiny64 -- "^dcgan-tiny64  *64px  *$number fps" \
  "^  generate  *$number ms" "^  convert  *$number ms"
expect_error "bench view times a model with fresh weights; denoiser needs a trained generator (view it with \`aegan-vk view --checkpoint\`)" \
  "$aegan" bench view --model denoiser
expect_error "unknown DCGAN preset 'tiny64' (known: dcgan64, dcgan512, dcgan-tiny64)" \
  "$aegan" bench view --model dcgan --preset tiny64
exit "${failed:-0}"
