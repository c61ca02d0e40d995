# Driven by tests/packaging/CMakeLists.txt:
#   cmake -D MODE=find_package|add_subdirectory -D SOURCE_DIR=... -D WORK_DIR=...
#         -D GENERATOR=... -D MAKE_PROGRAM=... -D CXX_COMPILER=... -D BUILD_TYPE=...
#         -D JOBS=... -D EXPECTED_VERSION=... [-D CONSUMER_ARGS=a|b] -P run_packaging_test.cmake
# Builds examples/consumer against matchfund, runs it with CONSUMER_ARGS ('|'-separated) and
# checks that it succeeds and prints the version.

foreach(required MODE SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER EXPECTED_VERSION)
    if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
        message(FATAL_ERROR "run_packaging_test.cmake: ${required} is not set")
    endif()
endforeach()
if(NOT MODE MATCHES "^(find_package|add_subdirectory)$")
    message(FATAL_ERROR "run_packaging_test.cmake: unknown MODE '${MODE}'")
endif()
if(NOT JOBS)
    set(JOBS 2)
endif()

# Every run starts from nothing, so a stale install or cache cannot make it pass.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(common_options -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
if(MAKE_PROGRAM)
    list(APPEND common_options "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(BUILD_TYPE)
    list(APPEND common_options "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
    set(config_option --config "${BUILD_TYPE}")
else()
    set(config_option "")
endif()
# Never pick up a matchfund registered elsewhere on this machine.
list(APPEND common_options
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
    -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON)

# Runs one step; on failure prints its output and stops the test.
function(run_step description)
    message(STATUS "packaging.${MODE}: ${description}")
    execute_process(COMMAND ${ARGN}
        WORKING_DIRECTORY "${WORK_DIR}"
        RESULT_VARIABLE result
        OUTPUT_VARIABLE output
        ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message("${output}")
        message(FATAL_ERROR "packaging.${MODE}: ${description} failed (${result})")
    endif()
    set(step_output "${output}" PARENT_SCOPE)
endfunction()

set(consumer_source "${SOURCE_DIR}/examples/consumer")
set(consumer_build "${WORK_DIR}/consumer-build")

if(MODE STREQUAL "find_package")
    set(matchfund_build "${WORK_DIR}/matchfund-build")
    set(prefix "${WORK_DIR}/prefix")
    run_step("configure matchfund"
        ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${matchfund_build}" ${common_options}
            "-DCMAKE_INSTALL_PREFIX=${prefix}"
            -DMATCHFUND_BUILD_TESTS=OFF
            -DMATCHFUND_BUILD_BENCH=OFF
            -DMATCHFUND_BUILD_EXAMPLES=OFF
            -DMATCHFUND_WERROR=OFF
            -DMATCHFUND_SANITIZE=)
    run_step("build matchfund"
        ${CMAKE_COMMAND} --build "${matchfund_build}" --parallel ${JOBS} ${config_option})
    run_step("install matchfund"
        ${CMAKE_COMMAND} --install "${matchfund_build}" ${config_option})

    file(GLOB config_files "${prefix}/lib*/cmake/matchfund/matchfundConfig.cmake")
    file(GLOB version_files "${prefix}/lib*/cmake/matchfund/matchfundConfigVersion.cmake")
    foreach(installed
            "${prefix}/include/matchfund/version.hpp"
            "${prefix}/include/matchfund/matchfund.h"
            "${prefix}/bin/matchfund"
            "${config_files}"
            "${version_files}")
        if(installed STREQUAL "" OR NOT EXISTS "${installed}")
            message(FATAL_ERROR "packaging.${MODE}: missing from the install: ${installed}")
        endif()
    endforeach()

    # A C host built with pkg-config alone: examples/c/checkout.c against the installed prefix.
    file(GLOB pc_dirs "${prefix}/lib*/pkgconfig")
    find_program(pkg_config pkg-config REQUIRED)
    find_program(c_compiler NAMES cc gcc clang REQUIRED)
    set(ENV{PKG_CONFIG_PATH} "${pc_dirs}")
    run_step("pkg-config --cflags --libs matchfund" "${pkg_config}" --cflags --libs matchfund)
    string(STRIP "${step_output}" pc_flags)
    separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
    run_step("build the C example with pkg-config"
        "${c_compiler}" -std=c99 -Wall -Wextra -Werror "${SOURCE_DIR}/examples/c/checkout.c" ${pc_flags}
            -o "${WORK_DIR}/checkout")
    run_step("run the C example"
        "${WORK_DIR}/checkout" "${SOURCE_DIR}/rules/bigive-christmas-challenge.yaml" "${WORK_DIR}/checkout.snapshot")
    file(READ "${SOURCE_DIR}/tests/golden/c/checkout.txt" expected_checkout)
    if(NOT step_output STREQUAL expected_checkout)
        message(FATAL_ERROR "packaging.${MODE}: the C example printed\n${step_output}\nnot tests/golden/c/checkout.txt")
    endif()

    run_step("configure the consumer with find_package"
        ${CMAKE_COMMAND} -S "${consumer_source}" -B "${consumer_build}" ${common_options}
            "-DCMAKE_PREFIX_PATH=${prefix}")
    # The consumer must have found the package just installed, not another copy.
    file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^matchfund_DIR:")
    string(FIND "${found_dir}" "${prefix}/" position)
    if(position EQUAL -1)
        message(FATAL_ERROR "packaging.${MODE}: consumer found matchfund elsewhere: ${found_dir}")
    endif()
else()
    run_step("configure the consumer with add_subdirectory"
        ${CMAKE_COMMAND} -S "${consumer_source}" -B "${consumer_build}" ${common_options}
            "-DMATCHFUND_SOURCE_DIR=${SOURCE_DIR}")
endif()

run_step("build the consumer"
    ${CMAKE_COMMAND} --build "${consumer_build}" --parallel ${JOBS} ${config_option})

find_program(consumer_program matchfund_consumer
    PATHS "${consumer_build}" "${consumer_build}/${BUILD_TYPE}"
    NO_DEFAULT_PATH)
if(NOT consumer_program)
    message(FATAL_ERROR "packaging.${MODE}: the consumer program was not built")
endif()
string(REPLACE "|" ";" consumer_args "${CONSUMER_ARGS}")
run_step("run the consumer" "${consumer_program}" ${consumer_args})
string(FIND "${step_output}" "${EXPECTED_VERSION}" position)
if(position EQUAL -1)
    message(FATAL_ERROR
        "packaging.${MODE}: the consumer printed '${step_output}', expected version ${EXPECTED_VERSION}")
endif()
# With the worked example it also loaded a rules file through the installed library.
if(CONSUMER_ARGS MATCHES "spec-worked-example.yaml" AND
   NOT step_output MATCHES "worked-example: 3 projects, 1 funds, 1 rules")
    message(FATAL_ERROR "packaging.${MODE}: the consumer did not load the worked example: '${step_output}'")
endif()
message(STATUS "packaging.${MODE}: the consumer printed: ${step_output}")
