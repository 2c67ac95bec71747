#ifndef AEGAN_SHADERS_ACTIVATION_H
#define AEGAN_SHADERS_ACTIVATION_H
// The codes of the activations that kernels apply as they store (specialization constant ACT of
// conv_epilogue.glsl and batch_norm.comp), for the shaders and for engine/ops.hpp's Activation,
// whose values they are.
#define AEGAN_ACTIVATION_NONE 0
#define AEGAN_ACTIVATION_RELU 1
#define AEGAN_ACTIVATION_LEAKY_RELU 2
#define AEGAN_ACTIVATION_TANH 3
#endif
