#!/usr/bin/env bash
# Runs `aegan-vk view --exercise-window` under Xvfb with the validation layer on, walking in
# embedding space: the window is resized several times (also below the panels' size), iconified
# and restored, hidden and shown, then asked to close while frames are in flight. The run must end
# by that request, with exit status 0 and no validation message. Xvfb has no window manager:
# iconifying changes nothing there (the log says what the window system did), hiding unmaps the
# window and takes the viewer's minimised path. Run with the engine's queue presenting, and again
# through the separate present queue path.
set -euo pipefail
aegan=$1
tool=$2
source "$(dirname "${BASH_SOURCE[0]}")/xvfb_setup.sh"

"$tool" write-model "$work/model.safetensors" 3 4
# Twice: presenting from the engine's queue, then through the separate present queue path
# (AEGAN_VK_SEPARATE_PRESENT=1: a second submission on the present queue; on a device with one
# queue family, such as lavapipe, from the same family, so without an ownership transfer).
for separate in 0 1; do
  echo "== AEGAN_VK_SEPARATE_PRESENT=$separate"
  log="$work/view_$separate.log"
  status=0
  AEGAN_VK_SEPARATE_PRESENT=$separate xvfb-run -a -s "-screen 0 1280x800x24" "$aegan" view \
    --validation --checkpoint "$work/model.safetensors" --walk-in embedding --mode slerp \
    --speed 2 --samples 4 --width 640 --height 480 --frames 60 --exercise-window \
    >"$log" 2>&1 || status=$?
  cat "$log"
  if [ "$status" != 0 ]; then
    echo "FAIL: aegan-vk view exited with status $status"
    exit 1
  fi
  if grep -q "^\[vulkan validation\]" "$log" || ! grep -q "^validation errors: 0$" "$log"; then
    echo "FAIL: validation messages during the run (or the layer is not installed)"
    exit 1
  fi
  if [ "$separate" = 1 ] && ! grep -q "^presenting from queue family" "$log"; then
    echo "FAIL: AEGAN_VK_SEPARATE_PRESENT=1 did not select the separate present path"
    exit 1
  fi
  if ! grep -q "^window test: closed after 26 frames" "$log"; then
    echo "FAIL: the run did not end by the close request at frame 25"
    exit 1
  fi
  if ! grep -q "hide; now framebuffer [0-9]*x[0-9]*, iconified 0, visible 0, drawn at 0x0" "$log"; then
    echo "FAIL: the hidden window was not treated as minimised"
    exit 1
  fi
  resized=$(grep -o "rebuilt for [0-9]* size changes" "$log" | grep -o "[0-9]*")
  if [ "${resized:-0}" -lt 5 ]; then
    echo "FAIL: the swapchain followed fewer than 5 of the window's size changes"
    exit 1
  fi
done
echo "PASS"
