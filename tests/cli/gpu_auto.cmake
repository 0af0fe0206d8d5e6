# `--gpu auto` end to end: the binary reads a recorded nvidia-smi output through a stand-in
# (tests/data/gpu/fake-nvidia-smi.sh) with NVML skipped, so the test is the same on any machine.
set(failed 0)
function(expect name reading expect_code)
  # COLUMNS=1000: the patterns are whole lines of the report, not wrapped to a terminal.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env COLUMNS=1000 VRAMPLAN_NO_NVML=1 VRAMPLAN_NVIDIA_SMI=${SRC}/tests/data/gpu/fake-nvidia-smi.sh
                          VRAMPLAN_TEST_READING=${SRC}/tests/data/gpu/${reading} ${EXTRA_ENV} ${VRAMPLAN} ${ARGN}
                  WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
  set(all "${out}${err}")
  if(NOT code STREQUAL expect_code)
    message("FAIL ${name}: exit ${code}, want ${expect_code}\n${all}")
    set(failed 1 PARENT_SCOPE)
  endif()
  foreach(pattern IN LISTS PATTERNS)
    string(FIND "${all}" "${pattern}" at)
    if(at EQUAL -1)
      message("FAIL ${name}: missing '${pattern}' in\n${all}")
      set(failed 1 PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

set(PATTERNS "gpu    NVIDIA H100 SXM5 80GB x1: 79.18 GiB visible to CUDA (nvidia-smi reading of GPU 0)"
             "note: GPU 0: NVIDIA H100 80GB HBM3 (h100-sxm), 81,079 MiB visible to CUDA (81,559 - 480 reserved), 0 MiB held by other processes [nvidia-smi]")
expect(h100 h100-nvidia-smi.csv 0 plan --gpu auto --model llama-3.1-8b-instruct)
set(PATTERNS "x2: 79.18 GiB visible to CUDA (nvidia-smi reading of GPU 1)" "note: GPU 1 decides: the least memory left of the 2 cards used"
             "other processes (at startup)       35.00" "verdict: vLLM fails to start")
expect(two_busy two-h100-busy.csv 1 plan --gpu auto --model llama-3.1-8b-instruct -tp 2)
# The real busy reading: vLLM's free-memory failure and its fixes.
set(PATTERNS "other processes (at startup)       20.51" "Free memory on device cuda:0 (58.14/79.18 GiB) on startup is less than desired GPU memory utilization (0.92, 72.84 GiB)"
             "fix:   --gpu-memory-utilization 0.73" "21,007 MiB held by other processes [nvidia-smi]")
expect(h100_busy h100-busy-nvidia-smi.csv 1 plan --gpu auto --model llama-3.1-8b-instruct)
set(PATTERNS "\"total_basis\": \"nvidia-smi reading of GPU 0\"")
expect(json h100-nvidia-smi.csv 0 plan --gpu auto --format json)
set(PATTERNS "(the profile's; this driver does not report its reserve)")
expect(old_driver old-driver-no-reserved.csv 0 plan --gpu auto)
set(PATTERNS "vramplan: error: --gpu auto: tensor x pipeline parallel needs 2 GPUs, this machine shows 1\n")
expect(too_few h100-nvidia-smi.csv 2 plan --gpu auto -tp 2)
set(PATTERNS "vramplan: error: --gpu auto: no NVIDIA GPU found (NVML: skipped (VRAMPLAN_NO_NVML); ${SRC}/tests/data/gpu/no-such-smi: not found or failed); name the card with --gpu\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E env VRAMPLAN_NO_NVML=1 VRAMPLAN_NVIDIA_SMI=${SRC}/tests/data/gpu/no-such-smi ${VRAMPLAN} plan --gpu auto
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
if(NOT code EQUAL 2 OR NOT out STREQUAL "" OR NOT err STREQUAL "${PATTERNS}")
  message("FAIL no_gpu: exit ${code}, stdout '${out}', stderr '${err}'")
  set(failed 1)
endif()
# A hung nvidia-smi: killed at the run's deadline (--timeout 2, less than nvidia-smi's own 10 s),
# one line, exit 2, well before the stand-in's 30 s.
string(TIMESTAMP hung_start "%s" UTC)
execute_process(COMMAND ${CMAKE_COMMAND} -E env VRAMPLAN_NO_NVML=1 VRAMPLAN_NVIDIA_SMI=${SRC}/tests/data/gpu/hung-nvidia-smi.sh ${VRAMPLAN}
                        --timeout 2 plan --gpu auto
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code TIMEOUT 25)
string(TIMESTAMP hung_end "%s" UTC)
math(EXPR hung_s "${hung_end} - ${hung_start}")
set(want "vramplan: error: --gpu auto: ${SRC}/tests/data/gpu/hung-nvidia-smi.sh did not answer within the run's 2 s deadline (--timeout 2) and was killed (a hung driver?); name the card with --gpu\n")
if(NOT code EQUAL 2 OR NOT out STREQUAL "" OR NOT err STREQUAL "${want}" OR hung_s GREATER 10)
  message("FAIL hung_smi: exit ${code} after ${hung_s} s, stdout '${out}', stderr '${err}'")
  set(failed 1)
endif()
set(EXTRA_ENV CUDA_VISIBLE_DEVICES=1)
set(PATTERNS "note: GPU 1: NVIDIA H100 80GB HBM3 (h100-sxm), 81,079 MiB visible to CUDA (81,559 - 480 reserved), 35,843 MiB held by other processes")
expect(visible_devices two-h100-busy.csv 1 plan --gpu auto --model llama-3.1-8b-instruct)
# A bad reading is blamed on nvidia-smi, not on a flag (issue 16).
set(EXTRA_ENV "")
set(PATTERNS "vramplan: error: nvidia-smi reading of GPU 0: memory used by other processes (81,200 MiB) is not below the memory visible to CUDA (81,079 MiB)")
expect(over_used over-used-nvidia-smi.csv 2 plan --gpu auto --model llama-3.1-8b-instruct)
set(PATTERNS "memory.used (MiB): expected an integer from 0 to 1073741824, got '0x10'")
expect(hex_reading hex-nvidia-smi.csv 2 plan --gpu auto --model llama-3.1-8b-instruct)
if(failed)
  message(FATAL_ERROR "--gpu auto tests failed")
endif()
message("--gpu auto: all cases passed")
