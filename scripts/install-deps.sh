#!/usr/bin/env bash
# Installs the Debian packages matchfund needs to build and test. Idempotent: when everything
# is already installed it only checks, without touching apt.
#
#   bash scripts/install-deps.sh            # the packages below
#   bash scripts/install-deps.sh clang      # ... plus extra packages
set -euo pipefail

packages=(
    libboost1.81-dev
    libboost-program-options1.81-dev
    libboost-json1.81-dev
    libfmt-dev
    libyaml-cpp-dev
    catch2
    libssl-dev
    cmake
    g++
    make
    pkg-config
    # the Python module (docs/python.md) and its tests, for Debian's /usr/bin/python3
    python3-dev
    pybind11-dev
    python3-numpy
    python3-pandas
    python3-pytest
    python3-distributed
    python3-matplotlib
    # scripts/render-report.sh (the browser tests): a headless browser, and a font with 万 and 亿
    chromium
    fonts-wqy-microhei
    "$@"
)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: dpkg-query not found (not Debian?); install these yourself: ${packages[*]}"
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "install-deps: not root and sudo not found; install these yourself: ${missing[*]}" >&2
        exit 1
    fi
    sudo=(sudo)
fi

echo "install-deps: missing: ${missing[*]}"
echo "install-deps: apt-get update"
"${sudo[@]}" apt-get update -qq
echo "install-deps: apt-get install ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
