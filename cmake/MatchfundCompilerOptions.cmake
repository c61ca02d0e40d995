# Compiler settings shared by every target matchfund builds itself.
#
# Warnings are applied per target (never through add_compile_options) so that a project
# which pulls matchfund in with add_subdirectory keeps its own warning policy, and so that
# third-party code is never compiled with our -Werror.

set(MATCHFUND_WARNING_FLAGS
    -Wall
    -Wextra
    -Wpedantic
    -Wconversion
    -Wsign-conversion
    -Wshadow
)

# Adds matchfund's warning flags (and -Werror when MATCHFUND_WERROR is on) to TARGET.
function(matchfund_target_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE ${MATCHFUND_WARNING_FLAGS})
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            # GCC's -Wmaybe-uninitialized (part of -Wall) reports false positives on copies
            # of engaged std::optional values at -O2/-O3 (GCC 12 on fully initialized
            # types). Definite cases stay covered by -Wuninitialized and by Clang's build.
            target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
            # GCC 12's -Wrestrict reports impossible overlaps inside std::string's operator+
            # when inlined at -O2/-O3 (GCC bug 105329), in code that only concatenates strings.
            if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
                target_compile_options(${target} PRIVATE -Wno-restrict)
            endif()
        endif()
        if(MATCHFUND_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    elseif(MSVC)
        target_compile_options(${target} PRIVATE /W4 /permissive-)
        if(MATCHFUND_WERROR)
            target_compile_options(${target} PRIVATE /WX)
        endif()
    endif()
endfunction()

# MATCHFUND_SANITIZE (for example "address,undefined") instruments everything compiled in
# matchfund's directories, tests included. Directory-level on purpose: a sanitized library
# linked into an uninstrumented test binary would miss most of what the sanitizers find.
function(matchfund_enable_sanitizers sanitizers)
    if(sanitizers STREQUAL "")
        return()
    endif()
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        message(FATAL_ERROR "MATCHFUND_SANITIZE is supported with GCC and Clang only")
    endif()
    set(flags -fsanitize=${sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_compile_options(${flags})
    add_link_options(${flags})
    message(STATUS "matchfund: sanitizers enabled: ${sanitizers}")
endfunction()
