# Protobuf code for Quiver's own messages (proto/*.proto) and for libpg_query's parse
# tree. pg_query.pb.cc is large (about a minute to compile), so it has its own target
# that rarely rebuilds.
find_package(Protobuf 3.21 REQUIRED)

set(QUIVER_PROTO_OUT "${CMAKE_BINARY_DIR}/generated")
file(MAKE_DIRECTORY "${QUIVER_PROTO_OUT}/pg_query")

# quiver_generate_proto(<out-var> <proto-file> <import-dir> <out-dir>)
function(quiver_generate_proto out_var proto import_dir out_dir)
  get_filename_component(stem "${proto}" NAME_WE)
  set(cc "${out_dir}/${stem}.pb.cc")
  set(h "${out_dir}/${stem}.pb.h")
  add_custom_command(
    OUTPUT "${cc}" "${h}"
    COMMAND protobuf::protoc --cpp_out=${out_dir} -I${import_dir} "${proto}"
    DEPENDS "${proto}" protobuf::protoc
    COMMENT "protoc ${stem}.proto"
    VERBATIM)
  set(${out_var} "${cc}" PARENT_SCOPE)
endfunction()

# libpg_query's parse tree.
find_path(PG_QUERY_INCLUDE_DIR pg_query.h REQUIRED)
find_library(PG_QUERY_LIBRARY NAMES libpg_query.a pg_query REQUIRED)
quiver_generate_proto(_pg_query_cc "${PG_QUERY_INCLUDE_DIR}/pg_query/pg_query.proto"
                      "${PG_QUERY_INCLUDE_DIR}/pg_query" "${QUIVER_PROTO_OUT}/pg_query")
add_library(quiver_pg_query_proto STATIC "${_pg_query_cc}")
target_include_directories(quiver_pg_query_proto PUBLIC "${QUIVER_PROTO_OUT}")
target_link_libraries(quiver_pg_query_proto PUBLIC protobuf::libprotobuf)
set_target_properties(quiver_pg_query_proto PROPERTIES POSITION_INDEPENDENT_CODE ON)

add_library(pg_query::pg_query UNKNOWN IMPORTED)
set_target_properties(pg_query::pg_query PROPERTIES
  IMPORTED_LOCATION "${PG_QUERY_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PG_QUERY_INCLUDE_DIR}")

# Quiver's own messages: every proto/*.proto.
file(GLOB QUIVER_PROTO_FILES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/proto/*.proto")
set(_quiver_proto_cc "")
foreach(proto ${QUIVER_PROTO_FILES})
  quiver_generate_proto(_cc "${proto}" "${CMAKE_SOURCE_DIR}/proto" "${QUIVER_PROTO_OUT}")
  list(APPEND _quiver_proto_cc "${_cc}")
endforeach()
add_library(quiver_proto STATIC ${_quiver_proto_cc} "${CMAKE_SOURCE_DIR}/cmake/empty.cc")
target_include_directories(quiver_proto PUBLIC "${QUIVER_PROTO_OUT}")
target_link_libraries(quiver_proto PUBLIC protobuf::libprotobuf)
set_target_properties(quiver_proto PROPERTIES POSITION_INDEPENDENT_CODE ON)
