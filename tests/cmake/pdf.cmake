# PDF reader tests (issue 10): the test PDFs are generated at test time from the seeds by
# tests/pdfgen.c (cairo + pango) plus qpdf for the encrypted ones, into ${PS_PDF_DIR}; the
# ctest fixture ps_pdf_files makes every PDF test wait for them.
pkg_check_modules(PS_PANGOCAIRO IMPORTED_TARGET pangocairo cairo-pdf)
if(NOT PS_PANGOCAIRO_FOUND)
  message(FATAL_ERROR "pangocairo not found: apt-get install libpango1.0-dev libcairo2-dev (or run scripts/install-deps)")
endif()
find_program(PS_QPDF qpdf)
if(NOT PS_QPDF)
  message(FATAL_ERROR "qpdf not found: apt-get install qpdf (or run scripts/install-deps)")
endif()

add_executable(pdfgen ${CMAKE_SOURCE_DIR}/tests/pdfgen.c)
target_link_libraries(pdfgen PRIVATE PkgConfig::PS_PANGOCAIRO)

set(PS_PDF_DIR ${CMAKE_BINARY_DIR}/testpdf)
add_test(NAME pdf_generate
  COMMAND sh -c "rm -rf '${PS_PDF_DIR}' && mkdir -p '${PS_PDF_DIR}' \
&& '$<TARGET_FILE:pdfgen>' '${CMAKE_SOURCE_DIR}/seeds' '${PS_PDF_DIR}' \
&& '${PS_QPDF}' --encrypt user owner 256 -- '${PS_PDF_DIR}/seed_000.pdf' '${PS_PDF_DIR}/encrypted.pdf' \
&& '${PS_QPDF}' --encrypt '' owner 256 -- '${PS_PDF_DIR}/seed_000.pdf' '${PS_PDF_DIR}/encrypted_open.pdf'")
# Fontconfig and pango keep caches for the life of the process; they are not our leaks.
set_tests_properties(pdf_generate PROPERTIES
  FIXTURES_SETUP ps_pdf_files ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0" TIMEOUT 120)

target_compile_definitions(test_pdf PRIVATE
  PS_PDF_DIR="${PS_PDF_DIR}" PS_SEED_DIR="${CMAKE_SOURCE_DIR}/seeds")
set_tests_properties(test_pdf PROPERTIES FIXTURES_REQUIRED ps_pdf_files)

ps_add_fuzzer(fuzz_pdf ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_pdf.c ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/pdf)

# End to end over the CLI (tests/pdf_e2e.c): parse, index and search the PDFs against the seeds.
add_executable(pdf_e2e ${CMAKE_SOURCE_DIR}/tests/pdf_e2e.c)
target_link_libraries(pdf_e2e PRIVATE protokollsok_core)
add_test(NAME pdf_e2e
  COMMAND pdf_e2e $<TARGET_FILE:protokollsok> ${CMAKE_SOURCE_DIR}/seeds ${PS_PDF_DIR}
          ${CMAKE_BINARY_DIR}/testtmp/pdf_e2e)
set_tests_properties(pdf_e2e PROPERTIES
  FIXTURES_REQUIRED ps_pdf_files TIMEOUT 300
  ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin")

# OCR of scanned pages (issue 18): tests/pdfgen.c makes scanned_protocol.pdf (a protocol page at
# 300 dpi, turned and speckled, no text layer); tests/ocr_check.py reads it with --ocr.
find_program(PS_PYTHON3_OCR python3)
if(PS_PYTHON3_OCR)
  add_test(NAME pdf_ocr
    COMMAND ${PS_PYTHON3_OCR} ${CMAKE_SOURCE_DIR}/tests/ocr_check.py $<TARGET_FILE:protokollsok>
      ${PS_PDF_DIR} ${CMAKE_BINARY_DIR}/testtmp/ocr)
  set_tests_properties(pdf_ocr PROPERTIES FIXTURES_REQUIRED ps_pdf_files
    ENVIRONMENT "PROTOKOLLSOK_LEXICON=${CMAKE_BINARY_DIR}/share/lexicon.bin;OMP_THREAD_LIMIT=1"
    TIMEOUT 300 LABELS ocr)
endif()
