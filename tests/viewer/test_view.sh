#!/usr/bin/env bash
# Runs `aegan-vk view` for a few frames under Xvfb with the validation layer on and checks its
# screenshot: the generated image equals `aegan-vk sample` for the same z (keyframe 0 of the walk's
# seed = sample_z(1, nz, seed)) and the same weights, and the UI is drawn around it.
set -euo pipefail
aegan=$1
tool=$2
if ! command -v xvfb-run >/dev/null || ! command -v Xvfb >/dev/null; then
  echo "SKIP: xvfb-run/Xvfb not installed (apt-get install xvfb)"
  exit 77
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed=7

"$tool" write-model "$work/model.safetensors" 3 4
xvfb-run -a -s "-screen 0 1280x800x24" "$aegan" view --validation \
  --checkpoint "$work/model.safetensors" --seed "$seed" --pause --frames 5 \
  --screenshot "$work/shot.png" >"$work/view.log" 2>&1 || {
  cat "$work/view.log"
  echo "FAIL: aegan-vk view exited with an error"
  exit 1
}
cat "$work/view.log"
if grep -q "^\[vulkan validation\]" "$work/view.log" || ! grep -q "^validation errors: 0$" "$work/view.log"; then
  echo "FAIL: validation messages during the run (or the layer is not installed)"
  exit 1
fi
placement=$(grep -o "image at [0-9]*,[0-9]* size [0-9]*x[0-9]* zoom [0-9]*" "$work/view.log")
read -r x y zoom < <(echo "$placement" | sed -E 's/image at ([0-9]+),([0-9]+) size [0-9]+x[0-9]+ zoom ([0-9]+)/\1 \2 \3/')

"$aegan" sample --checkpoint "$work/model.safetensors" --seed "$seed" --count 1 \
  --out "$work/sample" >/dev/null
# Same kernels, same device, same z: the bytes should agree exactly; 2 levels allow for the
# conversion's rounding at exact halves on other devices.
"$tool" compare "$work/shot.png" "$work/sample/sample_0000.png" "$x" "$y" "$zoom" 2
echo "PASS"
