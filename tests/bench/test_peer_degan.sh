#!/usr/bin/env bash
# bench/peer_degan.py against the engine: for every DE-GAN preset both build the VAE's encoder and
# decoder, G and D with the element counts of docs/models/degan.md ("Parameter counts"), and
# `bench train --model degan --quick --peer` times both and reports the ratio. Skipped (77) where
# PyTorch is missing.
set -euo pipefail
aegan=$1
peer=$2
source "$(dirname "$0")/../support/torch_test.sh"

"$aegan" bench train --model degan --sizes-only --preset all --json "$work/engine.json"
"$python" "$peer" --sizes-only --json "$work/peer.json"
"$python" - "$work/engine.json" "$work/peer.json" <<'EOF_PY'
import json
import sys

# docs/models/degan.md: parameters of vae_enc, vae_dec, g, d (tiny32 is degan-tiny32; the spec
# has no row for degan-tiny64, whose counts the two sides only have to share).
SPEC = {
    "celeba64": (2356224, 532627, 19313795, 1046017),
    "cifar32": (783360, 520995, 5155971, 1033729),
    "degan-tiny32": (49536, 33099, 324387, 66433),
}
engine = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[1]))["aegan_vk"]}
peer = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[2]))["presets"]}
assert sorted(engine) == sorted(peer) == sorted([*SPEC, "degan-tiny64"]), (engine, peer)
for preset in engine:
    print(preset)
    for ours, theirs in zip(engine[preset], peer[preset], strict=True):
        print(f"  {ours['network']:7} engine {ours['parameters']:8} + {ours['buffers']:5} buffers"
              f", PyTorch {theirs['parameters']:8} + {theirs['buffers']:5}")
        assert ours == theirs, (preset, ours, theirs)
    assert [n["network"] for n in engine[preset]] == ["vae_enc", "vae_dec", "g", "d"], preset
    if preset in SPEC:
        counts = tuple(n["parameters"] for n in engine[preset])
        assert counts == SPEC[preset], (preset, counts, SPEC[preset])
print("PASS")
EOF_PY

"$aegan" bench train --model degan --quick --peer --python "$python" --json "$work/compare.json" |
  tee "$work/out.txt"
grep -q "ratio = aegan-vk time / PyTorch time" "$work/out.txt"
"$python" - "$work/compare.json" <<'EOF_PY'
import json
import sys

rows = json.load(open(sys.argv[1]))["comparison"]
assert [(r["preset"], r["figure"], r["batch"]) for r in rows] == [
    ("degan-tiny64", figure, 2) for figure in ("vae", "gan", "inference")], rows
for row in rows:
    assert row["aegan_vk_ms"] > 0 and row["pytorch_ms"] > 0, row
    assert abs(row["ratio"] - row["aegan_vk_ms"] / row["pytorch_ms"]) < 1e-9 * row["ratio"], row
print("PASS")
EOF_PY
