# Sourced by the tests that compare with PyTorch: sets $python to an interpreter that imports
# torch, or skips the test (exit 77) with the reason; then gives the test a folder $work,
# removed when it exits.
python=
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c "import torch" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [[ -z $python ]]; then
  echo "SKIP: PyTorch is not installed (Debian 12: apt-get install python3-torch libopenblas0)"
  exit 77
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
