# The HTTP server (src/server/) compresses responses with zlib.
find_package(ZLIB)
if(NOT ZLIB_FOUND)
  message(FATAL_ERROR "zlib not found: apt-get install zlib1g-dev (or run scripts/install-deps)")
endif()
target_link_libraries(protokollsok_core PUBLIC ZLIB::ZLIB)
# (The fuzzing copy of the library is made later; tests/cmake/server.cmake links it.)

