# Golden end-to-end tests of the real binary. Each case tests/cli/cases/NAME.args holds one
# argument per line; NAME.out, NAME.err and NAME.code hold the expected stdout, stderr and exit
# code, compared exactly. Cases run from the source directory with the frozen profiles in
# tests/data/profiles. Text is fitted to the terminal width, and stdout is no terminal here, so the
# width is $COLUMNS: unset (80) unless the optional NAME.env sets it. NAME.env holds one
# VARIABLE=VALUE per line (COLUMNS=60), set for that case only. tests/CMakeLists.txt makes every case its own CTest, golden/NAME, and again
# under a German locale (decimal comma, '.' thousands), golden_de_DE/NAME: the output must not change.
#
#   cmake -DVRAMPLAN=EXE -DCASES=tests/cli -DSRC=. [-DCASE=NAME] [-DWORK=DIR] [-DLOCALE=de_DE.UTF-8]
#         [-DUPDATE=1] -P tests/cli/run_golden.cmake
#
# CASE runs one case (all of them when omitted). A failing case names each stream that differs
# (stdout, stderr, exit code) and prints `diff -u EXPECTED ACTUAL` for it; the actual output is
# left in WORK (ctest passes a directory of the build tree; default ./golden-work).
#
# Update mode rewrites NAME.out/.err/.code from the binary's output (then review `git diff`):
#   VRAMPLAN_UPDATE_GOLDEN=1 ctest --preset release -R '^golden/'           # every case
#   VRAMPLAN_UPDATE_GOLDEN=1 ctest --preset release -R '^golden/NAME$'      # one case
# or -DUPDATE=1 on the command line above. Only the C-locale run updates; a golden_de_DE test in
# update mode fails instead of comparing against files being rewritten.
if(NOT LOCALE)
  set(LOCALE C)
endif()
if(NOT UPDATE AND "$ENV{VRAMPLAN_UPDATE_GOLDEN}")
  set(UPDATE 1)
endif()
if(NOT WORK)
  set(WORK "${CMAKE_CURRENT_BINARY_DIR}/golden-work")
endif()
if(UPDATE AND NOT LOCALE STREQUAL "C")
  message(FATAL_ERROR "update mode rewrites the goldens from the C-locale run only: "
                      "VRAMPLAN_UPDATE_GOLDEN=1 ctest --preset release -R '^golden/'")
endif()
find_program(DIFF diff)

# The locale must exist: glibc falls back to "C" for an unknown one, and the case would pass
# without testing anything locale-specific.
if(NOT LOCALE STREQUAL "C")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=${LOCALE} locale
    OUTPUT_QUIET ERROR_VARIABLE locale_err RESULT_VARIABLE locale_code)
  if(NOT locale_code EQUAL 0 OR NOT locale_err STREQUAL "")
    message(FATAL_ERROR "locale ${LOCALE} is not installed (the case would run in the C locale): "
                        "install it (Debian: the 'locales' package, de_DE.UTF-8 in /etc/locale.gen, locale-gen)\n${locale_err}")
  endif()
endif()

# Prints how EXPECTED (a file) and ACTUAL_TEXT differ, as a unified diff; keeps the actual in WORK.
function(show_difference name stream expected actual_text)
  file(MAKE_DIRECTORY "${WORK}")
  set(actual "${WORK}/${name}.${stream}")
  file(WRITE "${actual}" "${actual_text}")
  if(DIFF)
    execute_process(COMMAND "${DIFF}" -u "${expected}" "${actual}" OUTPUT_VARIABLE delta ERROR_VARIABLE delta)
  else()
    file(READ "${expected}" expected_text)
    set(delta "--- expected (${expected})\n${expected_text}\n+++ actual (${actual})\n${actual_text}\n")
  endif()
  message("${delta}")
endfunction()

# Runs case NAME; appends it to `failed` in the caller's scope when it does not match.
function(run_case name)
  set(base "${CASES}/cases/${name}")
  if(NOT EXISTS "${base}.args")
    message("FAIL ${name}: no such case (${base}.args)")
    set(failed ${failed} ${name} PARENT_SCOPE)
    return()
  endif()
  file(STRINGS "${base}.args" args)
  set(env)
  if(EXISTS "${base}.env")
    file(STRINGS "${base}.env" env)
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=COLUMNS LC_ALL=${LOCALE} ${env} "${VRAMPLAN}" ${args}
    WORKING_DIRECTORY "${SRC}"
    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
  if(UPDATE)
    file(WRITE "${base}.out" "${out}")
    file(WRITE "${base}.err" "${err}")
    file(WRITE "${base}.code" "${code}\n")
    message("updated ${name} (exit ${code})")
    return()
  endif()
  set(problems)
  foreach(stream out err code)
    if(NOT EXISTS "${base}.${stream}")
      list(APPEND problems "no ${name}.${stream} (write it with the update mode)")
    endif()
  endforeach()
  if(problems)
    list(JOIN problems "; " problems)
    message("FAIL ${name}: ${problems}")
    set(failed ${failed} ${name} PARENT_SCOPE)
    return()
  endif()
  file(READ "${base}.out" want_out)
  file(READ "${base}.err" want_err)
  file(STRINGS "${base}.code" want_code)
  if(NOT code STREQUAL want_code)
    list(APPEND problems "exit code ${code}, expected ${want_code}")
  endif()
  if(NOT out STREQUAL want_out)
    list(APPEND problems "stdout differs")
  endif()
  if(NOT err STREQUAL want_err)
    list(APPEND problems "stderr differs")
  endif()
  if(NOT problems)
    return()
  endif()
  list(JOIN problems ", " summary)
  message("FAIL ${name} (LC_ALL=${LOCALE}): ${summary}")
  if(NOT out STREQUAL want_out)
    message("stdout (diff -u expected actual):")
    show_difference(${name} out "${base}.out" "${out}")
  endif()
  if(NOT err STREQUAL want_err)
    message("stderr (diff -u expected actual):")
    show_difference(${name} err "${base}.err" "${err}")
  endif()
  set(failed ${failed} ${name} PARENT_SCOPE)
endfunction()

if(CASE)
  set(names ${CASE})
else()
  file(GLOB cases "${CASES}/cases/*.args")
  list(SORT cases)
  set(names)
  foreach(c IN LISTS cases)
    get_filename_component(n "${c}" NAME_WLE)
    list(APPEND names ${n})
  endforeach()
endif()
set(failed)
foreach(n IN LISTS names)
  run_case(${n})
endforeach()
if(failed)
  list(LENGTH failed count)
  list(JOIN failed " " failed)
  message(FATAL_ERROR "${count} golden case(s) failed: ${failed}")
endif()
