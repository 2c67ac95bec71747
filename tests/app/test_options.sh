#!/usr/bin/env bash
# The global options and their environment variables: a malformed value is one line on stderr,
# `aegan-vk: error: ...`, and exit status 1; well-formed ones are accepted.
set -uo pipefail
aegan=$1
failed=0

# expect_error MESSAGE COMMAND...: COMMAND exits with status 1 after that one error line.
expect_error() {
  local message=$1
  shift
  local output status
  output=$("$@" 2>&1 >/dev/null)
  status=$?
  if [[ $status != 1 || $output != "aegan-vk: error: $message" ]]; then
    echo "FAIL: $*: exit $status, stderr: $output"
    failed=1
  fi
}

expect_error "AEGAN_VK_FP16 must be 1 or 0, got 'maybe'" env AEGAN_VK_FP16=maybe "$aegan" devices
expect_error "AEGAN_VK_VALIDATION must be 1 or 0, got 'sure'" \
  env AEGAN_VK_VALIDATION=sure "$aegan" devices
expect_error "--device must be a non-negative integer device index, got 'x' (see \`aegan-vk devices\`)" \
  "$aegan" devices --device x

# expect_success COMMAND...: COMMAND exits with status 0.
expect_success() {
  "$@" >/dev/null 2>&1
  local status=$?
  if [[ $status != 0 ]]; then
    echo "FAIL: $*: exit $status"
    failed=1
  fi
}

expect_success "$aegan" devices --no-fp16
expect_success env AEGAN_VK_FP16=0 "$aegan" devices
expect_success env AEGAN_VK_FP16=on "$aegan" devices

if ((failed)); then exit 1; fi
echo "test_options.sh: passed"
