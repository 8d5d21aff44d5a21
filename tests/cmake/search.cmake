# Search: the index of seeds/ as a fixture (built with the protokollsok binary, with
# seeds/manifest.tsv when there is one), then on it: the end-to-end unit test (test_search), the
# relevance evaluator over tests/data/relevance/queries.tsv, and the CLI output test. Plus the
# query-parser fuzzer.
set(PS_SEARCH_DB ${CMAKE_BINARY_DIR}/testtmp/search-seeds)
set(PS_SEARCH_ENV "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin")

add_test(NAME search_index_seeds
  COMMAND sh -c "rm -rf '${PS_SEARCH_DB}' '${PS_SEARCH_DB}.lock' && mkdir -p '${CMAKE_BINARY_DIR}/testtmp' && set -- && if [ -f '${CMAKE_SOURCE_DIR}/seeds/manifest.tsv' ]; then set -- --manifest '${CMAKE_SOURCE_DIR}/seeds/manifest.tsv'; fi && '$<TARGET_FILE:protokollsok>' index --quiet --db '${PS_SEARCH_DB}' \"$@\" '${CMAKE_SOURCE_DIR}/seeds'; rc=$?; [ $rc -le 1 ]")
set_tests_properties(search_index_seeds PROPERTIES
  FIXTURES_SETUP search_seeds ENVIRONMENT "${PS_SEARCH_ENV}" TIMEOUT 120)
# a second small index for what the seeds lack (é/e)
set(PS_SEARCH_ACCENTS_DB ${CMAKE_BINARY_DIR}/testtmp/search-accents)
add_test(NAME search_index_accents
  COMMAND sh -c "rm -rf '${PS_SEARCH_ACCENTS_DB}' && mkdir -p '${CMAKE_BINARY_DIR}/testtmp' && '$<TARGET_FILE:protokollsok>' index --quiet --db '${PS_SEARCH_ACCENTS_DB}' '${CMAKE_SOURCE_DIR}/tests/data/search/accents'; rc=$?; [ $rc -le 1 ]")
set_tests_properties(search_index_accents PROPERTIES
  FIXTURES_SETUP search_seeds ENVIRONMENT "${PS_SEARCH_ENV}" TIMEOUT 120)

set_tests_properties(test_search PROPERTIES
  FIXTURES_REQUIRED search_seeds
  ENVIRONMENT "${PS_SEARCH_ENV};PS_SEARCH_DB=${PS_SEARCH_DB};PS_SEARCH_ACCENTS_DB=${PS_SEARCH_ACCENTS_DB}")

# a small index where an abbreviation and its full form stand in different ärenden
set(PS_SEARCH_ABBREV_DB ${CMAKE_BINARY_DIR}/testtmp/search-abbrev)
add_test(NAME search_index_abbrev
  COMMAND sh -c "rm -rf '${PS_SEARCH_ABBREV_DB}' && mkdir -p '${CMAKE_BINARY_DIR}/testtmp' && '$<TARGET_FILE:protokollsok>' index --quiet --db '${PS_SEARCH_ABBREV_DB}' '${CMAKE_SOURCE_DIR}/tests/data/search/abbrev'; rc=$?; [ $rc -le 1 ]")
set_tests_properties(search_index_abbrev PROPERTIES
  FIXTURES_SETUP search_seeds ENVIRONMENT "${PS_SEARCH_ENV}" TIMEOUT 120)
set_tests_properties(test_journalist PROPERTIES
  FIXTURES_REQUIRED search_seeds
  ENVIRONMENT "${PS_SEARCH_ENV};PS_SEARCH_DB=${PS_SEARCH_DB};PS_SEARCH_ABBREV_DB=${PS_SEARCH_ABBREV_DB}")
add_test(NAME journalist_cli
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/journalist_cli.sh $<TARGET_FILE:protokollsok> ${PS_SEARCH_DB})
set_tests_properties(journalist_cli PROPERTIES
  FIXTURES_REQUIRED search_seeds ENVIRONMENT "${PS_SEARCH_ENV};TMPDIR=${CMAKE_BINARY_DIR}/testtmp"
  TIMEOUT 120)

add_executable(ps_relevance ${CMAKE_SOURCE_DIR}/tests/relevance.c)
target_link_libraries(ps_relevance PRIVATE protokollsok_core)
add_test(NAME search_relevance
  COMMAND ps_relevance ${PS_SEARCH_DB} ${CMAKE_SOURCE_DIR}/tests/data/relevance/queries.tsv 0.95)
set_tests_properties(search_relevance PROPERTIES
  FIXTURES_REQUIRED search_seeds ENVIRONMENT "${PS_SEARCH_ENV}" TIMEOUT 120)

add_test(NAME search_cli
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/search_cli.sh $<TARGET_FILE:protokollsok> ${PS_SEARCH_DB})
set_tests_properties(search_cli PROPERTIES
  FIXTURES_REQUIRED search_seeds ENVIRONMENT "${PS_SEARCH_ENV};TMPDIR=${CMAKE_BINARY_DIR}/testtmp"
  TIMEOUT 120)

ps_add_fuzzer(fuzz_query ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_query.c ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/query)

# The same-results guard (bench/sameresults): every search of tests/data/search/sameresults.tsv
# answers exactly what the stored expected output says, apart from took_ms. A change that is
# meant to change results writes the file again (--write, with SAMERESULTS_STRIP as here).
add_test(NAME search_same
  COMMAND sh ${CMAKE_SOURCE_DIR}/bench/sameresults $<TARGET_FILE:protokollsok> ${PS_SEARCH_DB}
    ${CMAKE_SOURCE_DIR}/tests/data/search/sameresults.tsv
    --expect ${CMAKE_SOURCE_DIR}/tests/data/search/sameresults-seeds.expected)
set_tests_properties(search_same PROPERTIES
  FIXTURES_REQUIRED search_seeds
  ENVIRONMENT "${PS_SEARCH_ENV};TMPDIR=${CMAKE_BINARY_DIR}/testtmp;SAMERESULTS_STRIP=${CMAKE_SOURCE_DIR}/"
  TIMEOUT 300)
