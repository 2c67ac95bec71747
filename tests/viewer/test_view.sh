#!/usr/bin/env bash
# Runs `aegan-vk view` for a few frames under Xvfb with the validation layer on and checks its
# screenshot panel by panel against what other commands compute for the same weights and z:
#   - the generated image equals `aegan-vk sample` for keyframe 0 of the walk's seed
#     (= sample_z(1, nz, seed));
#   - each tile of the sample grid equals `aegan-vk sample --count 4` of the same seed;
#   - the embedding panel shows G_E(z) of that z, channel by channel, as the tool draws it;
#   - the UI is drawn around them.
set -euo pipefail
aegan=$1
tool=$2
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_setup.sh"
seed=7
samples=4

"$tool" write-model "$work/model.safetensors" 3 4
xvfb-run -a -s "-screen 0 1280x800x24" "$aegan" view --validation \
  --checkpoint "$work/model.safetensors" --seed "$seed" --pause --frames 5 --samples "$samples" \
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
# "screenshot FILE: NAME at X,Y size WxH ..." -> "X Y"
where() {
  grep -o ": $1 at [0-9]*,[0-9]* size [0-9]*x[0-9]*" "$work/view.log" | head -1 |
    sed -E 's/.* at ([0-9]+),([0-9]+) size ([0-9]+)x([0-9]+)/\1 \2 \3 \4/'
}
read -r x y _ _ < <(where image)
zoom=$(grep -o ": image at .* zoom [0-9]*" "$work/view.log" | head -1 | sed -E 's/.* zoom //')
read -r ex ey ew eh < <(where embedding) || { echo "FAIL: no embedding panel"; exit 1; }
read -r gx gy gw gh < <(where samples) || { echo "FAIL: no sample grid"; exit 1; }

"$aegan" sample --checkpoint "$work/model.safetensors" --seed "$seed" --count "$samples" \
  --out "$work/sample" >/dev/null
# Same kernels, same device, same z: the bytes should agree exactly; 2 levels allow for the
# conversion's rounding at exact halves on other devices.
echo "image:"
"$tool" compare "$work/shot.png" "$work/sample/sample_0000.png" "$x" "$y" "$zoom" 2
# tiny64: 4 samples of 64 pixels, 2 to a row, 2 pixels apart.
if [ "$gw" != 130 ] || [ "$gh" != 130 ]; then
  echo "FAIL: the sample grid is ${gw}x${gh}, not 2 x 2 tiles of 64 pixels"
  exit 1
fi
for i in 0 1 2 3; do
  echo "sample grid tile $i:"
  "$tool" compare "$work/shot.png" "$work/sample/sample_000$i.png" \
    $((gx + (i % 2) * 66)) $((gy + (i / 2) * 66)) 1 2
done
# tiny64: 16 channels of 16x16, 4 to a row, each pixel 2x2, 2 pixels apart.
if [ "$ew" != 134 ] || [ "$eh" != 134 ]; then
  echo "FAIL: the embedding panel is ${ew}x${eh}, not 4 x 4 tiles of 32 pixels"
  exit 1
fi
"$tool" embedding-png "$work/model.safetensors" "$seed" 2 4 2 "$work/embedding.png"
echo "embedding:"
"$tool" compare "$work/shot.png" "$work/embedding.png" "$ex" "$ey" 1 2
echo "PASS"
