# dnsd_target_warnings(target): the one list of warning flags (and sanitizers) for our own targets.
function(dnsd_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wold-style-cast -Wnon-virtual-dtor -Wnull-dereference
    # GCC 12 also warns when designated initializers leave members to their defaults, which is
    # the point of default member initializers (GCC 13 no longer does).
    -Wno-missing-field-initializers)
  if(DNSD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(DNSD_ASSERTIONS OR CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_definitions(${target} PRIVATE _GLIBCXX_ASSERTIONS)
  endif()
  if(DNSD_FUZZ)
    # Coverage feedback for libFuzzer from every library, not only the fuzz target itself.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(DNSD_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${DNSD_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=${DNSD_SANITIZE})
  endif()
endfunction()

# dnsd_add_test(name LABEL unit|e2e SOURCES ... LIBS ...): one GoogleTest executable, registered with CTest.
function(dnsd_add_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LABEL)
    set(T_LABEL unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    DNSD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    DNSD_BINARY_DIR="${PROJECT_BINARY_DIR}")
  dnsd_target_warnings(${name})
  gtest_discover_tests(${name} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
                       DISCOVERY_TIMEOUT 60)
endfunction()
