# add_service(name dir): <name>_lib (everything but main.cpp) and the <name> executable.
function(add_service name dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(sources)
    add_library(${name}_lib STATIC ${sources})
  else()
    add_library(${name}_lib INTERFACE)
  endif()
  if(sources)
    target_compile_options(${name}_lib PRIVATE ${PROJECT_WARNINGS})
    target_link_libraries(${name}_lib PUBLIC core)
  else()
    target_link_libraries(${name}_lib INTERFACE core)
  endif()
  # A service's static/ folder is compiled in: <name>_assets() in the generated source.
  if(EXISTS ${dir}/static)
    file(GLOB_RECURSE assets CONFIGURE_DEPENDS ${dir}/static/*)
    set(generated ${CMAKE_BINARY_DIR}/generated/${name}_assets.cpp)
    add_custom_command(OUTPUT ${generated}
      COMMAND ${CMAKE_COMMAND} -DOUT=${generated} -DNAME=${name}_assets "-DFILES=${assets}"
              -DBASE=${dir}/static -P ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
      DEPENDS ${assets} ${CMAKE_SOURCE_DIR}/cmake/embed_assets.cmake
      VERBATIM
      COMMENT "Embedding ${name}/static")
    target_sources(${name}_lib PRIVATE ${generated})
  endif()
  add_executable(${name} ${dir}/main.cpp)
  target_compile_options(${name} PRIVATE ${PROJECT_WARNINGS})
  target_link_libraries(${name} PRIVATE ${name}_lib)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# add_test_suite(target label sources...): one GoogleTest executable registered with ctest.
function(add_test_suite target label)
  add_executable(${target} ${ARGN})
  target_compile_options(${target} PRIVATE ${PROJECT_WARNINGS})
  target_link_libraries(${target} PRIVATE core GTest::gtest GTest::gmock)
  gtest_discover_tests(${target} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()
