#include <string>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

using detail::require;
using detail::shape_string;

namespace {

// Maps a coordinate of the (virtually) padded input back to the input. -1 means "a zero from
// zero padding". Reflection mirrors about the edge pixel without repeating it (PyTorch 'reflect'),
// which stays in range only when pad < size, checked by the callers.
int64_t source_index(int64_t i, int64_t size, Padding mode) {
  if (i >= 0 && i < size) return i;
  if (mode == Padding::zeros) return -1;
  return i < 0 ? -i : 2 * (size - 1) - i;
}

struct Geometry {
  int64_t n, cin, h, w;  // input
  int64_t cout, kh, kw;  // kernel
  int64_t out_h, out_w;  // output
};

void check_bias(const Tensor& bias, int64_t cout, const char* where) {
  require(bias.empty() || bias.shape == std::vector<int64_t>{cout}, where,
          "bias has shape " + shape_string(bias.shape) + ", expected [" + std::to_string(cout) +
              "] or empty");
}

Geometry conv_geometry(const Tensor& x, const Tensor& weight, int stride, int pad, Padding mode,
                       const char* where) {
  detail::require_rank4(x, where, "x");
  detail::require_rank4(weight, where, "weight");
  require(stride >= 1 && pad >= 0, where, "need stride >= 1 and pad >= 0");
  Geometry g{x.shape[0],      x.shape[1],      x.shape[2], x.shape[3], weight.shape[0],
             weight.shape[2], weight.shape[3], 0,          0};
  require(weight.shape[1] == g.cin, where,
          "weight " + shape_string(weight.shape) + " does not match input " +
              shape_string(x.shape) + " (OIHW layout)");
  if (mode == Padding::reflect) {
    require(pad < g.h && pad < g.w, where,
            "reflect padding " + std::to_string(pad) + " needs pad < H and pad < W, input " +
                shape_string(x.shape));
  }
  require(g.h + 2 * pad >= g.kh && g.w + 2 * pad >= g.kw, where,
          "kernel larger than the padded input " + shape_string(x.shape));
  g.out_h = (g.h + 2 * pad - g.kh) / stride + 1;
  g.out_w = (g.w + 2 * pad - g.kw) / stride + 1;
  return g;
}

Geometry conv_transpose_geometry(const Tensor& x, const Tensor& weight, int stride, int pad,
                                 int output_padding, const char* where) {
  detail::require_rank4(x, where, "x");
  detail::require_rank4(weight, where, "weight");
  require(stride >= 1 && pad >= 0, where, "need stride >= 1 and pad >= 0");
  // PyTorch's rule (dilation 1): more output padding would add rows no input position reaches.
  require(output_padding >= 0 && output_padding < stride, where,
          "need 0 <= output_padding < stride");
  Geometry g{x.shape[0],      x.shape[1],      x.shape[2], x.shape[3], weight.shape[1],
             weight.shape[2], weight.shape[3], 0,          0};
  require(weight.shape[0] == g.cin, where,
          "weight " + shape_string(weight.shape) + " does not match input " +
              shape_string(x.shape) + " ([Cin, Cout, k, k] layout)");
  g.out_h = (g.h - 1) * stride - 2 * pad + g.kh + output_padding;
  g.out_w = (g.w - 1) * stride - 2 * pad + g.kw + output_padding;
  require(g.out_h >= 1 && g.out_w >= 1, where, "output would be empty");
  return g;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride, int pad,
              Padding mode) {
  const Geometry g = conv_geometry(x, weight, stride, pad, mode, "conv2d");
  check_bias(bias, g.cout, "conv2d");
  Tensor y({g.n, g.cout, g.out_h, g.out_w});
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t o = 0; o < g.cout; ++o) {
      for (int64_t oh = 0; oh < g.out_h; ++oh) {
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          double acc = bias.empty() ? 0.0 : bias.data[o];
          for (int64_t c = 0; c < g.cin; ++c) {
            for (int64_t kh = 0; kh < g.kh; ++kh) {
              const int64_t ih = source_index(oh * stride - pad + kh, g.h, mode);
              if (ih < 0) continue;
              for (int64_t kw = 0; kw < g.kw; ++kw) {
                const int64_t iw = source_index(ow * stride - pad + kw, g.w, mode);
                if (iw < 0) continue;
                acc += weight.at(o, c, kh, kw) * x.at(n, c, ih, iw);
              }
            }
          }
          y.at(n, o, oh, ow) = acc;
        }
      }
    }
  }
  return y;
}

