// Shared by the implicit-GEMM data kernels (conv_gemm.comp's data variant, conv_rows.comp, the
// experimental conv_tiled.comp): their push constants (conv_push.h), the inference epilogue, and
// how they read their input x and packed weights w. The _texel variants read both from the
// element offsets in the push constants' x_first and w_first on (the pointers are unused); the
// _half variants read weights packed as float16 (conv_pack.comp with HALF): half the bytes per
// load, every product and sum still in float32.
#include "common.glsl"
#include "conv_epilogue.glsl"
#include "conv_push.h"

#if defined(TEXELS)
#define LOAD_X(i) texelFetch(texels0, int(p.x_first + (i))).x
#define LOAD_W4(i) texelFetch(texels1, int(p.w_first + (i)))
#else
#define LOAD_X(i) p.x.v[i]
#define LOAD_W4(i) vec4(p.w.v[i])
#endif
