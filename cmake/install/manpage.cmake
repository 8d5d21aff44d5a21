# Write one man page from a command's --help: cmake -DPS_BIN=... -DPS_CMD="serve" (or "" for
# the top level) -DPS_OUT=protokollsok-serve.1 -DPS_VERSION=... -P cmake/install/manpage.cmake.
# The help text is the reference (it is what the tests check), so the page is it, verbatim,
# under the sections man expects.
if(PS_CMD STREQUAL "")
  set(args --help)
  set(name protokollsok)
  set(what "full-text search over Swedish municipal protocols")
else()
  set(args ${PS_CMD} --help)
  set(name protokollsok-${PS_CMD})
  set(what "protokollsok ${PS_CMD}")
endif()
execute_process(COMMAND ${PS_BIN} ${args} OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PS_BIN} ${args} failed (${rc})")
endif()
# SYNOPSIS: the usage lines (up to the first blank line, "Usage: " dropped). NAME: the
# command's line in the top-level --help ("  serve     run the HTTP query server and web UI").
string(REGEX MATCH "^Usage: [^\n]*(\n[^\n]+)*" usage "${help}")
string(LENGTH "${usage}" ulen)
string(SUBSTRING "${help}" ${ulen} -1 body)
string(REGEX REPLACE "^\n+" "" body "${body}")
string(REGEX REPLACE "^Usage: " "" usage "${usage}")
string(REGEX REPLACE "\n *" "\n" usage "${usage}")
if(NOT PS_CMD STREQUAL "")
  execute_process(COMMAND ${PS_BIN} --help OUTPUT_VARIABLE top)
  string(REGEX MATCH "\n  ${PS_CMD} +[^\n]+" line "${top}")
  string(REGEX REPLACE "^\n  ${PS_CMD} +" "" what "${line}")
endif()
foreach(var usage body what)
  string(REPLACE "\\" "\\e" ${var} "${${var}}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" ${var} "${${var}}")
  string(REPLACE "-" "\\-" ${var} "${${var}}")
endforeach()
string(TOUPPER "${name}" upper)
set(see "protokollsok(1), protokollsok-index(1), protokollsok-search(1), protokollsok-serve(1), protokollsok-stats(1), protokollsok-parse(1), protokollsok-analyze(1)")
file(WRITE ${PS_OUT}
".TH ${upper} 1 \"\" \"protokollsok ${PS_VERSION}\" \"User Commands\"
.SH NAME
${name} \\- ${what}
.SH SYNOPSIS
.nf
${usage}
.fi
.SH DESCRIPTION
.nf
${body}
.fi
.SH FILES
.TP
.I PREFIX/share/protokollsok/lexicon.bin
the Swedish lexicon (override with \\fB$PROTOKOLLSOK_LEXICON\\fR)
.TP
.I PREFIX/share/protokollsok/web/
the web UI served by \\fBprotokollsok serve\\fR
.TP
.I /var/lib/protokollsok/index
the index of the Debian package's service (\\fB/etc/default/protokollsok\\fR)
.SH SEE ALSO
${see}
")
