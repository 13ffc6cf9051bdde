# promotel_module(<name> [DEPS targets...] [TEST_DEPS targets...] [SOURCES extra...])
#
# One folder of lib/ is one module: every *.cc except *_test.cc goes into the static
# library promotel_<name>; every *_test.cc goes into the GoogleTest program <name>_test,
# registered with CTest and run from the source root (so tests can read ../shared/testdata).
function(promotel_module name)
  cmake_parse_arguments(M "" "" "DEPS;TEST_DEPS;SOURCES" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  if(tests)
    list(REMOVE_ITEM srcs ${tests})
  endif()
  if(srcs OR M_SOURCES)
    add_library(promotel_${name} STATIC ${srcs} ${M_SOURCES})
    target_include_directories(promotel_${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
    target_link_libraries(promotel_${name} PUBLIC ${M_DEPS})
  else()  # a header-only module
    add_library(promotel_${name} INTERFACE)
    target_include_directories(promotel_${name} INTERFACE ${PROJECT_SOURCE_DIR}/lib)
    target_link_libraries(promotel_${name} INTERFACE ${M_DEPS})
  endif()
  if(tests)
    add_executable(${name}_test ${tests})
    target_link_libraries(${name}_test PRIVATE promotel_${name} ${M_TEST_DEPS} GTest::gmock GTest::gtest_main)
    gtest_discover_tests(${name}_test
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      DISCOVERY_TIMEOUT 120
      PROPERTIES LABELS unit)
  endif()
endfunction()

# promotel_tool(<name> DEPS targets...): tools/<name>/*.cc into the binary <name>.
function(promotel_tool name)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${T_DEPS})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
  if(EXISTS ${PROJECT_SOURCE_DIR}/man/${name}.1)
    install(FILES ${PROJECT_SOURCE_DIR}/man/${name}.1 DESTINATION share/man/man1)
  endif()
endfunction()

# promotel_e2e_test(<name> <script>): an end-to-end test of the real binaries, written in
# Python (Debian's /usr/bin/python3, whose modules include prometheus_client).
function(promotel_e2e_test name script)
  add_test(NAME e2e.${name}
    COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/${script}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(e2e.${name} PROPERTIES
    LABELS e2e
    TIMEOUT 300
    ENVIRONMENT "PROMOTEL_BIN=${CMAKE_BINARY_DIR}/bin;PROMOTEL_SOURCE=${PROJECT_SOURCE_DIR};PYTHONDONTWRITEBYTECODE=1")
endfunction()

# promotel_proto_library(<target> <proto_root>): C++ from every .proto below proto_root
# (our own schema files), compiled into a static library whose headers are included by their
# import path, e.g. "opentelemetry/proto/metrics/v1/metrics.pb.h".
function(promotel_proto_library target proto_root)
  file(GLOB_RECURSE protos RELATIVE ${proto_root} CONFIGURE_DEPENDS ${proto_root}/*.proto)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out})
  set(srcs)
  foreach(proto IN LISTS protos)
    string(REGEX REPLACE "\\.proto$" "" base ${proto})
    add_custom_command(
      OUTPUT ${out}/${base}.pb.cc ${out}/${base}.pb.h
      COMMAND protobuf::protoc --cpp_out=${out} -I${proto_root} -I${Protobuf_INCLUDE_DIRS} ${proto_root}/${proto}
      DEPENDS ${proto_root}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${out}/${base}.pb.cc)
  endforeach()
  add_library(${target} STATIC ${srcs})
  target_include_directories(${target} SYSTEM PUBLIC ${out})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
  target_compile_options(${target} PRIVATE -w)
endfunction()
