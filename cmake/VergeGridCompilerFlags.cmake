# Warnings and sanitizers for every target of the project (not for SDK users' plugins).
add_compile_options(-Wall -Wextra -Wpedantic)
if(VERGEGRID_WERROR)
  add_compile_options(-Werror)
endif()

if(VERGEGRID_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
