#!/usr/bin/env bash
# The main job on the bundled examples: installs what is missing, builds the matchfund CLI,
# validates every rules file in rules/ (printing each one's summary), runs their embedded tests,
# and replays the worked example's events into build/example-output/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMATCHFUND_BUILD_TESTS=OFF -DMATCHFUND_BUILD_BENCH=OFF \
  -DMATCHFUND_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build --target matchfund_cli -j"$(nproc)"
bash scripts/validate-all-rules.sh build/matchfund
for rules in rules/*.yaml; do
  if grep -q '^tests:' "$rules"; then
    echo "== matchfund test $rules"
    build/matchfund test "$rules"
  fi
done
echo "== matchfund replay rules/spec-worked-example.yaml rules/spec-worked-example-events.csv"
build/matchfund replay rules/spec-worked-example.yaml rules/spec-worked-example-events.csv \
  --out build/example-output --trace
echo "outputs in build/example-output: $(cd build/example-output && ls | tr '\n' ' ')"
