#!/usr/bin/env bash
# Validates every rules file in rules/ with the given matchfund binary; fails if any is invalid.
# The demand models beside them (NAME-demand.yaml, docs/simulate.md) are not rules files.
# Usage: scripts/validate-all-rules.sh path/to/matchfund
set -euo pipefail
binary=${1:?usage: validate-all-rules.sh path/to/matchfund}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
shopt -s nullglob
files=()
for file in rules/*.yaml; do
  [[ "$file" == *-demand.yaml ]] || files+=("$file")
done
if [ ${#files[@]} -eq 0 ]; then
  echo "no rules files in rules/" >&2
  exit 1
fi
"$binary" validate "${files[@]}"
