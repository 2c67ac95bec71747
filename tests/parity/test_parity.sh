#!/usr/bin/env bash
# Training-step parity with PyTorch: for each model and stage, parity_tool runs a few Adam steps
# from seeded weights and inputs, and parity.py replays them in PyTorch and compares the update
# of every tensor (1 % relative; see parity.py for the tensors it leaves out). Skipped (77) where
# PyTorch is missing. AEGAN's phi runs without dropout on both sides.
set -euo pipefail
tool=$1
root=$2
source "$(dirname "$0")/../support/torch_test.sh"

# model preset stage steps batch seed
cases=(
  "dcgan dcgan-tiny64 1 3 4 7"
  "aegan tiny64 1 3 4 7"
  "aegan tiny64 2 2 4 7"
  "aegan tiny64 3 3 4 7"
)
status=0
for case in "${cases[@]}"; do
  read -r model preset stage steps batch seed <<<"$case"
  folder="$work/$model-$stage"
  mkdir -p "$folder"
  "$tool" "$model" "$preset" "$stage" "$steps" "$batch" "$seed" "$folder" >"$folder/log"
  "$python" "$(dirname "$0")/parity.py" "$root" "$folder" || status=1
done
[[ $status == 0 ]] && echo PASS
exit $status
