#!/usr/bin/env bash
# Builds matchfund and runs its tests.
#
#   bash scripts/test.sh                  # build/          Release, warnings are errors
#   bash scripts/test.sh --sanitize       # build-sanitize/ Debug, address+undefined sanitizers
#   bash scripts/test.sh --sanitize=thread -- -R thread   # build-tsan/ the thread contract's tests
#   bash scripts/test.sh --clang          # build-clang/    Release with clang++
#   bash scripts/test.sh -- -LE packaging # arguments after -- go to ctest
#
# Environment: MATCHFUND_SANITIZE=address,undefined (or another list) implies --sanitize with
# those sanitizers; MATCHFUND_BUILD_DIR overrides the build directory; JOBS the parallelism;
# MATCHFUND_SKIP_DEPS=1 skips scripts/install-deps.sh.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

sanitize="${MATCHFUND_SANITIZE:-}"
use_clang=0
ctest_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sanitize) sanitize="${sanitize:-address,undefined}" ;;
        --sanitize=*) sanitize="${1#--sanitize=}" ;;
        --clang) use_clang=1 ;;
        --) shift; ctest_args=("$@"); break ;;
        -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "test.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

extra_packages=()
if [[ $use_clang -eq 1 ]] && ! command -v clang++ >/dev/null 2>&1; then
    extra_packages+=(clang)
fi
if [[ "${MATCHFUND_SKIP_DEPS:-0}" != 1 ]]; then
    bash scripts/install-deps.sh "${extra_packages[@]}"
fi

jobs="${JOBS:-$(nproc)}"
# Every option explicitly: the build directory may have been configured before with some off
# (scripts/run-example.sh shares build/).
configure_args=(-DMATCHFUND_WERROR=ON -DMATCHFUND_BUILD_TESTS=ON -DMATCHFUND_BUILD_BENCH=ON
                -DMATCHFUND_BUILD_EXAMPLES=ON -DMATCHFUND_BUILD_CLI=ON -DMATCHFUND_INSTALL=ON)
if [[ -n "$sanitize" ]]; then
    # The Python module is left out: an interpreter would need the sanitizer's runtime preloaded.
    configure_args+=(-DMATCHFUND_BUILD_PYTHON=OFF)
    # ThreadSanitizer cannot be combined with AddressSanitizer: a tree of its own.
    if [[ "$sanitize" == *thread* ]]; then build_dir=build-tsan; else build_dir=build-sanitize; fi
    # _GLIBCXX_ASSERTIONS adds bounds checks to the standard library containers.
    configure_args+=(-DCMAKE_BUILD_TYPE=Debug "-DMATCHFUND_SANITIZE=$sanitize"
                     "-DCMAKE_CXX_FLAGS=-D_GLIBCXX_ASSERTIONS")
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
else
    build_dir=build
    configure_args+=(-DCMAKE_BUILD_TYPE=Release -DMATCHFUND_SANITIZE=)
    # The Python module, for Debian's interpreter (the one that sees python3-pandas and the rest,
    # whatever `python3` on PATH is).
    configure_args+=(-DMATCHFUND_BUILD_PYTHON=ON)
    if [[ -x /usr/bin/python3 ]]; then configure_args+=(-DPython_EXECUTABLE=/usr/bin/python3); fi
fi
if [[ $use_clang -eq 1 ]]; then
    build_dir="${build_dir}-clang"
    configure_args+=(-DCMAKE_CXX_COMPILER=clang++)
fi
build_dir="${MATCHFUND_BUILD_DIR:-$build_dir}"

echo "test.sh: configure $build_dir"
cmake -S . -B "$build_dir" "${configure_args[@]}"
echo "test.sh: build $build_dir (-j$jobs)"
cmake --build "$build_dir" --parallel "$jobs"
echo "test.sh: test $build_dir"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$jobs" "${ctest_args[@]}"