// Each term weight * x of the forward sum sends grad_y to both factors; with reflection padding
// one input pixel can appear several times, so its gradient accumulates.
ConvGrads conv2d_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                          const Tensor& grad_y, int stride, int pad, Padding mode) {
  const Geometry g = conv_geometry(x, weight, stride, pad, mode, "conv2d_backward");
  detail::require_shape(grad_y, {g.n, g.cout, g.out_h, g.out_w}, "conv2d_backward", "grad_y");
  ConvGrads grads{Tensor(x.shape), Tensor(weight.shape), has_bias ? Tensor({g.cout}) : Tensor()};
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t o = 0; o < g.cout; ++o) {
      for (int64_t oh = 0; oh < g.out_h; ++oh) {
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          const double gy = grad_y.at(n, o, oh, ow);
          if (has_bias) grads.bias.data[o] += gy;
          for (int64_t c = 0; c < g.cin; ++c) {
            for (int64_t kh = 0; kh < g.kh; ++kh) {
              const int64_t ih = source_index(oh * stride - pad + kh, g.h, mode);
              if (ih < 0) continue;
              for (int64_t kw = 0; kw < g.kw; ++kw) {
                const int64_t iw = source_index(ow * stride - pad + kw, g.w, mode);
                if (iw < 0) continue;
                grads.x.at(n, c, ih, iw) += weight.at(o, c, kh, kw) * gy;
                grads.weight.at(o, c, kh, kw) += x.at(n, c, ih, iw) * gy;
              }
            }
          }
        }
      }
    }
  }
  return grads;
}

// Scatter form: every input pixel adds x * weight into a k x k window of the output placed at
// stride steps, shifted up-left by pad. output_padding only enlarges the bottom/right edge.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, int stride,
                        int pad, int output_padding) {
  const Geometry g =
      conv_transpose_geometry(x, weight, stride, pad, output_padding, "conv_transpose2d");
  check_bias(bias, g.cout, "conv_transpose2d");
  Tensor y({g.n, g.cout, g.out_h, g.out_w});
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t o = 0; o < g.cout; ++o) {
      for (int64_t oh = 0; oh < g.out_h; ++oh) {
        for (int64_t ow = 0; ow < g.out_w; ++ow) {
          y.at(n, o, oh, ow) = bias.empty() ? 0.0 : bias.data[o];
        }
      }
    }
    for (int64_t c = 0; c < g.cin; ++c) {
      for (int64_t ih = 0; ih < g.h; ++ih) {
        for (int64_t iw = 0; iw < g.w; ++iw) {
          for (int64_t o = 0; o < g.cout; ++o) {
            for (int64_t kh = 0; kh < g.kh; ++kh) {
              const int64_t oh = ih * stride - pad + kh;
              if (oh < 0 || oh >= g.out_h) continue;
              for (int64_t kw = 0; kw < g.kw; ++kw) {
                const int64_t ow = iw * stride - pad + kw;
                if (ow < 0 || ow >= g.out_w) continue;
                y.at(n, o, oh, ow) += x.at(n, c, ih, iw) * weight.at(c, o, kh, kw);
              }
            }
          }
        }
      }
    }
  }
  return y;
}

