#!/usr/bin/env bash
# bench/peer_stackgan.py against the engine: for every StackGAN-v2 preset both build G and every
# D_i with the element counts of docs/models/stackgan.md ("Parameter counts"), and `bench train
# --model stackgan --quick --peer` times both and reports the ratio. Skipped (77) where PyTorch is
# missing.
set -euo pipefail
aegan=$1
peer=$2
source "$(dirname "$0")/../support/torch_test.sh"

"$aegan" bench train --model stackgan --sizes-only --preset all --json "$work/engine.json"
"$python" "$peer" --sizes-only --json "$work/peer.json"
"$python" - "$work/engine.json" "$work/peer.json" <<'EOF_PY'
import json
import sys

# docs/models/stackgan.md: parameters of g, then of d64, d128, ... (the average g_ema has none).
SPEC = {
    "sg256": (16472208, 2765569, 15875841, 68310785),
    "sg512": (16515240, 2765569, 15875841, 68310785, 278038273),
    "sg-tiny": (951048, 175297, 995265),
}
engine = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[1]))["aegan_vk"]}
peer = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[2]))["presets"]}
assert sorted(engine) == sorted(peer) == sorted(SPEC), (engine.keys(), peer.keys())
for preset, spec in SPEC.items():
    print(preset)
    for mine, theirs in zip(engine[preset], peer[preset], strict=True):
        print(f"  {mine['network']:5} engine {mine['parameters']:9} + {mine['buffers']:6} buffers"
              f", PyTorch {theirs['parameters']:9} + {theirs['buffers']:6}")
        assert mine == theirs, (preset, mine, theirs)
    ours = [n for n in engine[preset] if n["network"] != "g_ema"]
    average = next(n for n in engine[preset] if n["network"] == "g_ema")
    assert average["parameters"] == 0 and average["buffers"] == ours[0]["parameters"], average
    assert tuple(n["parameters"] for n in ours) == spec, (preset, ours)
print("PASS")
EOF_PY

"$aegan" bench train --model stackgan --quick --peer --python "$python" \
  --json "$work/compare.json" | tee "$work/out.txt"
grep -q "ratio = aegan-vk time / PyTorch time" "$work/out.txt"
"$python" - "$work/compare.json" <<'EOF_PY'
import json
import sys

rows = json.load(open(sys.argv[1]))["comparison"]
assert [(r["preset"], r["figure"], r["batch"]) for r in rows] == [
    ("sg-tiny", figure, 2) for figure in ("gan", "inference")], rows
for row in rows:
    assert row["aegan_vk_ms"] > 0 and row["pytorch_ms"] > 0, row
print("PASS")
EOF_PY
