#!/usr/bin/env bash
# `aegan-vk compare` end to end with the tiny presets on a small folder: AEGAN, DCGAN, DE-GAN,
# StackGAN-v2 and the denoiser on each baseline trained to one image budget, a table whose figures are those `aegan-vk eval`
# gives for each run's checkpoint, a re-run that trains nothing, an interrupted run that resumes
# to the weights of an uninterrupted one, and one-line errors for bad input.
set -uo pipefail
aegan=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"

primary_images "$work/images"
write_bmp "$work/images/grey.bmp" 808080
write_bmp "$work/images/yellow.bmp" d0d020
write_bmp "$work/images/cyan.bmp" 20d0d0
eval_options=(--count 6 --pairs 6 --patches 16)
compare=("$aegan" compare --data "$work/images" --sample-count 2 --shown 4 "${eval_options[@]}")

expect_error "unknown model 'gan' (known: aegan, dcgan, degan, stackgan, denoiser)" \
  "${compare[@]}" --out "$work/bad" --models aegan,gan --images 8
expect_error "denoiser trains on another model's generator; compare it with --denoise" \
  "${compare[@]}" --out "$work/bad" --models denoiser --images 8
expect_error "--models names dcgan twice" \
  "${compare[@]}" --out "$work/bad" --models dcgan,dcgan --images 8
expect_error "--images must be at least 1, got 0" \
  "${compare[@]}" --out "$work/bad" --models dcgan --images 0
expect_error "give a training budget: --images N and/or --minutes M" \
  "$aegan" compare --data "$work/images" --out "$work/bad" --models dcgan
expect_error "--presets takes MODEL=PRESET, not 'dcgan'" \
  "${compare[@]}" --out "$work/bad" --models dcgan --presets dcgan --images 8
expect_error "--presets names aegan, which is not compared" \
  "${compare[@]}" --out "$work/bad" --models dcgan --presets aegan=tiny64 --images 8
expect_error "--lr takes MODEL.STAGE=RATE (aegan.2=5e-4), not 'dcgan=1e-3'" \
  "${compare[@]}" --out "$work/bad" --models dcgan --lr dcgan=1e-3 --images 8
expect_error "--lr names dcgan.2, but dcgan trains in 1 stage" \
  "${compare[@]}" --out "$work/bad" --models dcgan --lr dcgan.2=1e-3 --images 8
expect_error "data folder $work/none does not exist" \
  "$aegan" compare --data "$work/none" --out "$work/bad" --models dcgan --images 8
[[ -e $work/bad ]] && { echo "FAIL: a refused comparison wrote $work/bad"; failed=1; }

out=$work/out
all=("${compare[@]}" --out "$out" --models "aegan,dcgan,degan,stackgan" --denoise --presets denoiser=tiny64
  --images 24 --lr aegan.2=5e-4)
if ! "${all[@]}" >"$work/first.txt" 2>"$work/first.err"; then
  echo "FAIL: compare exited with an error: $(tail -3 "$work/first.err")"
  exit 1
fi
grep -q "compare: images trained .* 100.0%" "$work/first.err" ||
  { echo "FAIL: no progress over the whole comparison"; failed=1; }
for file in compare.md compare.json compare.png runs/aegan/checkpoint.safetensors \
  runs/dcgan/checkpoint.safetensors runs/dcgan+phi/checkpoint.safetensors \
  runs/degan/checkpoint.safetensors runs/degan+phi/checkpoint.safetensors \
  runs/stackgan/checkpoint.safetensors runs/stackgan+phi/checkpoint.safetensors; do
  [[ -s $out/$file ]] || { echo "FAIL: compare wrote no $file"; failed=1; }
done
for run in aegan dcgan dcgan+phi degan degan+phi stackgan stackgan+phi; do
  expect_success "$aegan" eval --checkpoint "$out/runs/$run/checkpoint.safetensors" \
    --data "$work/images" "${eval_options[@]}" --json "$work/eval-$run.json"
done
python3 - "$out" "$work" <<'PY' || { echo "FAIL: the table is not eval's figures"; failed=1; }
import json, sys
out, work = sys.argv[1], sys.argv[2]
table = json.load(open(out + "/compare.json"))
rows = {row["name"]: row for row in table["rows"]}
assert list(rows) == ["aegan", "dcgan", "dcgan+phi", "degan", "degan+phi", "stackgan",
                      "stackgan+phi"], list(rows)
assert table["budget"]["images"] == 24 and table["eval"]["generated"] == 6, table
for name, row in rows.items():
    report = json.load(open(f"{work}/eval-{name}.json"))
    assert row["swd_x1e3"] == report["swd"]["average_x1e3"], (name, row, report["swd"])
    assert row["ms_ssim_diversity"] == report["first"]["ms_ssim_diversity"]["mean"], name
    assert row["data_ms_ssim_diversity"] == report["second"]["ms_ssim_diversity"]["mean"], name
    assert row["fd_h"] == report.get("fd_h", {}).get("value"), name
    # The budget in whole steps of the 6 images: 24 images = 4 steps, split 1:2 for AEGAN and
    # 1:1 for DE-GAN.
    assert row["images_seen"] == 24, (name, row["images_seen"])
    assert row["resolution"] == (128 if name.startswith("stackgan") else 64), (name, row)
    assert row["fd_r"] > 0 and row["train_seconds"] > 0, row
