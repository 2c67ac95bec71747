#!/usr/bin/env bash
# The global options and their environment variables: a malformed value is one line on stderr,
# `aegan-vk: error: ...`, and exit status 1; well-formed ones are accepted.
set -uo pipefail
aegan=$1
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"

expect_error "AEGAN_VK_FP16 must be 1 or 0, got 'maybe'" env AEGAN_VK_FP16=maybe "$aegan" devices
expect_error "AEGAN_VK_VALIDATION must be 1 or 0, got 'sure'" \
  env AEGAN_VK_VALIDATION=sure "$aegan" devices
expect_error "--device must be a non-negative integer device index, got 'x' (see \`aegan-vk devices\`)" \
  "$aegan" devices --device x

expect_success "$aegan" devices --no-fp16
expect_success env AEGAN_VK_FP16=0 "$aegan" devices
expect_success env AEGAN_VK_FP16=on "$aegan" devices

if ((failed)); then exit 1; fi
echo "test_options.sh: passed"
