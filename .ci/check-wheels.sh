#!/usr/bin/env bash
# The runtime dependencies resolve to wheels for Windows x64, macOS arm64 and Linux x86_64 (glibc 2.28+),
# CPython 3.11 and 3.12: see .ci/check_wheels.py. Arguments narrow it, e.g. `win_amd64 3.12`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" .ci/check_wheels.py "$@"
