#!/usr/bin/env bash
# The edges of `aegan-vk train` on a tiny data folder with the tiny64 preset: options refused
# with one line on stderr, `aegan-vk: error: ...`, and exit status 1; a batch larger than the
# data set; a run folder that another `train` is using.
set -uo pipefail
aegan=$1
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
# A train still in the background when the test fails early is stopped with it.
trap 'jobs -p | xargs -r kill 2>/dev/null; wait; rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"

primary_images "$work/images"

train=("$aegan" train --preset tiny64 --data "$work/images" --sample-count 2)

# --max-steps 0 is a slip, not "no limit"; a negative limit is refused as well.
for steps in 0 -3; do
  expect_error "--max-steps must be at least 1, got $steps (leave it out to run the whole schedule)" \
    "${train[@]}" --out "$work/zero" --max-steps "$steps"
done
if [[ -e $work/zero ]]; then
  echo "FAIL: a refused --max-steps created the run folder"
  failed=1
fi

# A batch larger than the data set trains with every image, and says so in one line.
"${train[@]}" --out "$work/small" --batch 16 --steps1 1 --epochs2 0 >"$work/small.out" \
  2>"$work/small.err"
status=$?
note="aegan-vk: note: the data has 3 images, fewer than --batch 16; training with batch 3"
if [[ $status != 0 ]] || ! grep -qFx "$note" "$work/small.err"; then
  echo "FAIL: --batch 16 on 3 images: exit $status, no line '$note' in stderr:"
  cat "$work/small.err"
  failed=1
fi

# A busy run folder: a second `train` there, new or --resume, is refused with the first's pid,
# and the first, stopped with SIGTERM, still saves its checkpoint.
busy=$work/busy
"${train[@]}" --out "$busy" --batch 2 --steps1 100000 >"$work/first.out" 2>"$work/first.err" &
first=$!
# wait_for_lock PID: until PID names itself in $busy/.lock (it then holds the lock) or exits.
wait_for_lock() {
  local i
  for ((i = 0; i < 1200; i++)); do
    if [[ $(cat "$busy/.lock" 2>/dev/null) == "$1 "* ]]; then return 0; fi
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}
if ! wait_for_lock "$first"; then
  echo "FAIL: the first train never locked $busy:"
  cat "$work/first.err"
  exit 1
fi
in_use="$busy is in use by aegan-vk train (pid $first); wait for it to finish or stop it first"
expect_error "$in_use" "${train[@]}" --out "$busy" --steps1 1
expect_error "$in_use" "$aegan" train --out "$busy" --resume
kill -TERM "$first"
wait "$first"
status=$?
if [[ $status != 0 ]] || ! grep -q "^stopped on request after [0-9]* steps" "$work/first.out" ||
  [[ ! -f $busy/checkpoint.safetensors ]]; then
  echo "FAIL: the first train, stopped with SIGTERM: exit $status, stdout:"
  cat "$work/first.out" "$work/first.err"
  failed=1
fi

# A trainer killed outright leaves its lock file behind, naming it, but not the lock itself.
"$aegan" train --out "$busy" --resume >/dev/null 2>&1 &
killed=$!
if wait_for_lock "$killed"; then
  kill -KILL "$killed"
  wait "$killed"
  expect_success "$aegan" train --out "$busy" --resume --max-steps 1
else
  echo "FAIL: the resumed train never locked $busy"
  failed=1
fi

if ((failed)); then exit 1; fi
echo "test_train.sh: passed"
