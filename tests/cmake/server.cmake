# Tests of the HTTP server: a libFuzzer run over its input checks, HTTP tests (node's built-in
# test runner and fetch) against `protokollsok serve` over a fresh index of seeds/, and browser
# tests (playwright-core driving the system chromium, axe-core).

# libFuzzer over the server's path check, decoding and escaping (only with -DPS_FUZZ=ON).
if(TARGET protokollsok_fuzzcore)
  target_link_libraries(protokollsok_fuzzcore PUBLIC ZLIB::ZLIB)
endif()
ps_add_fuzzer(fuzz_server_input ${CMAKE_SOURCE_DIR}/tests/fuzz/server_input.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/server_input)

find_program(PS_NODE node)
if(NOT PS_NODE)
  message(WARNING "node not found: the server's HTTP and browser tests are skipped (apt-get install nodejs)")
  return()
endif()

set(ps_server_test_env
  PROTOKOLLSOK_BIN=$<TARGET_FILE:protokollsok>
  PS_SOURCE_DIR=${CMAKE_SOURCE_DIR}
  PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin
  ASAN_OPTIONS=detect_leaks=1)

add_test(NAME server_http
  COMMAND ${CMAKE_COMMAND} -E env ${ps_server_test_env} PS_TEST_TMP=${CMAKE_BINARY_DIR}/testtmp/server_http
    ${PS_NODE} --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/http/server.test.mjs)
set_tests_properties(server_http PROPERTIES TIMEOUT 180 LABELS http)
add_test(NAME journalist_http
  COMMAND ${CMAKE_COMMAND} -E env ${ps_server_test_env} PS_TEST_TMP=${CMAKE_BINARY_DIR}/testtmp/journalist_http
    ${PS_NODE} --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/http/journalist.test.mjs)
set_tests_properties(journalist_http PROPERTIES TIMEOUT 180 LABELS http)

# Hostile clients (tests/http/hostile.test.mjs): floods, slowloris, bad heads, keep-alive.
add_test(NAME server_hostile
  COMMAND ${CMAKE_COMMAND} -E env ${ps_server_test_env} PS_TEST_TMP=${CMAKE_BINARY_DIR}/testtmp/server_hostile
    ${PS_NODE} --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/http/hostile.test.mjs)
set_tests_properties(server_hostile PROPERTIES TIMEOUT 180 LABELS http)

if(PS_BROWSER_TESTS)
  if(NOT EXISTS ${CMAKE_SOURCE_DIR}/tests/browser/node_modules/playwright-core)
    message(WARNING "tests/browser/node_modules missing: run scripts/install-deps (npm ci) for the browser tests")
  else()
    add_test(NAME server_browser
      COMMAND ${CMAKE_COMMAND} -E env ${ps_server_test_env}
        PS_TEST_TMP=${CMAKE_BINARY_DIR}/testtmp/server_browser
        PS_SCREENSHOT_DIR=${CMAKE_BINARY_DIR}/screenshots
        ${PS_NODE} --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/browser/ui.test.mjs)
    set_tests_properties(server_browser PROPERTIES TIMEOUT 240 LABELS browser)
    add_test(NAME journalist_browser
      COMMAND ${CMAKE_COMMAND} -E env ${ps_server_test_env}
        PS_TEST_TMP=${CMAKE_BINARY_DIR}/testtmp/journalist_browser
        ${PS_NODE} --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/browser/journalist.test.mjs)
    set_tests_properties(journalist_browser PROPERTIES TIMEOUT 240 LABELS browser)
  endif()
endif()