ConvGrads conv_transpose2d_backward(const Tensor& x, const Tensor& weight, bool has_bias,
                                    const Tensor& grad_y, int stride, int pad, int output_padding) {
  const Geometry g =
      conv_transpose_geometry(x, weight, stride, pad, output_padding, "conv_transpose2d_backward");
  detail::require_shape(grad_y, {g.n, g.cout, g.out_h, g.out_w}, "conv_transpose2d_backward",
                        "grad_y");
  ConvGrads grads{Tensor(x.shape), Tensor(weight.shape), has_bias ? Tensor({g.cout}) : Tensor()};
  for (int64_t n = 0; n < g.n; ++n) {
    if (has_bias) {
      for (int64_t o = 0; o < g.cout; ++o) {
        for (int64_t oh = 0; oh < g.out_h; ++oh) {
          for (int64_t ow = 0; ow < g.out_w; ++ow)
            grads.bias.data[o] += grad_y.at(n, o, oh, ow);
        }
      }
    }
    for (int64_t c = 0; c < g.cin; ++c) {
      for (int64_t ih = 0; ih < g.h; ++ih) {
        for (int64_t iw = 0; iw < g.w; ++iw) {
          for (int64_t o = 0; o < g.cout; ++o) {
            for (int64_t kh = 0; kh < g.kh; ++kh) {
              const int64_t oh = ih * stride - pad + kh;
              if (oh < 0 || oh >= g.out_h) continue;
              for (int64_t kw = 0; kw < g.kw; ++kw) {
                const int64_t ow = iw * stride - pad + kw;
                if (ow < 0 || ow >= g.out_w) continue;
                const double gy = grad_y.at(n, o, oh, ow);
                grads.x.at(n, c, ih, iw) += weight.at(c, o, kh, kw) * gy;
                grads.weight.at(c, o, kh, kw) += x.at(n, c, ih, iw) * gy;
              }
            }
          }
        }
      }
    }
  }
  return grads;
}

namespace {

void check_reflection_pad(const std::vector<int64_t>& x_shape, int pad, const char* where) {
  require(x_shape.size() == 4, where, "input must be 4-D (NCHW), got " + shape_string(x_shape));
  require(pad >= 0 && pad < x_shape[2] && pad < x_shape[3], where,
          "reflection pad " + std::to_string(pad) + " needs 0 <= pad < H, W; input " +
              shape_string(x_shape));
}

}  // namespace

Tensor reflection_pad2d(const Tensor& x, int pad) {
  check_reflection_pad(x.shape, pad, "reflection_pad2d");
  const auto& s = x.shape;
  Tensor y({s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad});
  for (int64_t n = 0; n < s[0]; ++n) {
    for (int64_t c = 0; c < s[1]; ++c) {
      for (int64_t h = 0; h < y.shape[2]; ++h) {
        for (int64_t w = 0; w < y.shape[3]; ++w) {
          y.at(n, c, h, w) = x.at(n, c, source_index(h - pad, s[2], Padding::reflect),
                                  source_index(w - pad, s[3], Padding::reflect));
        }
      }
    }
  }
  return y;
}

Tensor reflection_pad2d_backward(const Tensor& grad_y, std::vector<int64_t> x_shape, int pad) {
  check_reflection_pad(x_shape, pad, "reflection_pad2d_backward");
  const auto& s = x_shape;
  detail::require_shape(grad_y, {s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad},
                        "reflection_pad2d_backward", "grad_y");
  Tensor grad_x(x_shape);
  for (int64_t n = 0; n < s[0]; ++n) {
    for (int64_t c = 0; c < s[1]; ++c) {
      for (int64_t h = 0; h < grad_y.shape[2]; ++h) {
        for (int64_t w = 0; w < grad_y.shape[3]; ++w) {
          grad_x.at(n, c, source_index(h - pad, s[2], Padding::reflect),
                    source_index(w - pad, s[3], Padding::reflect)) += grad_y.at(n, c, h, w);
        }
      }
    }
  }
  return grad_x;
}

}  // namespace aegan::reference
