#!/usr/bin/env bash
# The denoiser on a baseline through the command line: AEGAN's phi and D_R trained on a frozen
# DCGAN's G(z) (`train --model denoiser --generator`), stopped and resumed to the weights of an
# uninterrupted run, its checkpoint holding the generator unchanged; then sample, walk and eval
# from that checkpoint alone show G(z) beside phi(G(z)). Options that do not fit are refused.
set -uo pipefail
aegan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"

primary_images "$work/images"
write_bmp "$work/images/grey.bmp" 808080
common=(--data "$work/images" --batch 2 --sample-count 2)
expect_success "$aegan" train --model dcgan --preset dcgan-tiny64 "${common[@]}" \
  --out "$work/dcgan" --steps1 3
generator=$work/dcgan/checkpoint.safetensors

train=("$aegan" train --model denoiser --preset tiny64 "${common[@]}")
expect_error "denoiser trains on a frozen generator: give --generator RUN/checkpoint.safetensors" \
  "${train[@]}" --out "$work/none"
expect_error "--generator is for the denoiser, not for dcgan" \
  "$aegan" train --model dcgan "${common[@]}" --out "$work/dc2" --generator "$generator"
expect_error "the generator draws z from the normal prior; --prior uniform does not apply to denoiser" \
  "${train[@]}" --out "$work/prior" --generator "$generator" --prior uniform
expect_error "--r is not a size of denoiser (its sizes: --w)" \
  "${train[@]}" --out "$work/r" --generator "$generator" --r 128

expect_success "${train[@]}" --generator "$generator" --out "$work/whole" --steps1 4
expect_success "${train[@]}" --generator "$generator" --out "$work/run" --steps1 4 --max-steps 2
expect_success "$aegan" train --out "$work/run" --resume
checkpoint=$work/run/checkpoint.safetensors
python3 - "$checkpoint" "$work/whole/checkpoint.safetensors" "$generator" <<'PY' ||
import json, struct, sys
def read(path):
    data = open(path, "rb").read()
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    meta = header.pop("__metadata__")
    body = data[8 + size:]
    return meta, {k: body[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}
meta, resumed = read(sys.argv[1])
_, whole = read(sys.argv[2])
_, generator = read(sys.argv[3])
assert meta["model"] == "denoiser" and meta["base.model"] == "dcgan", meta
assert meta["r"] == "64" and meta["w"] == "16" and meta["prior"] == "normal", meta
weights = [k for k in resumed if not k.startswith("optim.")]
assert resumed.keys() == whole.keys() and all(resumed[k] == whole[k] for k in resumed), \
    [k for k in resumed if resumed[k] != whole.get(k)]
# The generator's tensors travel unchanged; its optimiser moments are not part of the model.
base = {k[len("base."):]: v for k, v in resumed.items() if k.startswith("base.")}
assert base and all(generator[k] == v for k, v in base.items()), "the generator changed"
assert any(k.startswith("phi.") for k in weights) and any(k.startswith("d_r.") for k in weights)
PY
  { echo "FAIL: the resumed denoiser differs from an uninterrupted run, or its generator moved"; failed=1; }
grep -q '"swd_baseline"' "$work/run/log.jsonl" ||
  { echo "FAIL: the log has no SWD of G(z)"; failed=1; }

expect_success "$aegan" sample --checkpoint "$checkpoint" --count 3 --out "$work/sample"
for file in grid.png grid_baseline.png sample_0002.png; do
  [[ -s $work/sample/$file ]] || { echo "FAIL: sample wrote no $file"; failed=1; }
done
expect_success "$aegan" walk --checkpoint "$checkpoint" --frames 3 --keyframes 2 --out "$work/walk"
[[ -s $work/walk/strip.png ]] || { echo "FAIL: walk wrote no strip"; failed=1; }
if "$aegan" eval --checkpoint "$checkpoint" --data "$work/images" --count 4 --pairs 4 \
  --patches 16 --json "$work/eval.json" >"$work/eval.txt" 2>/dev/null; then
  grep -q "SWD x1e3 average of baseline" "$work/eval.txt" ||
    { echo "FAIL: eval shows no SWD of G(z)"; failed=1; }
  python3 - "$work/eval.json" <<'PY' || { echo "FAIL: eval's JSON"; failed=1; }
import json, sys
report = json.load(open(sys.argv[1]))
before, after = report["swd_baseline"]["average_x1e3"], report["swd"]["average_x1e3"]
assert before > 0 and after > 0 and before != after, (before, after)
assert report["first"]["source"].startswith("phi(G(z))"), report["first"]
PY
else
  echo "FAIL: eval exited with an error"
  failed=1
fi

[[ $failed == 0 ]] && echo PASS
exit "$failed"
