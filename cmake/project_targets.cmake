# add_service(name dir): <name>_lib (everything but the main.cpp files), the <name> executable,
# and one executable per tool folder of the service: <dir>/<tool>/main.cpp -> <tool>.
function(add_service name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(sources)
    add_library(${name}_lib STATIC ${sources})
  else()
    add_library(${name}_lib INTERFACE)
  endif()
  set(uses core)
  if(DEFINED SERVICE_USES_${name})
    set(uses ${SERVICE_USES_${name}})
  endif()
  if(sources)
    target_compile_options(${name}_lib PRIVATE ${PROJECT_WARNINGS})
    target_link_libraries(${name}_lib PUBLIC ${uses})
  else()
    target_link_libraries(${name}_lib INTERFACE ${uses})
  endif()
  # A service's static/ and templates/ folders are compiled in: <name>_assets() and
  # <name>_templates() in generated sources.
  foreach(kind static templates)
    if(EXISTS ${dir}/${kind})
      if(kind STREQUAL "static")
        set(symbol ${name}_assets)
      else()
        set(symbol ${name}_templates)
      endif()
      file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/${kind}/*)
      set(generated ${CMAKE_BINARY_DIR}/generated/${symbol}.cpp)
      add_custom_command(OUTPUT ${generated}
        COMMAND ${CMAKE_COMMAND} -DOUT=${generated} -DNAME=${symbol} "-DFILES=${files}"
                -DBASE=${dir}/${kind} -P ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
        DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
        VERBATIM
        COMMENT "Embedding ${name}/${kind}")
      target_sources(${name}_lib PRIVATE ${generated})
    endif()
  endforeach()
  add_executable(${name} ${dir}/main.cpp)
  target_compile_options(${name} PRIVATE ${PROJECT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${name}_lib)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  file(GLOB tool_mains CONFIGURE_DEPENDS ${dir}/*/main.cpp)
  foreach(tool_main ${tool_mains})
    get_filename_component(tool_dir ${tool_main} DIRECTORY)
    get_filename_component(tool ${tool_dir} NAME)
    add_executable(${tool} ${tool_main})
    target_compile_options(${tool} PRIVATE ${PROJECT_WARNINGS})
    target_link_libraries(${tool} PRIVATE ${name}_lib)
    set_target_properties(${tool} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
  endforeach()
endfunction()

# Every ctest test has a time limit, so a hang costs minutes, never CI's limit. The default is
# more than ten times the slowest test's time on a loaded 2-core machine under the sanitizers
# (TEST_TIMEOUT to change it for a build).
set(TEST_TIMEOUT 60 CACHE STRING "ctest TIMEOUT (seconds) of every GoogleTest test")
set(SLOW_TEST_TIMEOUT 600 CACHE STRING "ctest TIMEOUT (seconds) of the tests named SLOW")

# add_test_suite(target label sources... [TIMEOUT seconds] [SLOW test...]): one GoogleTest
# executable registered with ctest. TIMEOUT replaces TEST_TIMEOUT for the whole suite; the
# tests listed after SLOW (full names or gtest patterns, e.g. Task.TenMillion*) get
# SLOW_TEST_TIMEOUT instead.
function(add_test_suite target label)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "TIMEOUT" "SLOW")
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT ${TEST_TIMEOUT})
  endif()
  add_executable(${target} ${arg_UNPARSED_ARGUMENTS})
  target_compile_options(${target} PRIVATE ${PROJECT_WARNINGS})
  target_link_libraries(${target} PRIVATE core GTest::gtest GTest::gmock)
  if(arg_SLOW)
    list(JOIN arg_SLOW ":" slow)
    gtest_discover_tests(${target} TEST_FILTER "-${slow}" DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${label} TIMEOUT ${arg_TIMEOUT})
    gtest_discover_tests(${target} TEST_FILTER "${slow}" DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${label} TIMEOUT ${SLOW_TEST_TIMEOUT})
  else()
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60
      PROPERTIES LABELS ${label} TIMEOUT ${arg_TIMEOUT})
  endif()
endfunction()
