#!/usr/bin/env bash
# Installs the official Labelbox and Avala Python SDKs into a scratch virtual environment
# and prints the variable that makes export-gateway-benchmarks run them side by side:
#     eval "$(scripts/sdk-benchmarks/setup.sh)"
#     swift run -c release export-gateway-benchmarks stream paging
set -euo pipefail
venv="${EXPORT_GATEWAY_SDK_VENV:-$HOME/.cache/export-gateway/sdk-venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet labelbox==7.17.0 avala==0.10.0 >&2
fi
echo "export EXPORT_GATEWAY_SDK_PYTHON=$venv/bin/python"
