# shellcheck shell=bash disable=SC2034  # `failed` is read by the tests that source this file
# Checks of a command's exit status and stderr for the shell tests of tests/app, sourced by them.
# Each sets `failed=1` on a mismatch, so that a test reports every failure before it exits.
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

# expect_success COMMAND...: COMMAND exits with status 0.
expect_success() {
  "$@" >/dev/null 2>&1
  local status=$?
  if [[ $status != 0 ]]; then
    echo "FAIL: $*: exit $status"
    failed=1
  fi
}
