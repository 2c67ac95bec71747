// Shared by every kernel: tensors are reached through buffer device addresses passed as push
// constants, so there are no descriptor sets and no 128 MiB storage-buffer range limit.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require

layout(buffer_reference, scalar, buffer_reference_align = 4) buffer Floats {
  float v[];
};
layout(buffer_reference, scalar, buffer_reference_align = 4) readonly buffer ConstFloats {
  float v[];
};

// Workgroup size is specialization constant 0, chosen per device by the host.
layout(local_size_x_id = 0) in;

// Flat invocation index over a grid that the host may spread over x and y to stay within
// maxComputeWorkGroupCount.
uint flat_index() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
         gl_LocalInvocationID.x;
}
