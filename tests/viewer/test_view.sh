#!/usr/bin/env bash
# Runs `aegan-vk view` of an AEGAN model for a few frames under Xvfb with the validation layer on
# and checks its screenshot panel by panel against what other commands compute for the same
# weights and z:
#   - the generated image and the sample grid equal `aegan-vk sample` (check_samples);
#   - the embedding panel shows G_E(z) of that z, channel by channel, as the tool draws it;
#   - x_hat is shown beside phi(x_hat), in a window titled with both;
#   - the UI is drawn around them.
set -euo pipefail
# shellcheck source=tests/viewer/screenshot.sh
source "$(dirname "${BASH_SOURCE[0]}")/screenshot.sh"
seed=7
view_model aegan "$seed"
read -r ex ey ew eh < <(where embedding) || { echo "FAIL: no embedding panel"; exit 1; }
# tiny64: 16 channels of 16x16, 4 to a row, each pixel 2x2, 2 pixels apart.
if [ "$ew" != 134 ] || [ "$eh" != 134 ]; then
  echo "FAIL: the embedding panel is ${ew}x${eh}, not 4 x 4 tiles of 32 pixels"
  exit 1
fi
"$tool" embedding-png "$work/model.safetensors" "$seed" 2 4 2 "$work/embedding.png"
echo "embedding:"
"$tool" compare "$work/shot.png" "$work/embedding.png" "$ex" "$ey" 1 2
for panel in "image:phi(F(G_E(z)))" "beside:x_hat = F(G_E(z))  |  phi(x_hat)"; do
  if [ "$(title_of "${panel%%:*}")" != "${panel#*:}" ]; then
    echo "FAIL: the ${panel%%:*} panel's window is not titled '${panel#*:}'"
    exit 1
  fi
done
echo "PASS"
