# The --manifest parser and the stored file-state format on arbitrary bytes.
ps_add_fuzzer(fuzz_indexer_manifest ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_indexer_manifest.c
              ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/indexer)
