#!/usr/bin/env bash
# The main job on the bundled default data: trains AEGAN's tiny64 model on the 881 emoji images
# of Debian's libjs-emojify (installed by install-deps.sh), then writes a sample grid and a
# latent-walk strip, and opens the viewer when a display exists. Running it again continues an
# unfinished run (or just redraws the outputs of a finished one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target aegan-vk

data=${AEGAN_DEMO_DATA:-/usr/share/javascript/emojify.js/images/emoji}
run=${AEGAN_DEMO_RUN:-runs/emoji-tiny64}
aegan=build/app/aegan-vk

# The spec's schedule (100 + 200 epochs at lr 1e-5 / 2e-4) takes days on a CPU; this one is sized
# for a few minutes on two cores with lavapipe, with higher learning rates than the spec's in
# both stages (measured: lr2 5e-4 gives emoji-like shapes and colours after 200-300 GAN steps
# where 2e-4 still gives grey squares). The denoiser phi, an encoder-decoder without skip
# connections through a 1x1 bottleneck, learns slowly to give back its input (as an autoencoder of
# the emoji its L1 is still 0.23 after 660 steps, in the engine and in PyTorch alike); from its
# initial weights it gives a few blurred templates after this schedule's 330 GAN steps. Training
# it in stage 1 as an autoencoder of the real images (--phi-warm-start identity, not in the paper)
# helps, but not enough: SWD x1e3 380 against x_hat's 175 at seed 1, 273 against 145 at seed 2
# (2026-12-03; the outcome of this short schedule varies a lot with the last bits of the first
# steps). Emoji are drawn on transparent backgrounds, composited on white here.
if [[ -f $run/checkpoint.safetensors ]]; then
  "$aegan" train --out "$run" --resume
else
  "$aegan" train --data "$data" --out "$run" --preset tiny64 --background ffffff \
    --epochs1 "${AEGAN_DEMO_EPOCHS1:-4}" --lr1 1e-3 --phi-warm-start identity \
    --epochs2 "${AEGAN_DEMO_EPOCHS2:-6}" --lr2 5e-4 \
    --log-every 10 --sample-every 50 --checkpoint-every 100
fi

"$aegan" sample --checkpoint "$run/checkpoint.safetensors" --count 64 --seed 7 --out "$run/final"
"$aegan" walk --checkpoint "$run/checkpoint.safetensors" --seed 7 --frames 48 --strip-columns 12 \
  --out "$run/walk"
# x_hat = F(G_E(z)) and phi(x_hat) scored against the data, the same way for both.
"$aegan" eval --checkpoint "$run/checkpoint.safetensors" --data "$data" --count 500 \
  --json "$run/final/eval.json" | tee "$run/final/eval.txt" | grep "SWD x1e3 average"
echo "train-demo: samples in $run/final/grid.png (their x_hat in grid_x_hat.png), latent walk" \
  "in $run/walk/strip.png, figures in $run/final/eval.txt," \
  "reconstructions and samples over time in $run/samples/, losses in $run/losses.png"

if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]] && "$aegan" view --help >/dev/null 2>&1; then
  "$aegan" view --checkpoint "$run/checkpoint.safetensors"
fi
