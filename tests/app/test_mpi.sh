#!/usr/bin/env bash
# Data-parallel training under mpirun on one machine: 2 ranks x batch 8 give the weights of one
# process with --accumulate 2 (AEGAN stages 1 and 2, DCGAN), and with --sync-bn the batch-norm
# statistics of one process at batch 16; a 2-rank run resumed at 1 rank continues as if it had
# not stopped; only rank 0 writes the run folder. Skipped (exit code 77)
# where this build has no MPI or mpirun is missing.
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
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"

mpi2=(mpirun -np 2 --oversubscribe)

mkdir "$work/images"
for i in $(seq 0 15); do
  write_bmp "$work/images/c$i.bmp" "$(printf '%02x%02x%02x' $((i * 16)) $((255 - i * 12)) $((i * 37 % 256)))"
done
unbatched=(--data "$work/images" --sample-count 4 --sample-every 1000 --log-every 5)
common=("${unbatched[@]}" --batch 8)

# same_weights A B [NAMES [differ]]: every tensor of checkpoint B (or those whose name contains
# NAMES) within 1e-4 (relative to the largest value of the tensor) of A's; with "differ", some
# tensor more than 1e-3 away instead.
same_weights() {
  python3 - "$@" <<'PY'
import json, struct, sys
def read(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__": continue
        begin, end = info["data_offsets"]
        raw = data[8 + n + begin:8 + n + end]
        out[name] = struct.unpack("<%df" % (len(raw) // 4), raw)
    return out, json.loads(header["__metadata__"]["aegan_vk.training"])
a, ta = read(sys.argv[1])
b, tb = read(sys.argv[2])
names = sys.argv[3] if len(sys.argv) > 3 else ""
differ = len(sys.argv) > 4 and sys.argv[4] == "differ"
assert a.keys() == b.keys(), "different tensors"
assert (ta["stage"], ta["global_step"]) == (tb["stage"], tb["global_step"]), (ta, tb)
worst, at = 0.0, None
for name in a:
    if names not in name: continue
    scale = max(max(abs(v) for v in a[name]), 1e-6)
    diff = max(abs(x - y) for x, y in zip(a[name], b[name])) / scale
    if diff > worst: worst, at = diff, name
assert at is not None or not differ, "no tensor named like %r" % names
if differ:
    assert worst > 1e-3, "tensors expected to differ agree within %g" % worst
else:
    assert worst <= 1e-4, "%s differs by %g (relative)" % (at, worst)
print("largest relative difference %g (%s)" % (worst, at))
PY
}

# compare NAME ARGS...: 2 ranks and one process with --accumulate 2, then their checkpoints.
compare() {
  local name=$1
  shift
  expect_success "${mpi2[@]}" "$aegan" train "${common[@]}" --out "$work/$name-ranks" "$@"
  expect_success "$aegan" train "${common[@]}" --accumulate 2 --out "$work/$name-accumulate" "$@"
  same_weights "$work/$name-ranks/checkpoint.safetensors" \
    "$work/$name-accumulate/checkpoint.safetensors" ||
    { echo "FAIL: $name: 2 ranks and --accumulate 2 differ"; failed=1; }
}

compare stage1 --steps1 10 --max-steps 10
compare stage2 --epochs1 0 --steps2 10 --max-steps 10
compare dcgan --model dcgan --steps1 10

# Gradients sent bucket by bucket while the backward pass runs give the bits of one all-reduce
# after it (a sum over two ranks does not depend on how it is split), and the log counts the
# buckets: more than one per backward pass (each step has D's and G's) with 4 KiB buckets.
overlap_run=(--model dcgan --steps1 5)
expect_success "${mpi2[@]}" "$aegan" train "${common[@]}" "${overlap_run[@]}" \
  --allreduce-bucket-kib 4 --out "$work/buckets"
expect_success "${mpi2[@]}" "$aegan" train "${common[@]}" "${overlap_run[@]}" \
  --allreduce-bucket-kib 0 --out "$work/one-reduce"
python3 - "$work/buckets/checkpoint.safetensors" "$work/one-reduce/checkpoint.safetensors" <<'PY' ||
import json, struct, sys
def tensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    return {k: data[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]]
            for k, v in header.items() if k != "__metadata__"}
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
assert a.keys() == b.keys()
different = [k for k in a if a[k] != b[k]]
assert not different, "tensors differ: %s" % different[:3]
PY
  { echo "FAIL: bucketed and after-backward all-reduces give different weights"; failed=1; }
bucket_counts() { python3 -c 'import json,sys; print(" ".join(str(json.loads(l).get("overlapped_buckets", "none")) for l in open(sys.argv[1]) if "losses" in l))' "$1"; }
buckets=$(bucket_counts "$work/buckets/log.jsonl")
[[ $buckets =~ ^[0-9]+$ && $buckets -gt 10 ]] ||
  { echo "FAIL: 5 steps with 4 KiB buckets logged '$buckets' overlapped buckets, not > 10"; failed=1; }
buckets=$(bucket_counts "$work/one-reduce/log.jsonl")
[[ $buckets == 0 ]] ||
  { echo "FAIL: --allreduce-bucket-kib 0 logged '$buckets' overlapped buckets, not 0"; failed=1; }

# --sync-bn: batch norm over the global batch, so a step at 2 ranks x 8 gives the batch-norm
# statistics of one process at batch 16 (the same images and z; DCGAN has no dropout), which
# batch norm per micro-batch does not. Only one step: Adam's first update is about +-lr for
# every gradient, however small, so later weights carry the sign of rounding noise.
sync_run=(--model dcgan --steps1 1)
expect_success "${mpi2[@]}" "$aegan" train "${common[@]}" --sync-bn "${sync_run[@]}" \
  --out "$work/sync-ranks"
expect_success "$aegan" train "${unbatched[@]}" --batch 16 "${sync_run[@]}" --out "$work/sync-one"
expect_success "$aegan" train "${common[@]}" --accumulate 2 "${sync_run[@]}" --out "$work/per-part"
same_weights "$work/sync-one/checkpoint.safetensors" "$work/sync-ranks/checkpoint.safetensors" \
  running_ || { echo "FAIL: --sync-bn statistics at 2 ranks differ from batch 16's"; failed=1; }
same_weights "$work/sync-one/checkpoint.safetensors" "$work/per-part/checkpoint.safetensors" \
  running_ differ || { echo "FAIL: per-micro-batch statistics match batch 16's"; failed=1; }

# Rank 0 alone writes: one loss line per --log-every, not one per rank.
lines=$(grep -c '"losses"' "$work/dcgan-ranks/log.jsonl")
[[ $lines == 2 ]] || { echo "FAIL: the 2-rank log has $lines loss lines, not 2"; failed=1; }
grep -q '"communication_s"' "$work/dcgan-ranks/log.jsonl" ||
  { echo "FAIL: the 2-rank log has no communication time"; failed=1; }
grep -q '"batch":16' "$work/dcgan-ranks/log.jsonl" ||
  { echo "FAIL: the 2-rank log does not give the global batch"; failed=1; }

# 5 steps at 2 ranks, the other 5 at one process: its --accumulate follows from the run's.
expect_success "${mpi2[@]}" "$aegan" train "${common[@]}" --model dcgan --steps1 10 \
  --max-steps 5 --out "$work/resumed"
expect_error "--accumulate 1 at 1 rank gives 1 micro-batches a step; the run has 2 (leave --accumulate out on --resume)" \
  "$aegan" train --out "$work/resumed" --resume --accumulate 1
expect_success "$aegan" train --out "$work/resumed" --resume
same_weights "$work/dcgan-ranks/checkpoint.safetensors" "$work/resumed/checkpoint.safetensors" ||
  { echo "FAIL: a 2-rank run resumed at 1 rank differs from one that did not stop"; failed=1; }

exit "${failed:-0}"
