# shellcheck shell=bash
# Sourced by the viewer's screenshot tests, whose arguments are aegan-vk and viewer_test_tool: runs
# `aegan-vk view` under Xvfb and finds and checks its panels in the screenshot.
aegan=$1
tool=$2
# shellcheck source=tests/viewer/xvfb_setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_setup.sh"

# view_screenshot ARGS...: a few paused frames of `view ARGS` with the validation layer on, the
# last one written to $work/shot.png and the log (where each panel is) to $work/view.log.
view_screenshot() {
  xvfb-run -a -s "-screen 0 1280x800x24" "$aegan" view --validation --pause --frames 5 \
    --screenshot "$work/shot.png" "$@" >"$work/view.log" 2>&1 || {
    cat "$work/view.log"
    echo "FAIL: aegan-vk view exited with an error"
    exit 1
  }
  cat "$work/view.log"
  if grep -q "^\[vulkan validation\]" "$work/view.log" ||
    ! grep -q "^validation errors: 0$" "$work/view.log"; then
    echo "FAIL: validation messages during the run (or the layer is not installed)"
    exit 1
  fi
}

# "screenshot FILE: NAME at X,Y size WxH in 'TITLE' ..." -> "X Y W H"
where() {
  grep -o ": $1 at [0-9]*,[0-9]* size [0-9]*x[0-9]*" "$work/view.log" | head -1 |
    sed -E 's/.* at ([0-9]+),([0-9]+) size ([0-9]+)x([0-9]+)/\1 \2 \3 \4/'
}

# The title of the window that shows panel NAME.
title_of() {
  grep ": $1 at " "$work/view.log" | head -1 | sed -E "s/.* in '(.*)'( zoom [0-9]+)?$/\1/"
}

# check_samples CHECKPOINT SEED: the main image equals `aegan-vk sample` for keyframe 0 of the
# walk's seed (= sample_z(1, nz, seed) of the model's prior), and each of the 4 tiles of the
# sample grid equals `aegan-vk sample --count 4` of the same seed.
check_samples() {
  local x y zoom gx gy gw gh
  read -r x y _ _ < <(where image)
  zoom=$(grep -o ": image at .* zoom [0-9]*" "$work/view.log" | head -1 | sed -E 's/.* zoom //')
  read -r gx gy gw gh < <(where samples) || { echo "FAIL: no sample grid"; exit 1; }
  "$aegan" sample --checkpoint "$1" --seed "$2" --count 4 --out "$work/sample" >/dev/null
  # Same kernels, same device, same z: the bytes should agree exactly; 2 levels allow for the
  # conversion's rounding at exact halves on other devices.
  echo "image:"
  "$tool" compare "$work/shot.png" "$work/sample/sample_0000.png" "$x" "$y" "$zoom" 2
  # 4 samples of 64 pixels, 2 to a row, 2 pixels apart.
  if [ "$gw" != 130 ] || [ "$gh" != 130 ]; then
    echo "FAIL: the sample grid is ${gw}x${gh}, not 2 x 2 tiles of 64 pixels"
    exit 1
  fi
  for i in 0 1 2 3; do
    echo "sample grid tile $i:"
    "$tool" compare "$work/shot.png" "$work/sample/sample_000$i.png" \
      $((gx + (i % 2) * 66)) $((gy + (i / 2) * 66)) 1 2
  done
}

# view_model MODEL SEED [GAIN]: the screenshot of a model of MODEL at its default preset, written
# by the tool as $work/model.safetensors (weights scaled by GAIN, default 4), on keyframe 0 of the
# walk of SEED with a grid of 4 samples; then check_samples.
view_model() {
  "$tool" write-model "$work/model.safetensors" 3 "${3:-4}" "$1"
  view_screenshot --checkpoint "$work/model.safetensors" --seed "$2" --samples 4
  check_samples "$work/model.safetensors" "$2"
}
