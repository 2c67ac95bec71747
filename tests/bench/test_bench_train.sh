#!/usr/bin/env bash
# Smoke test of `aegan-vk bench train --quick`: every figure of tiny64 runs once (batch 2) and the
# table and the JSON carry the fields the README and scripts rely on; then DCGAN's figures.
set -euo pipefail
aegan=$1
if ! command -v python3 >/dev/null; then
  echo "SKIP: python3 (used to read the JSON) is not installed"
  exit 77
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$aegan" bench train --quick --json "$work/train.json" >"$work/out.txt" 2>"$work/err.txt" || {
  cat "$work/out.txt" "$work/err.txt"
  echo "FAIL: aegan-vk bench train --quick exited with an error"
  exit 1
}
cat "$work/out.txt"
if grep -q "^\[vulkan validation\]" "$work/err.txt"; then
  grep "^\[vulkan validation\]" "$work/err.txt"
  echo "FAIL: validation messages during the run"
  exit 1
fi
for pattern in "^tiny64 parameters: g_e [0-9]*, h " "^figure  *batch  *warmup  *reps  *ms/iter.* host waits$" \
  "^autoencoder  *2  *1  *1 " "^gan  *2  *1  *1 " "^inference  *2  *1  *1 "; do
  grep -q "$pattern" "$work/out.txt" || {
    echo "FAIL: no line matching '$pattern' in the output"
    exit 1
  }
done

python3 - "$work/train.json" <<'EOF'
import json
import sys

report = json.load(open(sys.argv[1]))
assert report["device"]["name"], "device name"
assert [p["preset"] for p in report["aegan_vk"]] == ["tiny64"], "quick runs tiny64 only"
preset = report["aegan_vk"][0]
assert [s["network"] for s in preset["sizes"]] == ["g_e", "h", "f", "d_e", "d_r", "phi"]
assert all(s["parameters"] > 0 and s["buffers"] > 0 for s in preset["sizes"])
figures = preset["figures"]
assert [f["figure"] for f in figures] == ["autoencoder", "gan", "inference"], figures
for f in figures:
    assert (f["batch"], f["warmup"], f["repetitions"]) == (2, 1, 1), f
    assert 0 < f["min_ms"] <= f["ms"], f
    assert abs(f["images_per_second"] - 2000 / f["ms"]) < 1e-6 * f["images_per_second"], f
    # At least the model's parameters are held during every figure.
    weights = 4 * sum(s["parameters"] for s in preset["sizes"])
    assert f["peak_bytes"] >= weights, f
    # Every figure reads its results back at least once.
    assert f["host_waits_per_iteration"] >= 1, f
    assert f["slot_waits_per_iteration"] >= 0, f
# A training step reads its losses back with one wait for the device, however many it has.
waits = {f["figure"]: f["host_waits_per_iteration"] for f in figures}
assert waits["autoencoder"] == 1 and waits["gan"] == 1, waits
# A training step also holds gradients and Adam's moments; inference holds neither.
peak = {f["figure"]: f["peak_bytes"] for f in figures}
assert peak["gan"] > peak["inference"], peak
assert "pytorch" not in report and "comparison" not in report
print("PASS")
EOF

# DCGAN through the same model interface: its one stage ("gan") and inference, with the spec's
# parameter counts (docs/models/dcgan.md, "Parameter counts").
"$aegan" bench train --model dcgan --quick >"$work/dcgan.txt" 2>&1 || {
  cat "$work/dcgan.txt"
  echo "FAIL: aegan-vk bench train --model dcgan --quick exited with an error"
  exit 1
}
for pattern in "^dcgan-tiny64 parameters: g 378080, d 175296 " "^gan  *2  *1  *1 " \
  "^inference  *2  *1  *1 "; do
  grep -q "$pattern" "$work/dcgan.txt" || {
    cat "$work/dcgan.txt"
    echo "FAIL: no line matching '$pattern' in DCGAN's output"
    exit 1
  }
done
grep -q "^autoencoder" "$work/dcgan.txt" && { echo "FAIL: DCGAN has no autoencoder"; exit 1; }
echo "PASS (dcgan)"
