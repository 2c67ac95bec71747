// Shared by every kernel: tensors are reached through buffer device addresses passed as push
// constants, so there are no descriptor sets and no 128 MiB storage-buffer range limit.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
#if defined(TEXELS)
#extension GL_EXT_buffer_reference_uvec2 : require
#endif
#if defined(HALF)
#extension GL_EXT_shader_16bit_storage : require
#endif

layout(buffer_reference, scalar, buffer_reference_align = 4) buffer Floats {
  float v[];
};
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer ConstFloats {
  float v[];
};
// Four consecutive floats at a 16-byte aligned address: one load or store per invocation where
// llvmpipe would otherwise go lane by lane once per float.
layout(buffer_reference, scalar, buffer_reference_align = 16) buffer Vec4s {
  vec4 v[];
};
layout(buffer_reference, scalar, buffer_reference_align = 16) readonly buffer ConstVec4s {
  vec4 v[];
};

#if defined(HALF)
// Four float16 values (_half kernels, see cmake/EmbedShaders.cmake), converted to float as they
// are loaded: half the bytes of ConstVec4s, with float32 arithmetic.
layout(buffer_reference, scalar, buffer_reference_align = 8) readonly buffer ConstHalf4s {
  f16vec4 v[];
};
#endif

// Workgroup size is specialization constant 0, chosen per device by the host.
layout(local_size_x_id = 0) in;

// Flat invocation index over a grid that the host may spread over x and y to stay within
// maxComputeWorkGroupCount.
uint flat_index() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
         gl_LocalInvocationID.x;
}

// _texel kernels (compiled with -DTEXELS, see cmake/EmbedShaders.cmake) read their inputs through
// uniform texel buffer views of whole memory blocks, bound with push descriptors: llvmpipe
// vectorises texel fetches but loads through pointers lane by lane, several times slower. The
// host then passes an input's element offset in its view in place of its address, so READ(b,
// ref, i) reads element i of the input whose pointer field is `ref` and whose view is binding b.
#if defined(TEXELS)
layout(set = 0, binding = 0) uniform samplerBuffer texels0;
layout(set = 0, binding = 1) uniform samplerBuffer texels1;
layout(set = 0, binding = 2) uniform samplerBuffer texels2;
layout(set = 0, binding = 3) uniform samplerBuffer texels3;
#define TEXEL_OFFSET(ref) int(uvec2(ref).x)
#define READ(b, ref, i) texelFetch(texels##b, TEXEL_OFFSET(ref) + int(i)).x
// The same for a ConstVec4s input read through its RGBA32F view; i counts vec4s.
#define READ4(b, ref, i) texelFetch(texels##b, TEXEL_OFFSET(ref) + int(i))
#else
#define READ(b, ref, i) ref.v[i]
#define READ4(b, ref, i) ref.v[i]
#endif
