# Installation and the Debian package.
#
#   cmake --install b                    binary → <prefix>/bin, unit → <prefix>/lib/systemd/system
#                                        (/lib/systemd/system for prefix /usr), docs and examples →
#                                        <prefix>/share/doc/complaint-bot, and the service's config
#                                        /etc/complaint-bot/config.yaml unless one is there already
#   cd b && cpack -G DEB                 complaint-bot_<version>_<arch>.deb (prefix /usr; needs
#                                        dpkg-dev and file; `scripts/run package` does all of it)
#
# The unit is packaging/complaint-bot.service with its ExecStart adjusted to the prefix at install
# time (cpack installs with prefix /usr while a plain build defaults to /usr/local). The installed
# config is config.example.yaml with its database in the service's state directory.
include(GNUInstallDirs)

set(BOT_DOC_DIR ${CMAKE_INSTALL_DATAROOTDIR}/doc/complaint-bot)
set(BOT_STATE_DB /var/lib/complaint-bot/complaint-bot.db)

# The service's config, generated from config.example.yaml (regenerated when that changes).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/config.example.yaml)
file(READ ${PROJECT_SOURCE_DIR}/config.example.yaml bot_example_config)
string(REGEX REPLACE "\ndatabase:[^\n]*" "\ndatabase: ${BOT_STATE_DB}   # the service's state directory"
       bot_service_config "${bot_example_config}")
if(bot_service_config STREQUAL bot_example_config)
  message(FATAL_ERROR "config.example.yaml has no top-level `database:` line for the service config")
endif()
string(PREPEND bot_service_config
       "# /etc/complaint-bot/config.yaml: the complaint-bot service's configuration. After a change:\n"
       "#   complaint-bot check-config /etc/complaint-bot/config.yaml && systemctl restart complaint-bot\n"
       "# The secrets go in /etc/complaint-bot/env (root, mode 0600); see\n"
       "# /usr/share/doc/complaint-bot/docs/operations.md.\n#\n")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/config.yaml "${bot_service_config}")

install(TARGETS complaint-bot RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md DESTINATION ${BOT_DOC_DIR})
install(DIRECTORY docs/ DESTINATION ${BOT_DOC_DIR}/docs FILES_MATCHING PATTERN "*.md")
install(FILES config.example.yaml packaging/env.example DESTINATION ${BOT_DOC_DIR}/examples)
install(FILES examples/demo-day.jsonl examples/day.jsonl examples/company.yaml examples/README.md
        DESTINATION ${BOT_DOC_DIR}/examples)

set(BOT_SYSTEMD_UNIT_DIR "" CACHE PATH
    "Where the systemd unit goes (empty: /lib/systemd/system for prefix /usr, else <prefix>/lib/systemd/system)")
install(CODE "
  set(unit_dir \"${BOT_SYSTEMD_UNIT_DIR}\")
  if(NOT unit_dir)
    if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
      set(unit_dir /lib/systemd/system)
    else()
      set(unit_dir \"\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
    endif()
  endif()
  file(READ \"${PROJECT_SOURCE_DIR}/packaging/complaint-bot.service\" unit)
  string(REPLACE \"/usr/bin/complaint-bot\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/complaint-bot\" unit \"\${unit}\")
  set(dest \"\$ENV{DESTDIR}\${unit_dir}/complaint-bot.service\")
  message(STATUS \"Installing: \${dest}\")
  file(WRITE \"\${dest}\" \"\${unit}\")
  list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${dest}\")

  # The service's config: never over an existing one (the .deb marks it a conffile instead).
  set(conf \"\$ENV{DESTDIR}/etc/complaint-bot/config.yaml\")
  if(EXISTS \"\${conf}\")
    message(STATUS \"Keeping: \${conf} (the new default is in ${BOT_DOC_DIR}/examples)\")
  else()
    file(INSTALL \"${CMAKE_BINARY_DIR}/packaging/config.yaml\" DESTINATION /etc/complaint-bot
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${conf}\")
  endif()
")

# --- cpack -G DEB
set(CPACK_PACKAGE_NAME complaint-bot)
set(CPACK_PACKAGE_VENDOR complaint-bot)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "customer-complaint bot for DingTalk, WeCom, Feishu and Slack group chats")
set(CPACK_PACKAGE_DESCRIPTION
    "Registers customer complaints posted in the company group in two fixed Chinese formats, runs\n\
their deadlines (accept, publish or route, respond, notify), @-mentions whoever must act,\n\
escalates, fines silent department heads and reports to HR. Runs as the systemd service\n\
complaint-bot; configuration in /etc/complaint-bot, state in /var/lib/complaint-bot.")
# The DEB generator installs with DESTDIR and this prefix (file(INSTALL) and the code above rely on it).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(BOT_PACKAGE_MAINTAINER "complaint-bot maintainers <complaint-bot@localhost>" CACHE STRING
    "Maintainer field of the .deb")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${BOT_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not found by dpkg-shlibdeps: the CA store for outbound TLS, the zone database, useradd (postinst).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates, tzdata, passwd")
# The dashboard's charts (/static/chart.min.js is Debian's Chart.js); without it the pages show
# their tables only.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libjs-chart.js")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm
    ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
