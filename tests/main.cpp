// The test runner's main(); the test cases live in the other files of tests/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
