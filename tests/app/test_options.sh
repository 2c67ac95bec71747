#!/usr/bin/env bash
# The global options and their environment variables: a malformed value is one line on stderr,
# `aegan-vk: error: ...`, and exit status 1; well-formed ones are accepted.
set -uo pipefail
aegan=$1
failed=0

# expect_error MESSAGE [VAR=VALUE...] -- ARGS...
expect_error() {
  local message=$1
  shift
  local environment=()
  while [[ $1 != -- ]]; do
    environment+=("$1")
    shift
  done
  shift
  local output status
  output=$(env "${environment[@]}" "$aegan" "$@" 2>&1 >/dev/null)
  status=$?
  if [[ $status != 1 || $output != "aegan-vk: error: $message" ]]; then
    echo "FAIL: ${environment[*]} $*: exit $status, stderr: $output"
    failed=1
  fi
}

expect_error "AEGAN_VK_FP16 must be 1 or 0, got 'maybe'" AEGAN_VK_FP16=maybe -- devices
expect_error "AEGAN_VK_VALIDATION must be 1 or 0, got 'sure'" AEGAN_VK_VALIDATION=sure -- devices
expect_error "--device must be a non-negative integer device index, got 'x' (see \`aegan-vk devices\`)" \
  -- devices --device x

for accepted in "--no-fp16" "AEGAN_VK_FP16=0" "AEGAN_VK_FP16=on"; do
  if [[ $accepted == --* ]]; then
    "$aegan" devices "$accepted" >/dev/null 2>&1
  else
    env "$accepted" "$aegan" devices >/dev/null 2>&1
  fi
  status=$?
  if [[ $status != 0 ]]; then
    echo "FAIL: $accepted: exit $status"
    failed=1
  fi
done

if ((failed)); then exit 1; fi
echo "test_options.sh: passed"
