# Document readers beyond PDF (issue 18): DOCX/ODT (readers/office.c) and HTML (readers/html.c).
# Unit tests are tests/test_document.c; end to end they run in office_check (tests/cmake/office.cmake).
ps_add_fuzzer(fuzz_office ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_office.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/office)
ps_add_fuzzer(fuzz_html ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_html.c
  ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/html)
if(PS_FUZZ)
  find_package(ZLIB REQUIRED) # the harness writes its own zips (crc32)
  target_link_libraries(fuzz_office PRIVATE ZLIB::ZLIB)
endif()
