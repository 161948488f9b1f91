#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of `curhat serve` (tests/integration/test_serve_browser.py),
# which Playwright drives at /usr/bin/chromium (Playwright's own browser download is never used).
# Idempotent: does nothing when chromium already starts. Needs root, or sudo without a password.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1; then
    echo "chromium already installed: $("$CHROMIUM" --version 2>/dev/null)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "install-browser: installing chromium needs root or password-less sudo (apt-get install chromium)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_get() {
    # another apt (an unattended upgrade) may hold the lock for a while: wait for it rather than fail
    "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 -q "$@"
}
for attempt in 1 2 3; do
    if apt_get update >/dev/null && apt_get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null; then
        break
    fi
    if [ "$attempt" -eq 3 ]; then
        echo "install-browser: apt-get install chromium failed three times" >&2
        exit 1
    fi
    sleep $((attempt * 10))
done
"$CHROMIUM" --headless --no-sandbox --version >/dev/null
echo "chromium installed: $("$CHROMIUM" --version 2>/dev/null)"
