#!/usr/bin/env bash
# The README's viewer screenshot, from the demo's trained checkpoint: runs `aegan-vk view` under a
# virtual X display for a fixed number of frames, paused on keyframe 0 of the demo's seed, so the
# picture depends only on the checkpoint. Usage: scripts/viewer-screenshot.sh [RUN] [OUT.png]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
run=${1:-runs/emoji-tiny64}
out=${2:-assets/viewer.png}
aegan=build/app/aegan-vk

if [[ ! -f $run/checkpoint.safetensors ]]; then
  echo "viewer-screenshot: no $run/checkpoint.safetensors; run scripts/train-demo.sh first" >&2
  exit 1
fi
command -v xvfb-run >/dev/null || { echo "viewer-screenshot: needs xvfb-run (apt-get install xvfb)" >&2; exit 1; }
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
xvfb-run -a -s "-screen 0 1280x800x24" "$aegan" view --checkpoint "$run/checkpoint.safetensors" \
  --seed 7 --samples 16 --pause --frames 10 --zoom 3 --width 1100 --height 720 --screenshot "$out" \
  >/dev/null
echo "viewer-screenshot: wrote $out"
