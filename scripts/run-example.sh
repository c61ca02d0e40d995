#!/usr/bin/env bash
# The main job on the bundled examples: installs what is missing, builds the matchfund CLI and
# validates every rules file in rules/, printing each one's summary.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMATCHFUND_BUILD_TESTS=OFF -DMATCHFUND_BUILD_BENCH=OFF \
  -DMATCHFUND_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build --target matchfund_cli -j"$(nproc)"
bash scripts/validate-all-rules.sh build/matchfund
