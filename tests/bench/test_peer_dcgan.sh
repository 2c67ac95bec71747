#!/usr/bin/env bash
# bench/peer_dcgan.py against the engine: for every DCGAN preset both build G and D with the
# element counts of docs/models/dcgan.md ("Parameter counts"), and `bench train --model dcgan
# --quick --peer` times both and reports the ratio. Skipped (77) where PyTorch is missing.
set -euo pipefail
tool=$1
peer=$2
aegan=$3
source "$(dirname "$0")/../support/torch_test.sh"

"$tool" sizes >"$work/engine.json"
"$python" "$peer" --sizes-only --json "$work/peer.json"
"$python" - "$work/engine.json" "$work/peer.json" <<'EOF_PY'
import json
import sys

# docs/models/dcgan.md: (G parameters, G BN buffers, D parameters, D BN buffers).
SPEC = {
    "dcgan64": (3576704, 1920, 2765568, 1792),
    "dcgan512": (3773696, 2304, 2962560, 2176),
    "dcgan-tiny64": (378080, 480, 175296, 448),
}
engine = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[1]))["presets"]}
peer = {p["preset"]: p["sizes"] for p in json.load(open(sys.argv[2]))["presets"]}
assert sorted(engine) == sorted(peer) == sorted(SPEC), (engine.keys(), peer.keys())
for preset, spec in SPEC.items():
    print(preset)
    for ours, theirs in zip(engine[preset], peer[preset], strict=True):
        print(f"  {ours['network']} engine {ours['parameters']:8} + {ours['buffers']:5} buffers"
              f", PyTorch {theirs['parameters']:8} + {theirs['buffers']:5}")
        assert ours == theirs, (preset, ours, theirs)
    counts = tuple(n[key] for n in engine[preset] for key in ("parameters", "buffers"))
    assert [n["network"] for n in engine[preset]] == ["g", "d"], engine[preset]
    assert counts == spec, (preset, counts, spec)
print("PASS")
EOF_PY

"$aegan" bench train --model dcgan --quick --peer --python "$python" --json "$work/compare.json" |
  tee "$work/out.txt"
grep -q "ratio = aegan-vk time / PyTorch time" "$work/out.txt"
"$python" - "$work/compare.json" <<'EOF_PY'
import json
import sys

report = json.load(open(sys.argv[1]))
rows = report["comparison"]
assert [(r["preset"], r["figure"], r["batch"]) for r in rows] == [
    ("dcgan-tiny64", figure, 2) for figure in ("gan", "inference")], rows
for row in rows:
    assert row["aegan_vk_ms"] > 0 and row["pytorch_ms"] > 0, row
    assert abs(row["ratio"] - row["aegan_vk_ms"] / row["pytorch_ms"]) < 1e-9 * row["ratio"], row
print("PASS")
EOF_PY
