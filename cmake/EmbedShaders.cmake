# Compiles every shaders/*.comp and shaders/experimental/*.comp (kernels kept apart from the
# production ones, see engine/ops/experimental/) to SPIR-V at build time and embeds it in a static
# library. Includes resolve against the shader directory.
#
# A shader may declare variants on a line of its own:   // aegan-variants: forward backward_data
# Each variant is compiled with -DVARIANT_<UPPER NAME> into kernel `<file>_<variant>`; a shader
# without that line becomes one kernel named after its file. Variants also listed on a line
# `// aegan-texel-variants: forward` are compiled a second time with -DTEXELS into
# `<file>_<variant>_texel` (inputs read through texel views, see common.glsl), and variants listed
# on `// aegan-half-variants: forward` once more with -DHALF into `<file>_<variant>_half` (packed
# weights stored as float16). Every kernel gets its own generated .cpp, so editing one shader (or
# a file it includes) recompiles only the kernels that use it.
function(aegan_embed_shaders target shader_dir)
  file(GLOB sources CONFIGURE_DEPENDS "${shader_dir}/*.comp" "${shader_dir}/experimental/*.comp")
  set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  file(MAKE_DIRECTORY "${out_dir}")
  set(cpp_files)
  set(declarations "")
  foreach(source IN LISTS sources)
    get_filename_component(family "${source}" NAME_WE)
    file(STRINGS "${source}" variant_line REGEX "^// aegan-variants:")
    set(variants "")
    if(variant_line)
      string(REGEX REPLACE "^// aegan-variants:[ ]*" "" variants "${variant_line}")
      separate_arguments(variants)
    endif()
    if(NOT variants)
      set(variants "-")
    endif()
    foreach(flavour IN ITEMS texel half)
      file(STRINGS "${source}" flavour_line REGEX "^// aegan-${flavour}-variants:")
      set(${flavour}_variants "")
      if(flavour_line)
        string(REGEX REPLACE "^// aegan-${flavour}-variants:[ ]*" "" ${flavour}_variants
                             "${flavour_line}")
        separate_arguments(${flavour}_variants)
        foreach(variant IN LISTS ${flavour}_variants)
          list(APPEND variants "${variant}+${flavour}")
        endforeach()
      endif()
    endforeach()
    foreach(variant IN LISTS variants)
      set(define_flag "")
      set(suffix "")
      if(variant MATCHES "^(.*)[+](texel|half)$")
        set(variant "${CMAKE_MATCH_1}")
        set(suffix "_${CMAKE_MATCH_2}")
        if(CMAKE_MATCH_2 STREQUAL "texel")
          set(define_flag "-DTEXELS")
        else()
          set(define_flag "-DHALF")
        endif()
      endif()
      if(variant STREQUAL "-")
        set(kernel "${family}${suffix}")
      else()
        set(kernel "${family}_${variant}${suffix}")
        string(TOUPPER "${variant}" upper)
        list(APPEND define_flag "-DVARIANT_${upper}")
      endif()
      set(header "${out_dir}/${kernel}.spv.h")
      add_custom_command(
        OUTPUT "${header}"
        COMMAND ${GLSLANG_VALIDATOR} --target-env vulkan1.2 ${define_flag} -I${shader_dir}
                --vn spirv_${kernel} --depfile "${header}.d" -o "${header}" "${source}"
        DEPENDS "${source}"
        DEPFILE "${header}.d"
        COMMENT "glslang ${kernel}"
        VERBATIM)
      # A kernel with a texel twin points to it (ShaderCode::texel).
      set(twin "nullptr")
      set(twin_declaration "")
      if(suffix STREQUAL "" AND variant IN_LIST texel_variants)
        set(twin "&${kernel}_texel")
        set(twin_declaration "extern const vk::ShaderCode ${kernel}_texel;\n")
      endif()
      set(cpp "${out_dir}/${kernel}.cpp")
      file(GENERATE OUTPUT "${cpp}" CONTENT
"#include \"engine/vk/shader.hpp\"
#include \"${kernel}.spv.h\"
namespace aegan::shaders {
${twin_declaration}extern const vk::ShaderCode ${kernel}{\"${kernel}\", spirv_${kernel},
                                      sizeof(spirv_${kernel}) / 4, ${twin}};
}
")
      set_source_files_properties("${cpp}" PROPERTIES OBJECT_DEPENDS "${header}")
      list(APPEND cpp_files "${cpp}")
      string(APPEND declarations "extern const vk::ShaderCode ${kernel};\n")
    endforeach()
  endforeach()
  file(GENERATE OUTPUT "${out_dir}/shaders.hpp" CONTENT
"// Generated from shaders/*.comp: one embedded SPIR-V module per kernel.
#pragma once
#include \"engine/vk/shader.hpp\"
namespace aegan::shaders {
${declarations}
}
")
  add_library(${target} STATIC ${cpp_files})
  target_include_directories(${target} PUBLIC "${out_dir}" "${PROJECT_SOURCE_DIR}")
endfunction()
