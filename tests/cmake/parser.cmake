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

# The parse command end to end (tests/cli_expect.sh: exact exit status + a pattern).
function(ps_parser_cli name status stream pattern)
  add_test(NAME ${name}
    COMMAND sh ${CMAKE_SOURCE_DIR}/tests/cli_expect.sh ${status} ${stream} ${pattern}
      $<TARGET_FILE:protokollsok> parse ${ARGN}
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS parser TIMEOUT 30)
endfunction()
ps_parser_cli(parser_cli_help 0 stdout "^Usage: protokollsok parse" --help)
ps_parser_cli(parser_cli_no_file 2 stderr "no FILE given")
ps_parser_cli(parser_cli_bad_max_bytes 2 stderr "bad --max-bytes value" --max-bytes 12x seeds/000_f9d1b8ea3c7fc132.txt)
ps_parser_cli(parser_cli_unreadable 1 stderr "nope\\.txt: cannot read" seeds/nope.txt)
ps_parser_cli(parser_cli_empty 1 stderr "/dev/null: empty input" /dev/null)
ps_parser_cli(parser_cli_too_large 1 stderr "002_1cf86d2020daf07c\\.txt: .*over the limit of 1024 bytes"
  --max-bytes 1k seeds/002_1cf86d2020daf07c.txt)
ps_parser_cli(parser_cli_manifest 0 stdout "\"source\": \"external\""
  --manifest seeds/manifest.tsv seeds/001_a605ce567de3568f.txt)
# A skipped file does not stop the others: their JSON is printed, the status is 1.
add_test(NAME parser_cli_skip_continues
  COMMAND sh -c "out=$('$<TARGET_FILE:protokollsok>' parse seeds/nope.txt seeds/004_034c7db9e8ee52a5.txt 2>/dev/null); st=$?; test $st -eq 1 && printf '%s' \"$out\" | grep -q '\"kommun\": \"Köping\"\\|\"value\": \"Köping\"'"
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(parser_cli_skip_continues PROPERTIES LABELS parser TIMEOUT 30)
