# Install rules and the Debian package. Everything goes under CMAKE_INSTALL_PREFIX, so
# `cmake --install build/release --prefix /tmp/x` makes a working copy anywhere:
#   bin/protokollsok
#   share/protokollsok/lexicon.bin, share/protokollsok/web/   (found relative to the binary)
#   share/man/man1/protokollsok.1, protokollsok-{index,search,serve,stats,parse,analyze}.1
#   lib/systemd/system/protokollsok.service, protokollsok-index.{service,timer}
#   share/doc/protokollsok/examples/protokollsok.default, nginx-protokollsok.conf
# `cpack -G DEB` (from the build directory) packs the same tree under /usr, with the Debian
# runtime libraries as Depends (dpkg-shlibdeps), a system user and /var/lib/protokollsok made
# by the postinst, and /etc/default/protokollsok installed from the example when missing.
include(GNUInstallDirs)

install(TARGETS protokollsok RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PS_LEXICON_FILE} DESTINATION ${CMAKE_INSTALL_DATADIR}/protokollsok)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/protokollsok/web
        FILES_MATCHING PATTERN "*.html" PATTERN "*.js" PATTERN "*.css" PATTERN "*.svg"
        PATTERN "*.png" PATTERN "*.ico" PATTERN "*.txt" PATTERN "*.xml")

# Man pages from each command's --help (cmake/install/manpage.cmake).
set(ps_man_dir ${CMAKE_BINARY_DIR}/man)
set(ps_man_pages "")
foreach(cmd "" index search serve stats parse analyze)
  if(cmd STREQUAL "")
    set(page ${ps_man_dir}/protokollsok.1)
  else()
    set(page ${ps_man_dir}/protokollsok-${cmd}.1)
  endif()
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${ps_man_dir}
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
            ${CMAKE_COMMAND} -DPS_BIN=$<TARGET_FILE:protokollsok> "-DPS_CMD=${cmd}" -DPS_OUT=${page}
            -DPS_VERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/install/manpage.cmake
    DEPENDS protokollsok ${CMAKE_SOURCE_DIR}/cmake/install/manpage.cmake
    COMMENT "Man page ${page}" VERBATIM)
  list(APPEND ps_man_pages ${page})
endforeach()
add_custom_target(manpages ALL DEPENDS ${ps_man_pages})
install(FILES ${ps_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# systemd units, with the installed binary's path: written at install time, when the prefix
# is known (--prefix, or /usr inside the package).
foreach(unit protokollsok.service protokollsok-index.service)
  install(CODE "set(PS_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    configure_file(\"${CMAKE_SOURCE_DIR}/packaging/systemd/${unit}.in\"
                   \"${CMAKE_BINARY_DIR}/systemd/${unit}\" @ONLY)")
  install(FILES ${CMAKE_BINARY_DIR}/systemd/${unit} DESTINATION lib/systemd/system)
endforeach()
install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/protokollsok-index.timer DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/protokollsok.default
              ${CMAKE_SOURCE_DIR}/contrib/nginx-protokollsok.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- the Debian package ----------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME protokollsok)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "protokollsok maintainers <protokollsok@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "full-text search over Swedish municipal protocols")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "full-text search over Swedish municipal protocols
 protokollsok indexes protocols, tjänsteskrivelser and kallelser (text, markdown, PDF, DOCX,
 ODT, HTML), splits them into ärenden, analyzes Swedish (stemming, compounds) and answers
 queries with ranked ärenden and highlighted excerpts from the command line, over HTTP and in a
 web page. Runs as a systemd service with a nightly reindex.")
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
