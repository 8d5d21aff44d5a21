# Shards (issue #20): one search over a sharded index — local shards and shards behind
# xapian-tcpsrv, faults, an incremental run touching one shard, a replica by xapian-replicate —
# all on loopback, processes started and stopped by tests/shards.sh. Needs xapian-tools and node.
find_program(PS_XAPIAN_TCPSRV xapian-tcpsrv)
find_program(PS_XAPIAN_REPLICATE xapian-replicate)
find_program(PS_CURL curl)
find_program(PS_NODE_FOR_SHARDS node)
if(NOT PS_XAPIAN_TCPSRV OR NOT PS_XAPIAN_REPLICATE OR NOT PS_CURL OR NOT PS_NODE_FOR_SHARDS)
  message(WARNING "xapian-tools, curl or node missing: the shards test is skipped (scripts/install-deps)")
  return()
endif()
add_test(NAME shards
  COMMAND sh ${CMAKE_SOURCE_DIR}/tests/shards.sh $<TARGET_FILE:protokollsok> ${CMAKE_SOURCE_DIR}
    ${CMAKE_BINARY_DIR}/testtmp/shards)
set_tests_properties(shards PROPERTIES
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin;ASAN_OPTIONS=detect_leaks=1"
  TIMEOUT 600 LABELS shards)
