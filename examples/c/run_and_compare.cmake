# cmake -D PROGRAM=... -D ARGUMENTS=a|b -D EXPECTED=golden.txt -P run_and_compare.cmake
# Runs PROGRAM with ARGUMENTS ('|'-separated), fails unless it exits 0 and prints exactly EXPECTED.
string(REPLACE "|" ";" arguments "${ARGUMENTS}")
execute_process(COMMAND "${PROGRAM}" ${arguments}
    RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} exited with ${status}:\n${output}${errors}")
endif()
file(READ "${EXPECTED}" expected)
if(NOT output STREQUAL expected)
    message(FATAL_ERROR "${PROGRAM} printed\n${output}\ninstead of ${EXPECTED}:\n${expected}")
endif()
