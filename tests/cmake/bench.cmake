# bench_smoke: `bench/run --smoke` on the seeds (all systems, all parts, a few seconds, results in
# the build dir) and a check that the table has a measured row for every system. Speed is never
# asserted. Needs the anchors from `scripts/install-deps --bench` (scripts/test installs them).
# Registered once the product pieces the benchmark drives are implemented.
set(PS_BENCH_CLI_READY ON)
foreach(cli index search serve)
  file(STRINGS ${CMAKE_SOURCE_DIR}/src/cli/${cli}.c placeholder REGEX "not built yet")
  if(placeholder)
    set(PS_BENCH_CLI_READY OFF)
  endif()
endforeach()
if(PS_BENCH_HAVE_SEARCH AND PS_BENCH_HAVE_ANALYZER AND PS_BENCH_CLI_READY)
  set(out ${CMAKE_BINARY_DIR}/bench-smoke)
  add_test(NAME bench_smoke
    COMMAND ${CMAKE_COMMAND} -E env PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin
      sh -c "rm -rf '${out}' && '${CMAKE_SOURCE_DIR}/bench/run' --smoke --build-dir '${CMAKE_BINARY_DIR}' --out '${out}' >/dev/null && for row in '| protokollsok |' '| Omega ' '| PostgreSQL ' '| SQLite FTS5 ' '| Sphinx '; do grep -qF \"$row\" '${out}/smoke-seeds.md' || { echo \"no row $row\"; exit 1; }; done")
  set_tests_properties(bench_smoke PROPERTIES TIMEOUT 300 LABELS bench)
endif()
