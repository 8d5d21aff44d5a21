# Office-suite protocols (issue 18): tests/officegen.py writes protocols, protokollsutdrag and
# kallelser in three § layouts as ODT and DOCX, LibreOffice converts them to PDF (as kommuner
# make them) into ${PS_OFFICE_DIR}/odt and /docx at test time; nothing large is committed.
#   office_check      every layout in both formats: § / dnr / title / pages / sections per ärende,
#                     no empty ärenden, no header or footer text in bodies, table rows kept,
#                     hyphenated words joined; then index + searches that must rank right
#   office_golden_*   `protokollsok parse` of each layout and kind equals tests/golden/office_*.json
find_program(PS_SOFFICE soffice)
find_program(PS_PYTHON3 python3)
find_program(PS_PDFTOTEXT pdftotext)
if(NOT PS_SOFFICE OR NOT PS_PYTHON3 OR NOT PS_PDFTOTEXT)
  message(FATAL_ERROR "soffice, python3 or pdftotext not found: apt-get install libreoffice-writer-nogui hyphen-sv python3 poppler-utils (or run scripts/install-deps)")
endif()

set(PS_OFFICE_DIR ${CMAKE_BINARY_DIR}/testoffice)
# A private LibreOffice profile, so parallel runs (and a running LibreOffice) never clash.
set(ps_lo "'${PS_SOFFICE}' -env:UserInstallation=file://${PS_OFFICE_DIR}/lo-profile --headless --convert-to pdf")
add_test(NAME office_generate
  COMMAND sh -c "rm -rf '${PS_OFFICE_DIR}' && '${PS_PYTHON3}' '${CMAKE_SOURCE_DIR}/tests/officegen.py' '${PS_OFFICE_DIR}/src' --all-formats \
&& ${ps_lo} --outdir '${PS_OFFICE_DIR}/odt' '${PS_OFFICE_DIR}'/src/*.odt >'${PS_OFFICE_DIR}/soffice.log' 2>&1 \
&& ${ps_lo} --outdir '${PS_OFFICE_DIR}/docx' '${PS_OFFICE_DIR}'/src/*.docx >>'${PS_OFFICE_DIR}/soffice.log' 2>&1 \
&& test $(ls '${PS_OFFICE_DIR}'/odt/*.pdf '${PS_OFFICE_DIR}'/docx/*.pdf | wc -l) -eq 18 || { cat '${PS_OFFICE_DIR}/soffice.log'; exit 1; }")
set_tests_properties(office_generate PROPERTIES FIXTURES_SETUP ps_office_files TIMEOUT 240 LABELS office)

add_test(NAME office_check
  COMMAND ${PS_PYTHON3} ${CMAKE_SOURCE_DIR}/tests/office_check.py $<TARGET_FILE:protokollsok> ${PS_OFFICE_DIR})
set_tests_properties(office_check PROPERTIES FIXTURES_REQUIRED ps_office_files
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin" TIMEOUT 300 LABELS office)

# One golden per layout and kind, from the format officegen.py writes it in by default.
set(ps_layout_index 0)
foreach(layout alone rightdnr inline)
  set(ps_kind_index 0)
  foreach(kind protokoll utdrag kallelse)
    math(EXPR ps_odd "(${ps_layout_index} + ${ps_kind_index}) % 2")
    if(ps_odd EQUAL 0)
      set(fmt odt)
    else()
      set(fmt docx)
    endif()
    add_test(NAME office_golden_${layout}_${kind}
      COMMAND sh ${CMAKE_SOURCE_DIR}/tests/golden_compare.sh $<TARGET_FILE:protokollsok>
        ${layout}_${kind}.pdf ${CMAKE_SOURCE_DIR}/tests/golden/office_${layout}_${kind}.json
      WORKING_DIRECTORY ${PS_OFFICE_DIR}/${fmt})
    set_tests_properties(office_golden_${layout}_${kind} PROPERTIES
      FIXTURES_REQUIRED ps_office_files LABELS "office;parser" TIMEOUT 60)
    math(EXPR ps_kind_index "${ps_kind_index} + 1")
  endforeach()
  math(EXPR ps_layout_index "${ps_layout_index} + 1")
endforeach()
