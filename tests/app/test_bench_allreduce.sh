#!/usr/bin/env bash
# `aegan-vk bench allreduce` under mpirun at 2 ranks on tiny64: every training stage gets a
# positive all-reduce time and MPI time, in the text and the JSON, with the gradient sizes of
# the stage's trained networks; `bench train` under mpirun puts it beside each step. Skipped (exit code 77) where this build has no MPI or mpirun is
# missing.
set -uo pipefail
aegan=$1
mpi_built=$2
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
# shellcheck source=tests/app/mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/mpi.sh" "$mpi_built"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"

mpirun -np 2 --oversubscribe "$aegan" bench allreduce --preset tiny64 --warmup 1 --steps 3 \
  --json "$work/allreduce.json" >"$work/out.txt" 2>&1 ||
  { cat "$work/out.txt"; echo "FAIL: bench allreduce at 2 ranks"; exit 1; }
cat "$work/out.txt"
# Rank 0 alone prints: one line per stage.
lines=$(grep -c ' ms per step, of which MPI ' "$work/out.txt")
[[ $lines == 3 ]] || { echo "FAIL: $lines stage lines, not 3 (autoencoder, gan, finetune)"; failed=1; }

python3 - "$work/allreduce.json" <<'PY' || failed=1
import json, sys
run = json.load(open(sys.argv[1]))
stages = {s["stage"]: s for s in run["stages"]}
assert list(stages) == ["autoencoder", "gan", "finetune"], list(stages)
for s in stages.values():
    assert s["ranks"] == 2, s
    assert s["allreduce_ms"] > 0 and s["mpi_ms"] > 0, s
    assert s["mpi_ms"] <= s["allreduce_ms"], s
    assert s["gradient_bytes"] == 4 * s["gradient_elements"] > 0, s
assert stages["autoencoder"]["optimizers"] == ["ae"], stages["autoencoder"]
assert stages["gan"]["optimizers"] == ["d_e", "g_e", "d_r", "phi"], stages["gan"]
# Stage 2 trains neither H nor F: its gradients are other networks' than stage 1's.
assert stages["gan"]["gradient_elements"] != stages["autoencoder"]["gradient_elements"]
print("all-reduce figures: " + ", ".join(
    "%s %.3f ms" % (name, s["allreduce_ms"]) for name, s in stages.items()))
PY

# The sizes are the networks' own, as bench train counts them.
sizes=$("$aegan" bench train --preset tiny64 --sizes-only --json "$work/sizes.json" >/dev/null &&
  python3 -c '
import json, sys
nets = {n["network"]: n["parameters"] for n in json.load(open(sys.argv[1]))["aegan_vk"][0]["sizes"]}
print(nets["h"] + nets["f"], nets["d_e"] + nets["g_e"] + nets["d_r"] + nets["phi"])' "$work/sizes.json")
expected=$(python3 -c '
import json, sys
stages = {s["stage"]: s["gradient_elements"] for s in json.load(open(sys.argv[1]))["stages"]}
print(stages["autoencoder"], stages["gan"])' "$work/allreduce.json")
[[ $sizes == "$expected" ]] ||
  { echo "FAIL: gradient sizes $expected, network parameters $sizes"; failed=1; }

# bench train under mpirun: each training figure's step beside its stage's all-reduce, printed
# by rank 0 alone, and in the JSON.
mpirun -np 2 --oversubscribe "$aegan" bench train --quick --model dcgan --json "$work/train.json" \
  >"$work/train.txt" 2>&1 || { cat "$work/train.txt"; echo "FAIL: bench train at 2 ranks"; exit 1; }
cat "$work/train.txt"
lines=$(grep -cE '^dcgan-tiny64 gan batch 2: step [0-9.]+ ms, all-reduce over 2 ranks [0-9.]+ ms' \
  "$work/train.txt")
[[ $lines == 1 ]] || { echo "FAIL: $lines step and all-reduce lines for gan, not 1"; failed=1; }
python3 - "$work/train.json" <<'PY' || failed=1
import json, sys
preset = json.load(open(sys.argv[1]))["aegan_vk"][0]
[allreduce] = preset["allreduce"]
assert allreduce["stage"] == "gan" and allreduce["ranks"] == 2, allreduce
assert allreduce["optimizers"] == ["d", "g"], allreduce
assert allreduce["allreduce_ms"] > 0, allreduce
# D's and G's parameters, as bench train counts them.
assert allreduce["gradient_elements"] == sum(n["parameters"] for n in preset["sizes"]), allreduce
PY
# Each rank refuses --peer in one line (mpirun adds its own report).
if mpirun -np 2 --oversubscribe "$aegan" bench train --quick --model dcgan --peer \
  >"$work/peer.txt" 2>&1; then
  echo "FAIL: bench train --peer under mpirun succeeded"; failed=1
fi
refusals=$(grep -cxF "aegan-vk: error: bench train under mpirun times the all-reduce beside the steps; --peer and --tune time one process (run them without mpirun)" "$work/peer.txt")
[[ $refusals -ge 1 ]] || { cat "$work/peer.txt"; echo "FAIL: no one-line refusal of --peer"; failed=1; }

expect_error "bench allreduce builds models on their own; denoiser trains on a frozen generator (its trained networks: bench train --sizes-only)" \
  "$aegan" bench allreduce --model denoiser

exit "${failed:-0}"
