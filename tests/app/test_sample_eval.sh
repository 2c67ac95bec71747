#!/usr/bin/env bash
# A short run through the commands a user chains: train on a folder, then sample and eval from
# its checkpoint. Checks that both the training log and eval report the SWD of x_hat (before the
# denoiser) beside that of phi(x_hat), and that sample writes the grids of both.
set -euo pipefail
aegan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

# Eight 64x64 RGBA PNGs of coloured stripes with a transparent left third, written with the
# standard library alone.
python3 - "$work/data" <<'PY'
import os, struct, sys, zlib
folder = sys.argv[1]
os.makedirs(folder)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
for i in range(8):
    rows = b"".join(b"\0" + bytes(((x * (i + 1) + y * 3) % 256, (y * 4) % 256, (i * 31) % 256,
                                   0 if x < 21 else 255)[c] for x in range(64) for c in range(4))
                    for y in range(64))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with open(os.path.join(folder, f"stripes{i}.png"), "wb") as f:
        f.write(png)
PY

"$aegan" train --data "$work/data" --out "$work/run" --preset tiny64 --background ffffff \
  --batch 4 --steps1 2 \
  --steps2 2 --sample-count 4 --sample-every 100 >"$work/train.log" 2>&1 ||
  { cat "$work/train.log"; fail "train exited with an error"; }
python3 - "$work/run/log.jsonl" <<'PY' || fail "log.jsonl lacks the SWDs of x_hat and phi(x_hat)"
import json, math, sys
quality = [json.loads(l)["quality"] for l in open(sys.argv[1]) if '"quality"' in l]
assert len(quality) == 1, quality
assert all(math.isfinite(quality[0][k]) and quality[0][k] > 0 for k in ("swd_x_hat", "swd_image"))
PY
grep -q "SWD x1e3 of x_hat .*, of phi(x_hat) " "$work/train.log" ||
  fail "train did not report the stage's SWDs"

"$aegan" sample --checkpoint "$work/run/checkpoint.safetensors" --count 4 --out "$work/sample" \
  >/dev/null
for grid in grid.png grid_x_hat.png; do
  [[ -s $work/sample/$grid ]] || fail "sample wrote no $grid"
done
cmp -s "$work/sample/grid.png" "$work/sample/grid_x_hat.png" && fail "x_hat grid equals phi's"

evaluate() {  # evaluate NAME [OPTIONS...]: eval.txt and eval.json as NAME.txt and NAME.json
  local name=$1
  shift
  "$aegan" eval --checkpoint "$work/run/checkpoint.safetensors" --data "$work/data" --count 4 \
    --pairs 4 --json "$work/$name.json" "$@" >"$work/$name.txt" 2>/dev/null ||
    fail "eval $* exited with an error"
}
evaluate eval
# The data is composited on the background the run trained with unless told otherwise.
evaluate white --background ffffff
evaluate black --background 000000
cmp -s <(grep SWD "$work/eval.txt") <(grep SWD "$work/white.txt") ||
  fail "eval did not use the checkpoint's background"
cmp -s <(grep SWD "$work/eval.txt") <(grep SWD "$work/black.txt") &&
  fail "eval's --background changed nothing"
grep -q "SWD x1e3 average of x_hat" "$work/eval.txt" || fail "eval's table has no SWD of x_hat"
python3 - "$work/eval.json" <<'PY' || fail "eval's JSON lacks swd_x_hat"
import json, sys
report = json.load(open(sys.argv[1]))
before, after = report["swd_x_hat"]["average_x1e3"], report["swd"]["average_x1e3"]
assert before > 0 and after > 0 and before != after, (before, after)
PY
echo "PASS"
