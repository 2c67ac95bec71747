# shellcheck shell=bash disable=SC2034  # `failed` is read by the tests that source this file
# Checks of a command's exit status and stderr for the shell tests of tests/app, sourced by them.
# Each sets `failed=1` on a mismatch, so that a test reports every failure before it exits.
failed=0

# expect_error MESSAGE COMMAND...: COMMAND exits with status 1 after that one error line; a
# MESSAGE ending in "..." need only begin the line.
expect_error() {
  local message=$1
  shift
  local output status
  output=$("$@" 2>&1 >/dev/null)
  status=$?
  local want="aegan-vk: error: ${message%...}" matched=0
  if [[ $message == *... ]]; then
    [[ $output == "$want"* && $output != *$'\n'* ]] && matched=1
  else
    [[ $output == "$want" ]] && matched=1
  fi
  if [[ $status != 1 || $matched != 1 ]]; then
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
