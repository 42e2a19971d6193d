# Writes the bash completion of lm: cmake -DLM=<lm> -DOUT=<file> -P write_completion.cmake
# (a build step of the root CMakeLists.txt). The file is replaced only when
# lm succeeds, so a failed build leaves no partial script.
execute_process(COMMAND ${LM} completion bash OUTPUT_VARIABLE script RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${LM} completion bash failed (${status})")
endif()
file(WRITE ${OUT}.tmp "${script}")
file(RENAME ${OUT}.tmp ${OUT})
