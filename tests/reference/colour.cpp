#include <stdexcept>
#include <string>

#include "tests/reference/reference.hpp"

namespace aegan::reference {
namespace {

void check_image_batch(const Tensor& x, const char* what) {
  if (x.shape.size() != 4 || x.shape[1] != 3 || x.numel() == 0) {
    throw std::invalid_argument(std::string(what) + ": x must be a nonempty [N, 3, H, W]");
  }
}

}  // namespace

Tensor colour_mean(const Tensor& x) {
  check_image_batch(x, "colour_mean");
  const int64_t n = x.shape[0], h = x.shape[2], w = x.shape[3];
  Tensor mean({n, 3});
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t c = 0; c < 3; ++c) {
      double total = 0.0;
      for (int64_t y = 0; y < h; ++y)
        for (int64_t z = 0; z < w; ++z)
          total += x.at(i, c, y, z);
      mean.data[i * 3 + c] = total / static_cast<double>(h * w);
    }
  }
  return mean;
}

Tensor colour_mean_backward(const std::vector<int64_t>& x_shape, const Tensor& grad_y) {
  Tensor dx(x_shape);
  check_image_batch(dx, "colour_mean_backward");
  const double pixels = static_cast<double>(x_shape[2] * x_shape[3]);
  for (int64_t i = 0; i < x_shape[0]; ++i)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < x_shape[2]; ++y)
        for (int64_t z = 0; z < x_shape[3]; ++z)
          dx.at(i, c, y, z) = grad_y.data[i * 3 + c] / pixels;
  return dx;
}

Tensor colour_covariance(const Tensor& x) {
  const Tensor mean = colour_mean(x);
  const int64_t n = x.shape[0], h = x.shape[2], w = x.shape[3];
  Tensor covariance({n, 3, 3});
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t a = 0; a < 3; ++a) {
      for (int64_t b = 0; b < 3; ++b) {
        double total = 0.0;
        for (int64_t y = 0; y < h; ++y)
          for (int64_t z = 0; z < w; ++z)
            total += (x.at(i, a, y, z) - mean.data[i * 3 + a]) *
                     (x.at(i, b, y, z) - mean.data[i * 3 + b]);
        covariance.data[(i * 3 + a) * 3 + b] = total / static_cast<double>(h * w);
      }
    }
  }
  return covariance;
}

// With d_p = s_p - mu, dL/ds_p = (1/HW) sum_ab G_ab (e_a d_p,b + d_p,a e_b) - the terms through mu,
// whose factor sum_q d_q is zero.
Tensor colour_covariance_backward(const Tensor& x, const Tensor& grad_y) {
  const Tensor mean = colour_mean(x);
  const int64_t n = x.shape[0], h = x.shape[2], w = x.shape[3];
  Tensor dx(x.shape);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t y = 0; y < h; ++y) {
      for (int64_t z = 0; z < w; ++z) {
        for (int64_t a = 0; a < 3; ++a) {
          double total = 0.0;
          for (int64_t b = 0; b < 3; ++b) {
            const double centred = x.at(i, b, y, z) - mean.data[i * 3 + b];
            total +=
                (grad_y.data[(i * 3 + a) * 3 + b] + grad_y.data[(i * 3 + b) * 3 + a]) * centred;
          }
          dx.at(i, a, y, z) = total / static_cast<double>(h * w);
        }
      }
    }
  }
  return dx;
}

}  // namespace aegan::reference
