# The HTTP server (src/server*.c) compresses responses with zlib.
find_package(ZLIB)
if(NOT ZLIB_FOUND)
  message(FATAL_ERROR "zlib not found: apt-get install zlib1g-dev (or run scripts/install-deps)")
endif()
target_link_libraries(protokollsok_core PUBLIC ZLIB::ZLIB)
# (The fuzzing copy of the library is made later; tests/cmake/server.cmake links it.)

# TEMPORARY: until the search module (src/search.c) lands, link a stand-in that reads a JSON
# fixture, so the server builds and its tests can run. Goes away with the merge of search.
if(NOT EXISTS ${CMAKE_SOURCE_DIR}/src/search.c)
  target_sources(protokollsok_core PRIVATE ${CMAKE_SOURCE_DIR}/tests/devfake/search_fake.c)
endif()
