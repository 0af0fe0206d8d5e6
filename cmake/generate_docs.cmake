# Runs the built binary to write the man page and the shell completions (vramplan --generate KIND),
# so they come from the command-line definition itself. -DVRAMPLAN=binary -DOUT_DIR=directory.
foreach(pair "man;vramplan.1" "bash;vramplan.bash" "zsh;_vramplan" "fish;vramplan.fish")
  list(GET pair 0 kind)
  list(GET pair 1 file)
  execute_process(COMMAND "${VRAMPLAN}" --generate ${kind}
    OUTPUT_FILE "${OUT_DIR}/${file}.tmp" ERROR_VARIABLE err RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "vramplan --generate ${kind} failed (${code}): ${err}")
  endif()
  file(RENAME "${OUT_DIR}/${file}.tmp" "${OUT_DIR}/${file}")
endforeach()
