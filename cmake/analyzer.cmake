# The analyzer's lexicon: tools/mklexicon turns Debian's Swedish word lists (hunspell-sv,
# optionally wswedish) into ${CMAKE_BINARY_DIR}/share/lexicon.bin at build time. The tool is a
# host program: built optimized and without sanitizers so the step stays at a few seconds.
find_file(PS_HUNSPELL_SV_DIC sv_SE.dic PATHS /usr/share/hunspell /usr/share/myspell/dicts NO_DEFAULT_PATH)
find_file(PS_HUNSPELL_SV_AFF sv_SE.aff PATHS /usr/share/hunspell /usr/share/myspell/dicts NO_DEFAULT_PATH)
if(NOT PS_HUNSPELL_SV_DIC OR NOT PS_HUNSPELL_SV_AFF)
  message(FATAL_ERROR "Swedish hunspell dictionary not found: apt-get install hunspell-sv (or run scripts/install-deps)")
endif()
find_file(PS_WSWEDISH swedish PATHS /usr/share/dict NO_DEFAULT_PATH)
set(ps_lexicon_words "")
if(PS_WSWEDISH)
  set(ps_lexicon_words --words ${PS_WSWEDISH})
endif()

add_executable(mklexicon ${CMAKE_SOURCE_DIR}/tools/mklexicon.c)
target_include_directories(mklexicon PRIVATE ${STEMMER_INCLUDE})
target_link_libraries(mklexicon PRIVATE ${STEMMER_LIB} PkgConfig::UTF8PROC)
target_compile_options(mklexicon PRIVATE -O2 -fno-sanitize=all)
target_link_options(mklexicon PRIVATE -fno-sanitize=all)

set(PS_LEXICON_FILE ${CMAKE_BINARY_DIR}/share/lexicon.bin)
add_custom_command(
  OUTPUT ${PS_LEXICON_FILE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/share
  COMMAND mklexicon --aff ${PS_HUNSPELL_SV_AFF} --dic ${PS_HUNSPELL_SV_DIC} ${ps_lexicon_words}
          -o ${PS_LEXICON_FILE}
  DEPENDS mklexicon ${PS_HUNSPELL_SV_AFF} ${PS_HUNSPELL_SV_DIC}
  COMMENT "Building the Swedish lexicon ${PS_LEXICON_FILE}"
  VERBATIM)
add_custom_target(lexicon ALL DEPENDS ${PS_LEXICON_FILE})
add_dependencies(protokollsok_core lexicon)
add_dependencies(protokollsok lexicon)
