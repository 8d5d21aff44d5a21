# Golden tests of the protocol parser: `protokollsok parse seeds/X` must print exactly
# tests/golden/X.json. Run from the source directory so paths print as "seeds/X".
file(GLOB PS_PARSER_SEEDS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/seeds/*.txt)
foreach(seed ${PS_PARSER_SEEDS})
  get_filename_component(name ${seed} NAME_WE)
  add_test(NAME parser_golden_${name}
    COMMAND sh ${CMAKE_SOURCE_DIR}/tests/golden_compare.sh $<TARGET_FILE:protokollsok>
      seeds/${name}.txt ${CMAKE_SOURCE_DIR}/tests/golden/${name}.json
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(parser_golden_${name} PROPERTIES LABELS parser TIMEOUT 60)
endforeach()

ps_add_fuzzer(fuzz_protocol ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_protocol.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/protocol)
