#!/usr/bin/env bash
# Faults of a data-parallel run under mpirun on one machine: a rank killed or hung mid-run ends
# the other with an error within 60 s, never a hang; SIGTERM to one rank alone stops every rank at the same
# step with one checkpoint, from which the run resumes; ranks whose weights differ stop. Skipped (exit code 77) where this build
# has no MPI or mpirun is missing.
set -uo pipefail
aegan=$1
mpi_built=$2
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
# shellcheck source=tests/app/mpi.sh
source "$(dirname "${BASH_SOURCE[0]}")/mpi.sh" "$mpi_built"
work=$(mktemp -d)
trap 'pkill -9 -f "$work" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"
# shellcheck source=tests/app/images.sh
source "$(dirname "${BASH_SOURCE[0]}")/images.sh"


mkdir "$work/images"
for i in $(seq 0 15); do
  write_bmp "$work/images/c$i.bmp" "$(printf '%02x%02x%02x' $((i * 16)) $((i * 9)) $((255 - i * 5)))"
done
# Long enough that the faults land mid-run.
long=(--data "$work/images" --model dcgan --batch 8 --steps1 100000 --sample-count 4
  --sample-every 100000 --log-every 2)

# rank_pid RUN RANK: the process id of that rank of the run training into RUN.
rank_pid() {
  local pid
  for pid in $(pgrep -f "train .*--out $1( |$)"); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo "$pid"
      return
    fi
  done
}

# checkpoint_step RUN: the global step of RUN's checkpoint.
checkpoint_step() {
  python3 - "$1/checkpoint.safetensors" <<'PY'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
print(json.loads(json.loads(data[8:8 + n])["__metadata__"]["aegan_vk.training"])["global_step"])
PY
}

# start_run RUN: 2 ranks training into RUN in the background (their launcher's pid in
# $launcher), returning once both train (a first loss line is logged).
start_run() {
  timeout 300 mpirun -np 2 "$aegan" train "${long[@]}" --out "$1" >"$1.log" 2>&1 &
  launcher=$!
  for _ in $(seq 600); do
    grep -qs '"losses"' "$1/log.jsonl" && [[ -n $(rank_pid "$1" 1) ]] && return 0
    sleep 0.2
  done
  echo "FAIL: the run into $1 did not start: $(tail -3 "$1.log")"
  exit 1
}

# A rank that dies, and one that hangs (stopped with SIGSTOP: the launcher sees nothing wrong, so
# only the other rank's watchdog can end the run). The watchdog's limit is shorter than the
# default so that the 60 s bound holds.
export AEGAN_VK_RANK_TIMEOUT=20
# fault_ends_run RUN SIGNAL [MESSAGE]: SIGNAL to rank 1 of a run ends it within 60 s with a
# non-zero status (and MESSAGE in its output).
fault_ends_run() {
  start_run "$1"
  kill "-$2" "$(rank_pid "$1" 1)"
  local begin=$SECONDS status
  wait "$launcher"
  status=$?
  local elapsed=$((SECONDS - begin))
  if [[ $status == 0 || $status == 124 || $elapsed -gt 60 ]] ||
    ! grep -q "${3:-}" "$1.log"; then
    echo "FAIL: SIG$2 to rank 1: the run exited $status after $elapsed s: $(tail -2 "$1.log")"
    failed=1
  else
    echo "SIG$2 to rank 1: the run ended with status $status after $elapsed s"
  fi
}
fault_ends_run "$work/killed" KILL
fault_ends_run "$work/hung" STOP "rank 0 waited .* for the other ranks; one of them has stopped or died"

# Ranks whose weights drift apart stop at the next check with one line naming the rank. Here a
# launch that gives rank 1 another learning rate (one command line per rank) makes them drift.
short=(--data "$work/images" --model dcgan --batch 8 --steps1 20 --sample-count 4
  --sample-every 1000 --log-every 4 --out "$work/diverged")
timeout 300 mpirun -np 1 "$aegan" train "${short[@]}" : -np 1 "$aegan" train "${short[@]}" \
  --lr1 0.01 >"$work/diverged.log" 2>&1
status=$?
if [[ $status == 0 ]] || ! grep -q "error: the ranks' weights diverged at DCGAN .* step 4: rank(s) 1 differ from rank 0" \
  "$work/diverged.log"; then
  echo "FAIL: ranks with different weights: exit $status, output: $(tail -3 "$work/diverged.log")"
  failed=1
fi

# SIGTERM to rank 1 alone: both stop at the same step and rank 0 saves once.
start_run "$work/stopped"
kill -TERM "$(rank_pid "$work/stopped" 1)"
wait "$launcher"
status=$?
if [[ $status != 0 ]] || ! grep -q "stopped on request" "$work/stopped.log"; then
  echo "FAIL: SIGTERM to rank 1: exit $status, output: $(tail -3 "$work/stopped.log")"
  failed=1
fi
step=$(checkpoint_step "$work/stopped")
if ! [[ $step -gt 0 && $step -lt 100000 ]]; then
  echo "FAIL: SIGTERM to rank 1: the checkpoint is at step '$step'"
  failed=1
fi
expect_success mpirun -np 2 "$aegan" train --out "$work/stopped" --resume --max-steps 2
resumed=$(checkpoint_step "$work/stopped")
[[ $resumed == $((step + 2)) ]] ||
  { echo "FAIL: the stopped run at step $step resumed to step $resumed, not $((step + 2))"; failed=1; }

exit "${failed:-0}"
