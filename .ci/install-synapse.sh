#!/usr/bin/env bash
# Installs Synapse (the Matrix reference homeserver) into <repo>/.synapse-venv for the
# Matrix integration tests. Synapse is AGPL: it lives in its own virtualenv and runs as a
# separate process; our code never imports it. Idempotent: does nothing when the pinned
# version already runs.
set -euo pipefail

SYNAPSE_VERSION="1.163.2"
REPO="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$REPO/.synapse-venv"
PY="$VENV/bin/python"

installed_version() {
    "$PY" -c 'import importlib.metadata as m; print(m.version("matrix-synapse"))' 2>/dev/null || true
}

if [ -x "$PY" ] && [ "$(installed_version)" = "$SYNAPSE_VERSION" ] \
    && "$PY" -c 'import synapse.app.homeserver' >/dev/null 2>&1; then
    echo "synapse $SYNAPSE_VERSION already installed in $VENV"
    exit 0
fi

if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
"$PY" -m pip install -q --disable-pip-version-check --upgrade pip
"$PY" -m pip install -q --disable-pip-version-check "matrix-synapse==$SYNAPSE_VERSION"
"$PY" -c 'import synapse.app.homeserver' >/dev/null
echo "synapse $(installed_version) installed in $VENV"
