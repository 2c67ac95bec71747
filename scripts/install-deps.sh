#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build and test aegan-vk. Fast no-op when everything is
# already there, so scripts/test.sh can call it on every run.
set -euo pipefail

# The one list of build and test dependencies; add new ones here.
PACKAGES=(
  # toolchain
  cmake g++ ninja-build pkg-config clang-format
  # Vulkan loader and headers, lavapipe (the CPU device), validation layer, vulkaninfo
  libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers vulkan-tools
  # GLSL -> SPIR-V at build time, and spirv-val/spirv-dis for inspecting shaders
  glslang-tools spirv-tools
  # libraries
  libcli11-dev nlohmann-json3-dev libstb-dev
  # the viewer's window and UI (aegan-vk view), and a virtual display for its test
  libglfw3-dev libimgui-dev xvfb
  # data-parallel training over several processes (aegan-vk train under mpirun)
  libopenmpi-dev openmpi-bin
  # tests
  libgtest-dev libgmock-dev
  # the same model in PyTorch for `aegan-vk bench train --peer` and its test (bench/peer.py);
  # OpenBLAS for PyTorch's CPU matrix products (about 2 minutes to install, 680 MB)
  python3 python3-torch libopenblas0
  # the main job's default data: 881 emoji images (scripts/train-demo.sh)
  libjs-emojify
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  # "ii" is dpkg's "installed and configured"; anything else (absent, half-removed) needs apt.
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
