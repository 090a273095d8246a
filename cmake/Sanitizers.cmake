# Sanitizer builds (CI's ASan + UBSan and TSan jobs, docs/CI.md). Every target of the build is
# instrumented, tests and the growthlens binary the tests run alike. -O1 keeps the instrumented
# tests fast enough while line tables keep the reports readable.
set(GROWTHLENS_SANITIZE "" CACHE STRING
    "Sanitizer build: 'address' (ASan + UBSan with float-cast-overflow, no recovery), 'thread' (TSan) or empty")
set_property(CACHE GROWTHLENS_SANITIZE PROPERTY STRINGS "" address thread)

if(GROWTHLENS_SANITIZE STREQUAL "")
  return()
elseif(GROWTHLENS_SANITIZE STREQUAL "address")
  set(_sanitize_flags -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all)
elseif(GROWTHLENS_SANITIZE STREQUAL "thread")
  set(_sanitize_flags -fsanitize=thread)
else()
  message(FATAL_ERROR "GROWTHLENS_SANITIZE='${GROWTHLENS_SANITIZE}': expected address, thread or empty")
endif()

if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(_sanitize_debug -gline-tables-only)
else()
  set(_sanitize_debug -g1)
endif()
add_compile_options(${_sanitize_flags} -O1 ${_sanitize_debug} -fno-omit-frame-pointer)
add_link_options(${_sanitize_flags})
message(STATUS "GrowthLens: ${GROWTHLENS_SANITIZE} sanitizer build (${_sanitize_flags})")
