#!/usr/bin/env bash
# DE-GAN through the command line: `train --model degan` (both stages) on a tiny folder, stopped
# in stage 2 and resumed, then sample (z_n's picture and the VAE's images beside G's), reconstruct,
# walk, eval and view from its checkpoint with no flag that names the model; sizes and options that
# do not fit are refused with one line on stderr.
set -uo pipefail
aegan=$1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"

primary_images "$work/images"
write_bmp "$work/images/grey.bmp" 808080

train=("$aegan" train --model degan --data "$work/images" --batch 2 --sample-count 2)
expect_error "--w is not a size of degan (its sizes: --r, --nz, --v, --g, --d)" \
  "${train[@]}" --out "$work/w" --w 8
train+=(--preset degan-tiny32)
expect_error "degan trains in 2 stages; --epochs3, --steps3 and --lr3 do not apply" \
  "${train[@]}" --out "$work/three" --steps3 3
expect_error "unknown DE-GAN preset 'tiny32' (known: celeba64, cifar32, degan-tiny32, degan-tiny64)" \
  "$aegan" train --model degan --preset tiny32 --data "$work/images" --out "$work/preset"
expect_error "DE-GAN size r=48 nz=32 v=8 g=16 d=16: r must be a power of two from 32 to 256" \
  "${train[@]}" --out "$work/r" --r 48

expect_success "${train[@]}" --out "$work/run" --steps1 2 --steps2 2 --max-steps 3 \
  --posterior mean --g-steps 2
expect_success "$aegan" train --out "$work/run" --resume
checkpoint=$work/run/checkpoint.safetensors
python3 - "$checkpoint" <<'PY' || { echo "FAIL: the checkpoint is not a finished DE-GAN run"; failed=1; }
import json, struct, sys
data = open(sys.argv[1], "rb").read()
meta = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])["__metadata__"]
training = json.loads(meta["aegan_vk.training"])
assert meta["model"] == "degan" and meta["preset"] == "degan-tiny32" and meta["r"] == "32", meta
assert training["global_step"] == 4 and training["stage"] == 3, training
config = training["config"]
assert config["posterior"] == "mean" and config["g_steps"] == 2, config
PY
grep -q '"g2"' "$work/run/log.jsonl" || { echo "FAIL: no second G step in the log"; failed=1; }
# The picture of z_n is shown, not measured: the log's SWD covers the VAE's image and G's.
python3 - "$work/run/log.jsonl" <<'PY' || { echo "FAIL: the log's SWD figures"; failed=1; }
import json, sys
quality = [json.loads(line)["quality"] for line in open(sys.argv[1]) if '"quality"' in line]
assert quality, "no SWD in the log"
assert all("swd_vae" in q and "swd_image" in q and "swd_z_n" not in q for q in quality), quality
PY

expect_success "$aegan" sample --checkpoint "$checkpoint" --count 3 --out "$work/sample"
for file in grid.png grid_vae.png grid_z_n.png sample_0002.png; do
  [[ -s $work/sample/$file ]] || { echo "FAIL: sample wrote no $file"; failed=1; }
done
expect_success "$aegan" sample --checkpoint "$checkpoint" --out "$work/reconstruct" \
  --reconstruct "$work/images"

expect_success "$aegan" walk --checkpoint "$checkpoint" --frames 3 --keyframes 2 --out "$work/walk"
[[ -s $work/walk/strip.png && -s $work/walk/frame_00002.png ]] ||
  { echo "FAIL: walk wrote no frames"; failed=1; }

if "$aegan" eval --checkpoint "$checkpoint" --data "$work/images" --count 4 --pairs 4 \
  --patches 16 --json "$work/eval.json" >"$work/eval.txt" 2>/dev/null; then
  python3 - "$work/eval.json" <<'PY' || { echo "FAIL: eval's JSON"; failed=1; }
import json, sys
report = json.load(open(sys.argv[1]))
assert report["swd"]["average_x1e3"] > 0, report
assert report["swd_vae"]["average_x1e3"] > 0 and "swd_z_n" not in report, report
PY
else
  echo "FAIL: eval exited with an error"
  failed=1
fi

if command -v xvfb-run >/dev/null &&
  ! "$aegan" view --frames 1 2>&1 | grep -q "built without the viewer"; then
  view=(xvfb-run -a -s "-screen 0 640x480x24" "$aegan" view --frames 2 --width 640 --height 480)
  expect_success "${view[@]}" --checkpoint "$checkpoint"
  expect_success "${view[@]}" --model degan --preset degan-tiny32
fi

[[ $failed == 0 ]] && echo PASS
exit "$failed"
