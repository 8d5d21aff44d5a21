# Search module: the query-parser fuzzer (more registrations follow as search lands).
ps_add_fuzzer(fuzz_query ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_query.c ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/query)
