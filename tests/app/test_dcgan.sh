#!/usr/bin/env bash
# DCGAN through the command line: `train --model dcgan` on a tiny folder, stopped and resumed,
# then sample, walk, eval and view from its checkpoint with no flag that names the model; options
# that do not fit the model, and a walk in an embedding space it lacks, are refused with one line
# on stderr.
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

expect_error "unknown model 'biggan' (known: aegan, dcgan, degan, stackgan, denoiser)" \
  "$aegan" train --model biggan --data "$work/images" --out "$work/unknown"
train=("$aegan" train --model dcgan --data "$work/images" --batch 2 --sample-count 2)
expect_error "--es is not a size of dcgan (its sizes: --r, --w, --nz)" \
  "${train[@]}" --out "$work/es" --es 8
expect_error "dcgan trains in 1 stage; --epochs2, --steps2 and --lr2 do not apply" \
  "${train[@]}" --out "$work/two" --steps2 3
expect_error "unknown DCGAN preset 'tiny64' (known: dcgan64, dcgan512, dcgan-tiny64)" \
  "${train[@]}" --out "$work/preset" --preset tiny64

expect_success "${train[@]}" --out "$work/run" --steps1 3 --max-steps 2
expect_success "$aegan" train --out "$work/run" --resume
checkpoint=$work/run/checkpoint.safetensors
python3 - "$checkpoint" <<'PY' || { echo "FAIL: the checkpoint is not a finished DCGAN run"; failed=1; }
import json, struct, sys
data = open(sys.argv[1], "rb").read()
meta = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])["__metadata__"]
training = json.loads(meta["aegan_vk.training"])
assert meta["model"] == "dcgan" and meta["preset"] == "dcgan-tiny64" and meta["prior"] == "normal", meta
assert training["global_step"] == 3 and training["stage"] == 2, training
assert training["config"]["model"] == "dcgan" and "stage2" not in training["config"], training
PY

expect_success "$aegan" sample --checkpoint "$checkpoint" --count 3 --out "$work/sample"
for file in grid.png sample_0002.png; do
  [[ -s $work/sample/$file ]] || { echo "FAIL: sample wrote no $file"; failed=1; }
done
[[ -e $work/sample/grid_x_hat.png ]] && { echo "FAIL: DCGAN has no x_hat"; failed=1; }
expect_error "dcgan does not reconstruct images" \
  "$aegan" sample --checkpoint "$checkpoint" --out "$work/reconstruct" --reconstruct "$work/images"

expect_success "$aegan" walk --checkpoint "$checkpoint" --frames 3 --keyframes 2 --out "$work/walk"
[[ -s $work/walk/strip.png && -s $work/walk/frame_00002.png ]] ||
  { echo "FAIL: walk wrote no frames"; failed=1; }

if "$aegan" eval --checkpoint "$checkpoint" --data "$work/images" --count 4 --pairs 4 \
  --patches 16 --json "$work/eval.json" >"$work/eval.txt" 2>/dev/null; then
  grep -q "FD-H left out: dcgan has no encoder" "$work/eval.txt" ||
    { echo "FAIL: eval does not say why FD-H is missing"; failed=1; }
  python3 - "$work/eval.json" <<'PY' || { echo "FAIL: eval's JSON"; failed=1; }
import json, sys
report = json.load(open(sys.argv[1]))
assert "fd_h" not in report and "swd_x_hat" not in report and report["swd"]["average_x1e3"] > 0
PY
else
  echo "FAIL: eval exited with an error"
  failed=1
fi

# The viewer shows the checkpoint, or fresh weights of --model, walking in z only; its window needs
# a display, so this part needs Xvfb (and a build with the viewer).
if command -v xvfb-run >/dev/null &&
  ! "$aegan" view --frames 1 2>&1 | grep -q "built without the viewer"; then
  view=(xvfb-run -a -s "-screen 0 640x480x24" "$aegan" view --frames 2 --width 640 --height 480)
  expect_success "${view[@]}" --checkpoint "$checkpoint"
  expect_success "${view[@]}" --model dcgan --preset dcgan-tiny64
  expect_error "dcgan has no embedding space to walk in (walk in z)" \
    "${view[@]}" --checkpoint "$checkpoint" --walk-in embedding
  expect_error "dcgan has no embedding space to walk in (walk in z)" \
    "${view[@]}" --model dcgan --walk-in embedding
fi

[[ $failed == 0 ]] && echo PASS
exit "$failed"
