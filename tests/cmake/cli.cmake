# The CLI frame (src/cli/main.c): --help, --version, and usage errors with exit status 2.
# tests/cli_expect.sh checks the exit status exactly plus a pattern on stdout or stderr.
set(PS_CLI_EXPECT sh ${CMAKE_SOURCE_DIR}/tests/cli_expect.sh)

function(ps_cli_test name status stream pattern)
  add_test(NAME ${name} COMMAND ${PS_CLI_EXPECT} ${status} ${stream} ${pattern}
    $<TARGET_FILE:protokollsok> ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS cli TIMEOUT 30)
endfunction()

ps_cli_test(cli_help 0 stdout "^Usage: protokollsok " --help)
ps_cli_test(cli_help_short 0 stdout "^Usage: protokollsok " -h)
ps_cli_test(cli_help_lists_commands 0 stdout "^  search +" --help)
ps_cli_test(cli_help_exit_statuses 0 stdout "^  4 +database locked" --help)
ps_cli_test(cli_version 0 stdout "^protokollsok ${PROJECT_VERSION}$" --version)
ps_cli_test(cli_unknown_command 2 stderr "unknown command 'frobnicate'" frobnicate)
ps_cli_test(cli_unknown_command_usage 2 stderr "^Usage: protokollsok " frobnicate --help)
ps_cli_test(cli_unknown_option 2 stderr "^Usage: protokollsok " --frobnicate)
ps_cli_test(cli_unknown_option_named 2 stderr "frobnicate" --frobnicate)
ps_cli_test(cli_no_command 2 stderr "^Usage: protokollsok ")
