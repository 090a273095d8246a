# Install and package: `cmake --install build --prefix P` installs the binary, its man pages and
# bash completion (both generated from the binary's --help when it is built) and the systemd
# unit; `cpack -G DEB` (run in the build directory) makes growthlens_VERSION_ARCH.deb from the
# same install, with its library dependencies found by dpkg-shlibdeps. Layout in README.md
# ("Install").
include(GNUInstallDirs)

option(GROWTHLENS_MAN_PAGES "Generate the man pages with help2man when growthlens is built" ON)

# Man pages and completion, remade whenever the binary or their generators change.
set(GROWTHLENS_DOC_DIR ${CMAKE_CURRENT_BINARY_DIR}/share)
set(_packaging ${CMAKE_CURRENT_SOURCE_DIR}/packaging)
set(_generators ${_packaging}/help-spec.awk ${_packaging}/cli-commands.sh)
set(_doc_outputs ${GROWTHLENS_DOC_DIR}/bash-completion/growthlens)
add_custom_command(
  OUTPUT ${GROWTHLENS_DOC_DIR}/bash-completion/growthlens
  COMMAND bash ${_packaging}/make-completion.sh $<TARGET_FILE:growthlens>
          ${GROWTHLENS_DOC_DIR}/bash-completion/growthlens
  DEPENDS growthlens ${_generators} ${_packaging}/make-completion.sh
  COMMENT "Generating the bash completion of growthlens from its --help"
  VERBATIM)
if(GROWTHLENS_MAN_PAGES)
  find_program(HELP2MAN help2man)
  if(NOT HELP2MAN)
    message(FATAL_ERROR "help2man is missing: it makes the man pages (scripts/install-deps.sh "
                        "installs it; -DGROWTHLENS_MAN_PAGES=OFF builds without them)")
  endif()
  # One page per command, so the list of files is known only once the binary runs: a stamp
  # stands for them.
  add_custom_command(
    OUTPUT ${GROWTHLENS_DOC_DIR}/man/man1.stamp
    COMMAND bash ${_packaging}/make-manpages.sh $<TARGET_FILE:growthlens>
            ${GROWTHLENS_DOC_DIR}/man/man1 ${PROJECT_VERSION}
    COMMAND ${CMAKE_COMMAND} -E touch ${GROWTHLENS_DOC_DIR}/man/man1.stamp
    DEPENDS growthlens ${_generators} ${_packaging}/make-manpages.sh
    COMMENT "Generating the man pages of growthlens from its --help (help2man)"
    VERBATIM)
  list(APPEND _doc_outputs ${GROWTHLENS_DOC_DIR}/man/man1.stamp)
endif()
add_custom_target(growthlens_docs ALL DEPENDS ${_doc_outputs})

install(TARGETS growthlens RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${GROWTHLENS_DOC_DIR}/bash-completion/growthlens
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
if(GROWTHLENS_MAN_PAGES)
  install(DIRECTORY ${GROWTHLENS_DOC_DIR}/man/man1 DESTINATION ${CMAKE_INSTALL_MANDIR}
          FILES_MATCHING PATTERN "*.1.gz")
endif()
# The unit names the binary by its installed path, known only at install time (P/bin with
# --prefix P, /usr/bin in the package).
install(CODE "
  set(_unit \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/growthlens.service\")
  set(GROWTHLENS_INSTALLED_BINARY \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/growthlens\")
  message(STATUS \"Installing: \${_unit}\")
  configure_file(\"${_packaging}/growthlens.service.in\" \"\${_unit}\" @ONLY)
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${_unit}\")")

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME growthlens)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "fast product and customer analytics with a web dashboard")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "GrowthLens ingests feature-usage logs and e-commerce transactions from CSV, cleans them
 with a full report, and computes KPIs, feature usage, revenue, cohorts, lifecycle, RFM,
 KMeans personas and A/B test statistics, from the command line or in a web dashboard
 served by the same binary (growthlens serve). The package ships a systemd unit for the
 dashboard, disabled by default.")
set(GROWTHLENS_PACKAGE_MAINTAINER "GrowthLens developers <growthlens@localhost>" CACHE STRING
    "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT ${GROWTHLENS_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# postinst creates the service's user with adduser; dpkg-shlibdeps adds the libraries.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_packaging}/debian/postinst ${_packaging}/debian/prerm ${_packaging}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
