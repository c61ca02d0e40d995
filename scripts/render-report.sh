#!/usr/bin/env bash
# Renders a report (an HTML file of `matchfund report`) to PNG pictures with a headless Chromium,
# at a desktop size and at a phone's width, to look at what a reader sees.
#
#   bash scripts/render-report.sh REPORT.html [OUT_PREFIX]
#       writes OUT_PREFIX-desktop.png and OUT_PREFIX-phone.png (OUT_PREFIX: REPORT without .html)
#
# Environment: DESKTOP_SIZE (default 1280,2400) and PHONE_SIZE (default 390,2400) as WIDTH,HEIGHT
# in CSS pixels; the picture is the top HEIGHT pixels of the page. CHROMIUM names the browser.
# Exit status: 0 rendered; 2 bad usage or a failed rendering; 77 Chromium is not installed (ctest
# counts the test as skipped).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,11p' "${BASH_SOURCE[0]}"
    exit 2
fi
report=$1
if [[ ! -f "$report" ]]; then
    echo "render-report: no such file: $report" >&2
    exit 2
fi
prefix=${2:-${report%.html}}

chromium=${CHROMIUM:-}
if [[ -z "$chromium" ]]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then chromium=$candidate; break; fi
    done
fi
if [[ -z "$chromium" ]]; then
    echo "render-report: chromium not installed (Debian: apt-get install chromium); nothing rendered"
    exit 77
fi

absolute=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# render SIZE OUT.png: one picture, in a fresh profile, with nothing fetched from the network.
render() {
    local size=$1 picture=$2
    rm -f "$picture"
    # --no-sandbox: Chromium refuses to run as root otherwise (containers, CI).
    if ! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$profile" --no-first-run --disable-extensions --disable-background-networking \
        --window-size="$size" --screenshot="$picture" "file://$absolute" >/dev/null 2>&1; then
        echo "render-report: $chromium failed to render $report at $size" >&2
        exit 2
    fi
    if [[ ! -s "$picture" ]]; then
        echo "render-report: $chromium wrote no picture for $report at $size" >&2
        exit 2
    fi
    echo "render-report: $picture"
}

render "${DESKTOP_SIZE:-1280,2400}" "$prefix-desktop.png"
render "${PHONE_SIZE:-390,2400}" "$prefix-phone.png"
