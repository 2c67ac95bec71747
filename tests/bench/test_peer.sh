#!/usr/bin/env bash
# bench/peer.py against the engine: both build the same six networks for tiny64 and paper512
# (element counts of every network's parameters and buffers), and `bench train --quick --peer`
# times both and reports the ratio. Skipped (77) where PyTorch is not installed.
set -euo pipefail
aegan=$1
peer=$2
source "$(dirname "$0")/../support/torch_test.sh"

"$aegan" bench train --sizes-only --preset all --json "$work/engine.json"
"$python" "$peer" --sizes-only --preset all --json "$work/peer.json"
"$python" - "$work/engine.json" "$work/peer.json" <<'EOF'
import json
import sys

engine = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[1]))["aegan_vk"]}
peer = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[2]))["presets"]}
assert sorted(engine) == sorted(peer) == ["paper512", "tiny64"], (engine.keys(), peer.keys())
for preset in engine:
    print(preset)
    for ours, theirs in zip(engine[preset], peer[preset], strict=True):
        print(f"  {ours['network']:4} engine {ours['parameters']:9} + {ours['buffers']:6} buffers"
              f", PyTorch {theirs['parameters']:9} + {theirs['buffers']:6}")
        assert ours == theirs, (preset, ours, theirs)
phi = next(s for s in engine["paper512"] if s["network"] == "phi")
# docs/models/aegan.md: "phi holds 47.5 M parameters".
assert round(phi["parameters"] / 1e5) == 475, phi
EOF

"$aegan" bench train --quick --peer --python "$python" --peer-script "$peer" \
  --json "$work/compare.json" | tee "$work/out.txt"
grep -q "ratio = aegan-vk time / PyTorch time" "$work/out.txt"
"$python" - "$work/compare.json" <<'EOF'
import json
import sys

report = json.load(open(sys.argv[1]))
assert report["convention"].startswith("ratio = aegan-vk time / PyTorch time")
assert report["pytorch"]["device"].startswith("PyTorch ")
rows = report["comparison"]
assert [(r["preset"], r["figure"], r["batch"]) for r in rows] == [
    ("tiny64", figure, 2) for figure in ("autoencoder", "gan", "inference")], rows
for row in rows:
    assert row["aegan_vk_ms"] > 0 and row["pytorch_ms"] > 0, row
    assert abs(row["ratio"] - row["aegan_vk_ms"] / row["pytorch_ms"]) < 1e-9 * row["ratio"], row
print("PASS")
EOF

# `bench ops --peer`: PyTorch's time for each pass of each shape the engine timed, and the ratio.
"$aegan" bench ops --quick --peer --python "$python" --peer-script "$peer" \
  --json "$work/ops.json" | tee "$work/ops.txt"
grep -q "total ratio, auto / PyTorch" "$work/ops.txt"
"$python" - "$work/ops.json" <<'EOF'
import json
import sys

report = json.load(open(sys.argv[1]))
assert report["convention"].startswith("ratio = aegan-vk time / PyTorch time"), report
assert report["pytorch"].startswith("PyTorch "), report
assert [p["preset"] for p in report["presets"]] == ["tiny64", "paper512"], report
for preset in report["presets"]:
    rows = preset["measurements"]
    assert [r["pass"] for r in rows] == ["forward", "backward-data", "backward-weight"], rows
    for row in rows:
        assert row["ms"] > 0 and row["pytorch_ms"] > 0 and row["pytorch_repetitions"] == 2, row
        assert abs(row["ratio"] - row["ms"] / row["pytorch_ms"]) < 1e-9 * row["ratio"], row
    totals = {t["variant"]: t["total_ms"] for t in preset["totals"]}
    expected = totals["auto"] / totals["PyTorch"]
    assert abs(preset["total_ratio"] - expected) < 1e-9 * expected, preset
print("PASS")
EOF
