# core_<folder>: one static library per folder of core/, linking only the core folders and the
# C library it uses (wire is open to every part), so the build graph states the architecture
# and a service links what it uses: frontend carries neither libpq, libmongoc nor librabbitmq.
# A new folder of core/ says what it uses here.
set(CORE_USES_log     fmt::fmt)
set(CORE_USES_metrics fmt::fmt)
set(CORE_USES_config  core_log)
set(CORE_USES_runtime core_log core_metrics PkgConfig::LIBUV Threads::Threads)
set(CORE_USES_net     core_runtime)
set(CORE_USES_http    core_net core_metrics core_trace PkgConfig::SODIUM)
set(CORE_USES_http2   PkgConfig::NGHTTP2)
set(CORE_USES_grpc    core_http2 core_net core_config core_trace)
set(CORE_USES_rpc     core_net core_metrics)
set(CORE_USES_pg      core_net core_metrics PkgConfig::LIBPQ)
set(CORE_USES_mongo   core_runtime PkgConfig::MONGOC)
set(CORE_USES_amqp    core_runtime core_metrics PkgConfig::RABBITMQ)
set(CORE_USES_smtp    core_net OpenSSL::SSL OpenSSL::Crypto)
set(CORE_USES_service core_http core_config core_metrics core_trace)
# Spans are exported over the HTTP client, and the HTTP server makes spans: the one cycle.
set(CORE_USES_trace   core_http core_metrics)

file(GLOB CORE_DIRS LIST_DIRECTORIES true CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/core/*)
set(CORE_PARTS "")
foreach(dir ${CORE_DIRS})
  if(NOT IS_DIRECTORY ${dir})
    continue()
  endif()
  get_filename_component(part ${dir} NAME)
  if(NOT DEFINED CORE_USES_${part})
    message(FATAL_ERROR "core/${part}: say what it uses in cmake/core_targets.cmake (CORE_USES_${part})")
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  add_library(core_${part} STATIC ${sources})
  target_compile_options(core_${part} PRIVATE ${PROJECT_WARNINGS})
  # The C libraries are public: the folders' headers include them.
  target_link_libraries(core_${part} PUBLIC wire ${CORE_USES_${part}})
  list(APPEND CORE_PARTS core_${part})
endforeach()

# core: all of it, for the tests and benchmarks.
add_library(core INTERFACE)
target_link_libraries(core INTERFACE ${CORE_PARTS})
