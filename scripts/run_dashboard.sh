#!/usr/bin/env bash
# Install the runtime requirements and start the dashboard. With no warehouse configured it uses
# the embedded sample warehouse, which the dashboard creates on first start (with a progress bar).
# serve.py is `streamlit run dashboard.py` (same options) that imports the pages and computes the
# first target list while the server starts; `streamlit run dashboard.py` works too, slower to open.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh requirements.txt
exec .venv/bin/python serve.py "$@"
