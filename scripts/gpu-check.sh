#!/usr/bin/env bash
# One pass of the checks that need a real GPU, for a machine lent for a few minutes: the
# engine's and the nets' tests with the validation layer, `bench train --peer --tune` on both
# presets against PyTorch on CUDA, the main conv kernels on paper512's layers (beside cuDNN's
# time for each pass, and again with their float16 twins and the tensor-core kernel), a
# per-kernel profile of paper512 at batch 1, and the
# viewer's frame rate. Takes prebuilt binaries in build/ (scripts/test.sh builds them). Each step
# has its own time limit so one slow step cannot starve the rest; logs go to $LOGS (default:
# gpu-logs/), one file per step.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

logs=${LOGS:-gpu-logs}
mkdir -p "$logs"
aegan=build/app/aegan-vk
summary=()

# step NAME SECONDS COMMAND...: runs COMMAND under a time limit, its output into $logs/NAME.txt.
step() {
  local name=$1 seconds=$2
  shift 2
  local start=$SECONDS
  timeout "$seconds" "$@" >"$logs/$name.txt" 2>&1
  local status=$?
  summary+=("$(printf '%-12s exit %3d  %4ds' "$name" "$status" $((SECONDS - start)))")
  tail -n 25 "$logs/$name.txt"
}

step devices 10 "$aegan" devices
step bench-train "${TRAIN_SECONDS:-170}" "$aegan" bench train --preset all --peer --tune \
  --peer-script bench/peer.py --seconds 1.5 --warmup 2 --json "$logs/bench-train.json"
AEGAN_VK_VALIDATION=1 step engine-tests "${TEST_SECONDS:-90}" \
  build/tests/aegan_engine_tests --gtest_brief=1
AEGAN_VK_VALIDATION=1 step nets-tests "${TEST_SECONDS:-70}" build/tests/aegan_tests --gtest_brief=1
step bench-ops 90 "$aegan" bench ops --preset paper512 --batch 16 --max-seconds 35 \
  --variant auto --variant gemm_split --variant gemm --variant rows --variant tiled \
  --peer --peer-script bench/peer.py
step bench-fp16 40 "$aegan" bench ops --preset paper512 --batch 16 --max-seconds 30 \
  --variant rows --variant rows_half --variant gemm_split --variant gemm_split_half \
  --variant tiled_half --variant coop
AEGAN_VK_PROFILE=1 step profile 60 "$aegan" bench train --preset paper512 --batch 1 \
  --figure gan --figure inference --warmup 1 --steps 3
step bench-view 25 "$aegan" bench view --max-seconds 10

# The autotuner's choices (which production kernel it gave each layer shape).
cp "${AEGAN_VK_CACHE_DIR:-$HOME/.cache/aegan-vk}"/conv-tuning-*.json "$logs"/ 2>/dev/null

printf '%s\n' "${summary[@]}"
