# cmake -DPS_LAYOUT=FILE -DPS_SRC=DIR -DPS_INCLUDE=DIR [-DPS_STAMP=FILE] -P check.cmake
#
# Checks that every module includes only what CMakeLists.txt says it may use (PS_LAYOUT, written
# at configure time by ps_module()): a file in src/MOD/ may include its own folder's private
# headers by plain name and the public headers (include/protokollsok/X.h) of MOD and of the
# modules MOD uses; a public header may include only those of its module's uses. Anything else
# (a back-edge such as the analyzer including search.h, a private header reached across folders
# with "../", a file or folder under src/ that belongs to no module) fails with file:line.
cmake_minimum_required(VERSION 3.20)
include(${PS_LAYOUT})

set(errors "")
macro(ps_layout_error msg)
  string(APPEND errors "  ${msg}\n")
endmacro()

# header name -> owning module
foreach(mod ${PS_MODULES})
  foreach(h ${PS_MODULE_${mod}_HEADERS})
    set(owner_${h} ${mod})
  endforeach()
endforeach()

# Checks the quoted includes of one file that belongs to module mod.
function(ps_layout_check_file file mod)
  # One list element per line: semicolons, brackets and backslashes would split or join elements.
  file(READ ${file} text)
  string(REPLACE "\\" "/" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REPLACE "[" "(" text "${text}")
  string(REPLACE "]" ")" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(n 0)
  set(errs "")
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
      continue()
    endif()
    set(inc ${CMAKE_MATCH_1})
    if(inc MATCHES "^protokollsok/([a-z_]+)\\.h$")
      set(h ${CMAKE_MATCH_1})
      set(owner ${owner_${h}})
      if(NOT owner)
        string(APPEND errs "  ${file}:${n}: includes ${inc}, which no module declares\n")
      elseif(NOT owner STREQUAL mod AND NOT owner IN_LIST PS_MODULE_${mod}_ALLOWED)
        string(REPLACE ";" " " may "${PS_MODULE_${mod}_ALLOWED}")
        string(APPEND errs "  ${file}:${n}: module ${mod} includes ${inc} of module ${owner}, but may use only: ${may}\n")
      endif()
    elseif(inc MATCHES "/")
      string(APPEND errs "  ${file}:${n}: includes \"${inc}\": a private header is included by plain name from its own folder only\n")
    endif()
  endforeach()
  set(file_errors "${errs}" PARENT_SCOPE)
endfunction()

file(GLOB dirs LIST_DIRECTORIES true RELATIVE ${PS_SRC} ${PS_SRC}/*)
foreach(d ${dirs})
  if(NOT IS_DIRECTORY ${PS_SRC}/${d})
    ps_layout_error("${PS_SRC}/${d}: a file outside any module folder (put it in src/MODULE/)")
  elseif(NOT d IN_LIST PS_MODULES)
    ps_layout_error("${PS_SRC}/${d}/: a folder that is no module (declare it with ps_module() in CMakeLists.txt)")
  endif()
endforeach()

foreach(mod ${PS_MODULES})
  file(GLOB_RECURSE srcs ${PS_SRC}/${mod}/*.c ${PS_SRC}/${mod}/*.cc ${PS_SRC}/${mod}/*.h)
  foreach(h ${PS_MODULE_${mod}_HEADERS})
    list(APPEND srcs ${PS_INCLUDE}/protokollsok/${h}.h)
  endforeach()
  foreach(f ${srcs})
    ps_layout_check_file(${f} ${mod})
    string(APPEND errors "${file_errors}")
  endforeach()
endforeach()

file(GLOB pub RELATIVE ${PS_INCLUDE}/protokollsok ${PS_INCLUDE}/protokollsok/*.h)
foreach(p ${pub})
  string(REGEX REPLACE "\\.h$" "" h ${p})
  if(NOT owner_${h})
    ps_layout_error("${PS_INCLUDE}/protokollsok/${p}: a public header no module declares (ps_module(... HEADERS ${h}))")
  endif()
endforeach()

if(errors)
  message(FATAL_ERROR "module layout broken (see ps_module() in CMakeLists.txt):\n${errors}")
endif()
if(PS_STAMP)
  file(TOUCH ${PS_STAMP})
endif()
