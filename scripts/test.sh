#!/usr/bin/env bash
# The project's test command: installs missing packages, builds Release into build/, runs every
# test with the validation layer, then the device tests again at lavapipe's other subgroup sizes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh

if ! { cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build; }; then
  echo "test.sh: FAILED (build)"
  exit 1
fi

export AEGAN_VK_VALIDATION=1
results=()
failed=0

# Number of tests ctest would run for the given extra arguments.
count_tests() {
  ctest --test-dir build -N "$@" | sed -n 's/^Total Tests: *\([0-9]*\).*/\1/p'
}

# run_tests LABEL [ENV=VALUE...] -- [CTEST ARGS...]
run_tests() {
  local label=$1
  shift
  local environment=()
  while [[ $1 != -- ]]; do
    environment+=("$1")
    shift
  done
  shift
  local count
  count=$(count_tests "$@")
  # An empty selection is only fine when ctest truly lists nothing; once tests exist,
  # --no-tests=error turns a run that finds none into a failure.
  if [[ "${count:-0}" == 0 ]]; then
    echo "test.sh: $label: no tests registered, skipped"
    results+=("$label: none")
    return
  fi
  echo "test.sh: $label: running $count test(s)"
  local junit="$PWD/build/Testing/run-${#results[@]}.xml"
  if env "${environment[@]}" ctest --test-dir build --output-on-failure -j2 --no-tests=error \
    --output-junit "$junit" "$@"
  then
    results+=("$label: passed")
  else
    results+=("$label: FAILED")
    failed=1
  fi
  # ctest says that tests were skipped, not why.
  python3 scripts/skip_reasons.py "$junit" || true
}

# Shown for the log: which device the tests run on. A failure here will also fail the tests, with
# more detail, so it is not fatal by itself.
devices=$(build/app/aegan-vk devices) || true
echo "$devices"

run_tests "all tests" --

# LP_NATIVE_VECTOR_WIDTH sets lavapipe's SIMD width and so its subgroup size (128 -> 4 lanes,
# 512 -> 16; the default 256 -> 8 ran above). Other drivers ignore it, so skip when the device in
# use is known not to be lavapipe.
if grep -q '^\* ' <<<"$devices" && ! grep -q '^\* \[[0-9]*\] llvmpipe' <<<"$devices"; then
  echo "test.sh: device in use is not lavapipe; subgroup-size runs skipped"
else
  # The run at width 128 also turns texel reads off, so that the pointer variants of the kernels
  # that lavapipe would read through texel views are checked too.
  # The conv kernels on tiny64's layer shapes live with the nets tests but check kernels too.
  kernel_tests='^engine\.|^device\.Kernels/Tiny64ConvLayers\.'
  run_tests "engine tests, LP_NATIVE_VECTOR_WIDTH=128, AEGAN_VK_TEXEL_READS=0" \
    LP_NATIVE_VECTOR_WIDTH=128 AEGAN_VK_TEXEL_READS=0 -- -R "$kernel_tests"
  run_tests "engine tests, LP_NATIVE_VECTOR_WIDTH=512" LP_NATIVE_VECTOR_WIDTH=512 -- \
    -R "$kernel_tests"
fi

printf -v summary '%s; ' "${results[@]}"
summary=${summary%; }
if ((failed)); then
  echo "test.sh: FAILED ($summary)"
  exit 1
fi
echo "test.sh: PASSED ($summary)"
