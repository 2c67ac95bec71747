#!/usr/bin/env bash
# Runs `aegan-vk view` of a DE-GAN model (degan-tiny64) for a few frames under Xvfb with the
# validation layer on: the generated image and the sample grid equal `aegan-vk sample` for the same
# z (check_samples), and every intermediate image is shown beside G(z'), in one window titled with
# all of them: the picture of z_n and the VAE's image, each equal to sample's grid of it.
set -euo pipefail
# shellcheck source=tests/viewer/screenshot.sh
source "$(dirname "${BASH_SOURCE[0]}")/screenshot.sh"
seed=7
view_model degan "$seed" 8
want="z_n  |  vae_dec(z_n)  |  G(z')"
if [ "$(title_of beside)" != "$want" ]; then
  echo "FAIL: the images beside G(z') are titled '$(title_of beside)', not '$want'"
  exit 1
fi
# sample's grids of one image, inside their 2-pixel border.
"$aegan" sample --checkpoint "$work/model.safetensors" --seed "$seed" --count 1 \
  --out "$work/one" >/dev/null
zoom=$(grep -o ": image at .* zoom [0-9]*" "$work/view.log" | head -1 | sed -E 's/.* zoom //')
for panel in "beside:grid_z_n.png" "beside 2:grid_vae.png"; do
  read -r x y w h < <(where "${panel%%:*}") || { echo "FAIL: no ${panel%%:*} panel"; exit 1; }
  echo "${panel%%:*} (${panel#*:}):"
  "$tool" compare "$work/shot.png" "$work/one/${panel#*:}" "$x" "$y" "$zoom" 2 2
done
echo "PASS"
