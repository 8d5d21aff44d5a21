# End-to-end tests of `protokollsok index` / `stats` (tests/e2e/indexer.sh): incremental reruns,
# deletion, the collapse key, the writer lock, kill -9 at random moments, bad files, --full.
add_test(NAME indexer_e2e
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/indexer.sh $<TARGET_FILE:protokollsok>
          ${CMAKE_SOURCE_DIR}/seeds ${CMAKE_BINARY_DIR}/testtmp/indexer-e2e 3 60)
set_tests_properties(indexer_e2e PROPERTIES
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin"
  TIMEOUT 600
  LABELS e2e)

# The --manifest parser and the stored file-state format on arbitrary bytes.
ps_add_fuzzer(fuzz_indexer_manifest ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_indexer_manifest.c
              ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/indexer)

# The indexer's faults (tests/e2e/indexer_faults.sh): counts that add up, leftovers of a killed
# --full, a full disk (a small tmpfs, when run as root; skipped otherwise).
add_test(NAME indexer_faults
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/indexer_faults.sh $<TARGET_FILE:protokollsok>
          ${CMAKE_SOURCE_DIR}/seeds ${CMAKE_BINARY_DIR}/testtmp/indexer-faults)
# libxapian 1.4 leaks an object and a string when a write fails on a full disk (inside the
# library, on its error path): suppressed for this test only.
set_tests_properties(indexer_faults PROPERTIES
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin;LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan-xapian.supp:print_suppressions=0"
  TIMEOUT 300
  LABELS e2e)
