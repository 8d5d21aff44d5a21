# The module layout check (cmake/layout/check.cmake) must fail on a back-edge: a copy of the tree
# in which the analyzer includes search.h and the protocol parser reaches into the search's
# private header, both reported with file:line.
set(ps_layout_copy ${CMAKE_BINARY_DIR}/testtmp/layout-backedge)
add_test(NAME layout_backedge
  COMMAND sh -c "rm -rf '${ps_layout_copy}' && mkdir -p '${ps_layout_copy}' \
&& cp -R '${CMAKE_SOURCE_DIR}/src' '${CMAKE_SOURCE_DIR}/include' '${ps_layout_copy}/' \
&& printf '#include \"protokollsok/search.h\"\\n' >> '${ps_layout_copy}/src/analyzer/analyzer.c' \
&& printf '#include \"../search/internal.h\"\\n' >> '${ps_layout_copy}/src/protocol/protocol.c' \
&& if '${CMAKE_COMMAND}' -DPS_LAYOUT='${PS_LAYOUT_FILE}' -DPS_SRC='${ps_layout_copy}/src' \
     -DPS_INCLUDE='${ps_layout_copy}/include' -P '${CMAKE_SOURCE_DIR}/cmake/layout/check.cmake' 2>'${ps_layout_copy}.err'; \
   then echo 'layout check passed a back-edge'; exit 1; fi \
&& grep -q 'analyzer/analyzer.c:[0-9]*: module analyzer includes protokollsok/search.h of module search' '${ps_layout_copy}.err' \
&& grep -q 'protocol/protocol.c:[0-9]*: includes \"../search/internal.h\"' '${ps_layout_copy}.err' \
|| { cat '${ps_layout_copy}.err'; exit 1; }")
set_tests_properties(layout_backedge PROPERTIES TIMEOUT 60 LABELS layout)
