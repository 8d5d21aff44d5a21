# Analyzer tests beyond the cmocka unit tests (tests/test_analyzer*.c, tests/test_highlight.c).

# Exact-Snowball mode is exactly libstemmer: Snowball's own Swedish vocabulary, every line.
set(ps_snowball_dir ${CMAKE_SOURCE_DIR}/tests/data/snowball)
set(ps_snowball_out ${CMAKE_BINARY_DIR}/testtmp/analyzer_snowball_vocabulary.txt)
add_test(NAME analyzer_snowball_vocabulary
  COMMAND sh -c "mkdir -p '${CMAKE_BINARY_DIR}/testtmp' && '$<TARGET_FILE:protokollsok>' analyze --words --exact-snowball < '${ps_snowball_dir}/voc.txt' > '${ps_snowball_out}' && paste '${ps_snowball_dir}/voc.txt' '${ps_snowball_dir}/output.txt' | diff - '${ps_snowball_out}' | head -20 && paste '${ps_snowball_dir}/voc.txt' '${ps_snowball_dir}/output.txt' | cmp -s - '${ps_snowball_out}'")
set_tests_properties(analyzer_snowball_vocabulary PROPERTIES TIMEOUT 120)

# The CLI end to end: a compound, the -et rule and an ellipsis compound.
add_test(NAME analyzer_cli_analyze
  COMMAND sh -c "out=$('$<TARGET_FILE:protokollsok>' analyze 'Samordningsförbundet beslutade om kultur- och utbildningsförvaltningen') && echo \"$out\" && echo \"$out\" | grep -q 'part  förbund' && echo \"$out\" | grep -q 'part  kulturförvaltning'")
set_tests_properties(analyzer_cli_analyze PROPERTIES
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin" TIMEOUT 60)

ps_add_fuzzer(fuzz_analyzer ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_analyzer.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/analyzer)

# Words learned from the corpus: any stored list, any offered words.
ps_add_fuzzer(fuzz_learn ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_learn.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/learn)
