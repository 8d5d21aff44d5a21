# Documents that are not protocols (issue 18): a sample of the real corpus regeringen-sv.tar.gz
# (../shared/corpus/ beside the checkout, or PS_REGERINGEN_CORPUS) is parsed and indexed by
# tests/regeringen_check.py: one ärende per file titled by its first heading, no empty ärenden,
# no warning storm. Skipped when the corpus is absent.
set(ps_corpus_default ${CMAKE_SOURCE_DIR}/../shared/corpus/regeringen-sv.tar.gz)
if(NOT EXISTS ${ps_corpus_default} AND EXISTS ${CMAKE_SOURCE_DIR}/../../shared/corpus/regeringen-sv.tar.gz)
  set(ps_corpus_default ${CMAKE_SOURCE_DIR}/../../shared/corpus/regeringen-sv.tar.gz) # a worktree
endif()
set(PS_REGERINGEN_CORPUS ${ps_corpus_default} CACHE FILEPATH "regeringen-sv.tar.gz for the corpus test")
find_program(PS_PYTHON3_CORPUS python3)
if(PS_PYTHON3_CORPUS)
  add_test(NAME corpus_regeringen_sample
    COMMAND ${PS_PYTHON3_CORPUS} ${CMAKE_SOURCE_DIR}/tests/regeringen_check.py
      $<TARGET_FILE:protokollsok> ${PS_REGERINGEN_CORPUS} ${CMAKE_BINARY_DIR}/testtmp/regeringen)
  set_tests_properties(corpus_regeringen_sample PROPERTIES
    ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin"
    SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS corpus)
endif()
