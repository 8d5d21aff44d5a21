# The install rules and the Debian package (cmake/install.cmake): install into a temporary
# prefix, move it, run index/search/serve from there; cpack -G DEB and check the package.
add_test(NAME install_relocatable
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/e2e/install.sh ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/seeds
          ${CMAKE_BINARY_DIR}/testtmp/install)
set_tests_properties(install_relocatable PROPERTIES TIMEOUT 300 LABELS e2e)
