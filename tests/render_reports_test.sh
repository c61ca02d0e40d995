#!/usr/bin/env bash
# ctest browser.render_reports: writes the report of a golden replay and of the bundled
# simulation fixture, renders each with scripts/render-report.sh at desktop and phone width and
# checks that every picture exists and is not blank. Status 77 (skipped) without Chromium.
#
#   bash tests/render_reports_test.sh MATCHFUND_PROGRAM OUT_DIR     (from the source directory)
set -euo pipefail

program=$1
out=$2
mkdir -p "$out"

"$program" report tests/golden/replay/facebook-givingtuesday-2018 --out "$out/replay.html"
"$program" report tests/data/simulation-output/sweep --out "$out/simulation.html"

for report in replay simulation; do
    status=0
    bash scripts/render-report.sh "$out/$report.html" "$out/$report" || status=$?
    if [[ $status -ne 0 ]]; then exit "$status"; fi
done

# A blank page compresses to a few kilobytes; a page of text and charts does not.
/usr/bin/python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
failed = False
for name in ("replay-desktop", "replay-phone", "simulation-desktop", "simulation-phone"):
    path = os.path.join(out, name + ".png")
    size = os.path.getsize(path) if os.path.exists(path) else 0
    with open(path, "rb") as picture:
        is_png = picture.read(8) == b"\x89PNG\r\n\x1a\n"
    print(f"{path}: {size} bytes")
    if not is_png or size <= 10_000:
        print(f"{path}: missing, not a PNG or blank", file=sys.stderr)
        failed = True
sys.exit(1 if failed else 0)
PY
