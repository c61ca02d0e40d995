// Shows the shape of a compile-fail test (see CMakeLists.txt in this directory): the public
// header is usable, but assigning to one of its constants is rejected by the compiler.
#include <matchfund/version.hpp>

int main() {
#ifndef MATCHFUND_COMPILE_FAIL_CONTROL
    matchfund::rules_format_version = 2;  // must not compile: the constant is constexpr
#endif
    return matchfund::rules_format_version == 1 ? 0 : 1;
}
