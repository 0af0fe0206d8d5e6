# The README shows the default plan; it must be the binary's real output, in an 80-column terminal.
#   cmake -DVRAMPLAN=EXE -DSRC=. -P tests/cli/readme_plan.cmake
execute_process(COMMAND ${CMAKE_COMMAND} -E env COLUMNS=80 "${VRAMPLAN}" plan WORKING_DIRECTORY "${SRC}" OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
if(NOT code EQUAL 0 OR out STREQUAL "")
  message(FATAL_ERROR "`vramplan plan` exited ${code} with ${err}")
endif()
file(READ "${SRC}/README.md" readme)
string(FIND "${readme}" "${out}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md: the output block of `vramplan plan` is stale; paste the current output:\n${out}")
endif()
