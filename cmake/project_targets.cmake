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
  if(sources)
    target_compile_options(${name}_lib PRIVATE ${PROJECT_WARNINGS})
    target_link_libraries(${name}_lib PUBLIC core)
  else()
    target_link_libraries(${name}_lib INTERFACE core)
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

# add_test_suite(target label sources...): one GoogleTest executable registered with ctest.
function(add_test_suite target label)
  add_executable(${target} ${ARGN})
  target_compile_options(${target} PRIVATE ${PROJECT_WARNINGS})
  target_link_libraries(${target} PRIVATE core GTest::gtest GTest::gmock)
  gtest_discover_tests(${target} PROPERTIES LABELS ${label} DISCOVERY_TIMEOUT 60)
endfunction()