assert rows["aegan"]["fd_h"] is not None and rows["dcgan"]["fd_h"] is None
assert rows["degan"]["preset"] == "degan-tiny64" and rows["degan+phi"]["base"] == "degan"
assert rows["dcgan+phi"]["base"] == "dcgan" and rows["dcgan+phi"]["preset"] == "tiny64"
# --lr aegan.2=5e-4 reached AEGAN's stage 2 and no other stage.
def training(run):
    data = open(f"{out}/runs/{run}/checkpoint.safetensors", "rb").read()
    size = int.from_bytes(data[:8], "little")
    return json.loads(json.loads(data[8:8 + size])["__metadata__"]["aegan_vk.training"])["config"]
aegan = training("aegan")
assert (aegan["stage1"]["lr"], aegan["stage2"]["lr"]) == (1e-5, 5e-4), aegan
assert training("dcgan")["stage1"]["lr"] == 2e-4
degan = training("degan")
assert (degan["stage1"]["lr"], degan["stage2"]["lr"]) == (1e-3, 2e-4), degan
base = json.load(open(f"{work}/eval-dcgan+phi.json"))["swd_baseline"]["average_x1e3"]
assert rows["dcgan+phi"]["swd_baseline_x1e3"] == base
text = open(out + "/compare.md").read()
for name, row in rows.items():
    line = next(l for l in text.splitlines() if l.startswith(f"| {name} |"))
    assert f"| {row['swd_x1e3']:.2f} |" in line and f"| {row['fd_r']:.4f} |" in line, line
assert "FD-R: Fréchet distance in the channel means" in text
# compare.png: a row of the data and one per model, each of --shown 4 tiles of r + 2 pixels (r 64,
# and 128 for the two StackGAN-v2 rows), the rows 8 pixels apart.
png = open(out + "/compare.png", "rb").read()
width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
assert png[:8] == b"\x89PNG\r\n\x1a\n" and height == 8 + 6 * (66 + 2 + 8) + 2 * (130 + 2 + 8), (width, height)
assert width > 4 * 66 + 2, width
PY

# A second invocation trains nothing and writes the same table.
sums() { md5sum "$out"/runs/*/checkpoint.safetensors "$out"/runs/*/log.jsonl; }
before=$(sums)
cp "$out/compare.json" "$work/first.json"
if "${all[@]}" >/dev/null 2>"$work/again.err"; then
  [[ $(sums) == "$before" ]] || { echo "FAIL: the re-run retrained a finished run"; failed=1; }
  grep -q "compare: dcgan+phi is trained already" "$work/again.err" ||
    { echo "FAIL: the re-run does not say the runs are trained"; failed=1; }
  cmp -s "$out/compare.json" "$work/first.json" ||
    { echo "FAIL: the re-run's table differs"; failed=1; }
else
  echo "FAIL: the re-run exited with an error: $(tail -1 "$work/again.err")"
  failed=1
fi
expect_error "$out/runs/dcgan holds a run with another schedule (budget), not this comparison's; remove it or choose another --out" \
  "${compare[@]}" --out "$out" --models dcgan --images 36

# An interrupted comparison: a DCGAN run stopped after 2 of its 4 steps, as `train` leaves it,
# continues to the weights of the uninterrupted run.
expect_success "$aegan" train --model dcgan --data "$work/images" --out "$work/part/runs/dcgan" \
  --steps1 4 --max-steps 2 --sample-count 2
expect_success "${compare[@]}" --out "$work/part" --models dcgan --images 24
python3 - "$work/part/runs/dcgan/checkpoint.safetensors" "$out/runs/dcgan/checkpoint.safetensors" <<'PY' ||
import json, struct, sys
def tensors(path):
    data = open(path, "rb").read()
    size = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + size])
    meta = json.loads(header.pop("__metadata__")["aegan_vk.training"])
    body = data[8 + size:]
    return meta, {k: body[v["data_offsets"][0]:v["data_offsets"][1]] for k, v in header.items()}
(resumed_meta, resumed), (whole_meta, whole) = tensors(sys.argv[1]), tensors(sys.argv[2])
steps = lambda meta: (meta["stage"], meta["global_step"])
assert steps(resumed_meta) == steps(whole_meta) == (2, 4), (steps(resumed_meta), steps(whole_meta))
assert resumed.keys() == whole.keys() and all(resumed[k] == whole[k] for k in whole), \
    [k for k in whole if resumed.get(k) != whole[k]]
PY
  { echo "FAIL: the resumed comparison's DCGAN differs from the uninterrupted one"; failed=1; }

# A time budget alone: the default schedule (200 epochs) cut off after about a second, and
# the run counted as finished by a re-run.
timed=("${compare[@]}" --out "$work/timed" --models dcgan --minutes 0.02)
expect_success "${timed[@]}"
before=$(md5sum "$work/timed/runs/dcgan/checkpoint.safetensors")
again=$("${timed[@]}" 2>&1 >/dev/null)
[[ $again == *"compare: dcgan is trained already"* ]] ||
  { echo "FAIL: a run whose time is spent is trained again"; failed=1; }
[[ $(md5sum "$work/timed/runs/dcgan/checkpoint.safetensors") == "$before" ]] ||
  { echo "FAIL: the re-run of a timed comparison changed its run"; failed=1; }
python3 - "$work/timed/compare.json" <<'PY' || { echo "FAIL: the timed run's table"; failed=1; }
import json, sys
row = json.load(open(sys.argv[1]))["rows"][0]
assert 0 < row["images_seen"] < 200 * 6 and row["train_seconds"] >= 1.2, row
PY

[[ $failed == 0 ]] && echo PASS
exit "$failed"
