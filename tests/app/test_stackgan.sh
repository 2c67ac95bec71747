#!/usr/bin/env bash
# StackGAN-v2 through the command line: `train --model stackgan` on a tiny folder, stopped and
# resumed, then sample (every branch), walk, eval and view from its checkpoint with no flag that
# names the model; sizes that do not fit are refused with one line on stderr.
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

train=("$aegan" train --model stackgan --data "$work/images" --batch 2 --sample-count 2)
expect_error "--w is not a size of stackgan (its sizes: --r, --gf, --df, --nz, --residuals)" \
  "${train[@]}" --out "$work/w" --w 8
expect_error "StackGAN-v2 makes images of 64, 128, 256 or 512 pixels, not 96" \
  "${train[@]}" --out "$work/r" --r 96
expect_error "unknown StackGAN-v2 preset 'tiny64' (known: sg256, sg512, sg-tiny)" \
  "${train[@]}" --out "$work/preset" --preset tiny64

expect_success "${train[@]}" --out "$work/run" --steps1 3 --max-steps 2 --ema-reload-every 2 \
  --cache "$work/images.cache"
# The cropped images are loaded at 128 * 76 / 64 and cached apart from those at 128.
[[ -s $work/images.cache && -s $work/images-152.cache ]] ||
  { echo "FAIL: no cache of the images at 128 and at 152"; failed=1; }
expect_success "$aegan" train --out "$work/run" --resume
checkpoint=$work/run/checkpoint.safetensors
python3 - "$checkpoint" <<'PY' || { echo "FAIL: the checkpoint is not a finished StackGAN-v2 run"; failed=1; }
import json, struct, sys
data = open(sys.argv[1], "rb").read()
header = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])
meta = header["__metadata__"]
training = json.loads(meta["aegan_vk.training"])
assert meta["model"] == "stackgan" and meta["preset"] == "sg-tiny" and meta["r"] == "128", meta
assert training["global_step"] == 3 and training["config"]["ema_reload_every"] == 2, training
assert "g_ema.h_net1.fc.0.weight" in header and "d128.logits.0.bias" in header
PY

expect_success "$aegan" sample --checkpoint "$checkpoint" --count 3 --out "$work/sample"
for file in grid.png grid_s64.png sample_0002.png; do
  [[ -s $work/sample/$file ]] || { echo "FAIL: sample wrote no $file"; failed=1; }
done
expect_success "$aegan" walk --checkpoint "$checkpoint" --frames 3 --keyframes 2 --out "$work/walk"
[[ -s $work/walk/strip.png ]] || { echo "FAIL: walk wrote no strip"; failed=1; }
if "$aegan" eval --checkpoint "$checkpoint" --data "$work/images" --count 4 --pairs 4 \
  --patches 16 --json "$work/eval.json" >"$work/eval.txt" 2>/dev/null; then
  grep -q "SWD x1e3 average of s64" "$work/eval.txt" ||
    { echo "FAIL: eval gives no SWD of the 64x64 branch"; failed=1; }
else
  echo "FAIL: eval exited with an error"
  failed=1
fi

if command -v xvfb-run >/dev/null &&
  ! "$aegan" view --frames 1 2>&1 | grep -q "built without the viewer"; then
  view=(xvfb-run -a -s "-screen 0 640x480x24" "$aegan" view --frames 2 --width 640 --height 480)
  expect_success "${view[@]}" --checkpoint "$checkpoint"
fi

[[ $failed == 0 ]] && echo PASS
exit "$failed"
