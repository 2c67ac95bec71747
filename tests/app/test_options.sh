#!/usr/bin/env bash
# The global options and every AEGAN_VK_* environment variable (engine/settings.hpp): a malformed
# value is one line on stderr, `aegan-vk: error: ...`, and exit status 1; well-formed ones are
# accepted. The variables are read before any command runs, so `devices` stands for every command.
set -uo pipefail
aegan=$1
# shellcheck source=tests/app/expect.sh
source "$(dirname "${BASH_SOURCE[0]}")/expect.sh"

switch="must be 1 or 0 (or true/false, yes/no, on/off)"
for variable in AEGAN_VK_VALIDATION AEGAN_VK_FP16 AEGAN_VK_CONV_TUNE AEGAN_VK_PROFILE \
  AEGAN_VK_TEXEL_READS AEGAN_VK_SEPARATE_PRESENT; do
  expect_error "$variable $switch, got 'maybe'" env "$variable=maybe" "$aegan" devices
  expect_error "$variable $switch, got '2'" env "$variable=2" "$aegan" devices
  for value in 0 1 off On yes false; do
    expect_success env "$variable=$value" "$aegan" devices
  done
done

device_error="must be a non-negative integer device index"
expect_error "AEGAN_VK_DEVICE $device_error, got '1x' (see \`aegan-vk devices\`)" \
  env AEGAN_VK_DEVICE=1x "$aegan" devices
expect_error "AEGAN_VK_DEVICE $device_error, got '-1' (see \`aegan-vk devices\`)" \
  env AEGAN_VK_DEVICE=-1 "$aegan" devices
expect_error "--device $device_error, got 'x' (see \`aegan-vk devices\`)" "$aegan" devices --device x
expect_success env AEGAN_VK_DEVICE=0 "$aegan" devices
expect_success "$aegan" devices --device 0
# The flag wins over the variable, but a malformed variable is still an error.
expect_success env AEGAN_VK_DEVICE=0 "$aegan" devices --device 0
expect_error "AEGAN_VK_DEVICE $device_error, got 'one' (see \`aegan-vk devices\`)" \
  env AEGAN_VK_DEVICE=one "$aegan" devices --device 0

expect_error "AEGAN_VK_PACK_CACHE_MIB must be an integer from 0 to 1048576, got '256M'" \
  env AEGAN_VK_PACK_CACHE_MIB=256M "$aegan" devices
expect_error "AEGAN_VK_PACK_CACHE_MIB must be an integer from 0 to 1048576, got '1048577'" \
  env AEGAN_VK_PACK_CACHE_MIB=1048577 "$aegan" devices
expect_success env AEGAN_VK_PACK_CACHE_MIB=0 "$aegan" devices
expect_success env AEGAN_VK_PACK_CACHE_MIB=1048576 "$aegan" devices

# Read by every command, though only an MPI run of `train` uses it.
expect_error "AEGAN_VK_RANK_TIMEOUT must be an integer from 1 to 86400, got '0'" \
  env AEGAN_VK_RANK_TIMEOUT=0 "$aegan" devices
expect_error "AEGAN_VK_RANK_TIMEOUT must be an integer from 1 to 86400, got '1.5'" \
  env AEGAN_VK_RANK_TIMEOUT=1.5 "$aegan" devices
expect_success env AEGAN_VK_RANK_TIMEOUT=86400 "$aegan" devices

# The message goes on to list every kernel name.
expect_error "AEGAN_VK_CONV_VARIANT must be one of ..." \
  env AEGAN_VK_CONV_VARIANT=fastest "$aegan" devices
expect_error "AEGAN_VK_CONV_VARIANT must be one of ..." \
  env AEGAN_VK_CONV_VARIANT=GEMM "$aegan" devices
expect_success env AEGAN_VK_CONV_VARIANT=gemm "$aegan" devices

# Any path is a well-formed cache directory.
expect_success env AEGAN_VK_CACHE_DIR="${TMPDIR:-/tmp}/aegan-vk-options-test" "$aegan" devices

# Empty values count as unset.
expect_success env AEGAN_VK_DEVICE= AEGAN_VK_FP16= AEGAN_VK_PACK_CACHE_MIB= \
  AEGAN_VK_CONV_VARIANT= "$aegan" devices

expect_success "$aegan" devices --no-fp16

if ((failed)); then exit 1; fi
echo "test_options.sh: passed"
