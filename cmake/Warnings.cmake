# Warnings are set per target (PRIVATE), never globally, so that users' builds that add
# our targets are not affected.
set(RM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wundef -Wcast-qual -Wvla
    $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings>)
if(RM_WERROR)
  list(APPEND RM_WARNINGS -Werror)
endif()

set(RM_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
if(RM_SANITIZE)
  add_compile_options(${RM_SANITIZE_FLAGS})
  add_link_options(${RM_SANITIZE_FLAGS})
endif()
if(RM_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
if(RM_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "RM_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  # Coverage for libFuzzer in every object; -fsanitize=fuzzer (its main) only for the
  # fuzz programs (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link ${RM_SANITIZE_FLAGS})
  add_link_options(${RM_SANITIZE_FLAGS})
endif()

function(rm_target_warnings target)
  target_compile_options(${target} PRIVATE ${RM_WARNINGS})
endfunction()
