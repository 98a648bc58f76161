#!/usr/bin/env bash
# Set up and run JRU Geo's tests on a fresh machine: the README's test command, and what .ci/run runs.
#   - makes .venv with Python 3.11 and installs requirements-dev.txt (pinned)
#   - installs Debian's chromium for the browser test when it is missing and we are root
#     (otherwise the browser test is skipped with a message, unless JRU_REQUIRE_BROWSER=1)
#   - checks lint, formatting and types (ruff, mypy), then runs pytest;
#     pytest's exit code 5 ("no tests collected") is treated as a failure
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser test..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

echo "ruff and mypy..."
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"
