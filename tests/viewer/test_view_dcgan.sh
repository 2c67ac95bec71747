#!/usr/bin/env bash
# Runs `aegan-vk view` of a DCGAN model (dcgan-tiny64, z from N(0, I)) for a few frames under Xvfb
# with the validation layer on: the generated image and the sample grid equal `aegan-vk sample`
# for the same z (check_samples), the image's window is titled G(z), and there is neither an
# embedding panel nor an image beside the final one (DCGAN has no embedding and one image).
set -euo pipefail
# shellcheck source=tests/viewer/screenshot.sh
source "$(dirname "${BASH_SOURCE[0]}")/screenshot.sh"
view_model dcgan 7
if [ "$(title_of image)" != "G(z)" ]; then
  echo "FAIL: the image's window is titled '$(title_of image)', not 'G(z)'"
  exit 1
fi
for panel in embedding beside; do
  if [ -n "$(where "$panel")" ]; then
    echo "FAIL: DCGAN has no $panel panel"
    exit 1
  fi
done
if grep -q "G_E" "$work/view.log"; then
  echo "FAIL: the log speaks of AEGAN's networks"
  exit 1
fi
echo "PASS"
