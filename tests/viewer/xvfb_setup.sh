# Sourced by the viewer's Xvfb tests: skips (exit 77, the ctest skip code) without Xvfb, and makes
# a work folder $work that is removed on exit.
if ! command -v xvfb-run >/dev/null || ! command -v Xvfb >/dev/null; then
  echo "SKIP: xvfb-run/Xvfb not installed (apt-get install xvfb)"
  exit 77
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
