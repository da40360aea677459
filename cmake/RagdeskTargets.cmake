# Settings shared by every ragdesk target: warnings, -Werror in CI, sanitizers.
function(ragdesk_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(RAGDESK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(RAGDESK_SANITIZE)
    list(JOIN RAGDESK_SANITIZE "," _san)
    target_compile_options(${target} PRIVATE -fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=${_san})
  endif()
endfunction()

# For programs (not libraries, not tests): links the allocator RAGDESK_ALLOCATOR names. Nothing
# calls it by name, so it is kept as needed whatever the linker's default.
function(ragdesk_link_allocator target)
  if(TCMALLOC_FOUND)
    target_link_directories(${target} PRIVATE ${TCMALLOC_LIBRARY_DIRS})
    target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" ${TCMALLOC_LIBRARIES} "-Wl,--pop-state")
  endif()
endfunction()
