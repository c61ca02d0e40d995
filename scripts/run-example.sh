#!/usr/bin/env bash
# The main job on the bundled examples: installs what is missing, builds the matchfund CLI,
# validates every rules file in rules/ (printing each one's summary), runs their embedded tests,
# generates 100,000 donations for the bundled Tencent-style campaign and replays them into
# build/example-output/, printing the summary.
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
echo "== matchfund generate rules/tencent-99-2018.yaml --donations 100000 --seed 2018"
build/matchfund generate rules/tencent-99-2018.yaml --donations 100000 --seed 2018 --out build/tencent-99-2018-events.csv
echo "== matchfund replay rules/tencent-99-2018.yaml build/tencent-99-2018-events.csv --out build/example-output"
build/matchfund replay rules/tencent-99-2018.yaml build/tencent-99-2018-events.csv --out build/example-output --trace
echo "outputs in build/example-output: $(cd build/example-output && ls | tr '\n' ' ')"
