#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

using detail::require;

namespace {

// Checks x is NCHW and each per-channel tensor is [C]; returns C.
int64_t check_channels(const Tensor& x, std::initializer_list<const Tensor*> per_channel,
                       const char* where) {
  detail::require_rank4(x, where, "x");
  const int64_t c = x.shape[1];
  for (const Tensor* t : per_channel)
    detail::require_shape(*t, {c}, where, "per-channel tensor");
  require(x.shape[0] * x.shape[2] * x.shape[3] >= 1, where, "no values per channel");
  return c;
}

struct ChannelStats {
  Tensor mean, var_biased;
};

ChannelStats batch_stats(const Tensor& x) {
  const auto& s = x.shape;
  const double count = static_cast<double>(s[0] * s[2] * s[3]);
  ChannelStats st{Tensor({s[1]}), Tensor({s[1]})};
  for (int64_t c = 0; c < s[1]; ++c) {
    double total = 0.0;
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w)
          total += x.at(n, c, h, w);
      }
    }
    const double mu = total / count;
    // Two passes (mean first, then squared deviations) avoid the cancellation of E[x^2] - E[x]^2.
    double squares = 0.0;
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w) {
          const double d = x.at(n, c, h, w) - mu;
          squares += d * d;
        }
      }
    }
    st.mean.data[c] = mu;
    st.var_biased.data[c] = squares / count;
  }
  return st;
}

// y = gamma * (x - mean) / sqrt(var + eps) + beta with the given per-channel statistics.
Tensor normalise(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& mean_,
                 const Tensor& var, double eps) {
  const auto& s = x.shape;
  Tensor y(s);
  for (int64_t c = 0; c < s[1]; ++c) {
    const double inv_std = 1.0 / std::sqrt(var.data[c] + eps);
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w) {
          y.at(n, c, h, w) =
              gamma.data[c] * (x.at(n, c, h, w) - mean_.data[c]) * inv_std + beta.data[c];
        }
      }
    }
  }
  return y;
}

}  // namespace

BatchNormForward batch_norm2d_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    double eps) {
  check_channels(x, {&gamma, &beta}, "batch_norm2d_train");
  ChannelStats st = batch_stats(x);
  Tensor y = normalise(x, gamma, beta, st.mean, st.var_biased, eps);
  return {std::move(y), std::move(st.mean), std::move(st.var_biased)};
}

void batch_norm2d_update_running(Tensor& running_mean, Tensor& running_var,
                                 const BatchNormForward& f, int64_t count_per_channel,
                                 double momentum) {
  const char* where = "batch_norm2d_update_running";
  detail::require_same_shape(running_mean, f.mean, where);
  detail::require_same_shape(running_var, f.var_biased, where);
  // PyTorch refuses to train BN on one value per channel: the unbiased variance would be 0/0.
  require(count_per_channel >= 2, where, "need at least 2 values per channel");
  const double bessel =
      static_cast<double>(count_per_channel) / static_cast<double>(count_per_channel - 1);
  for (size_t c = 0; c < running_mean.data.size(); ++c) {
    running_mean.data[c] = (1.0 - momentum) * running_mean.data[c] + momentum * f.mean.data[c];
    running_var.data[c] =
        (1.0 - momentum) * running_var.data[c] + momentum * f.var_biased.data[c] * bessel;
  }
}

// With xhat = (x - mean) * r, r = 1 / sqrt(var + eps), and M values per channel, the batch
// statistics make every xhat depend on every x of its channel:
//   d xhat_j / d x_i = r * (delta_ij - 1/M - xhat_i * xhat_j / M).
// Contracting with g_j = dL/dxhat_j = grad_y_j * gamma gives
//   dL/dx_i = r * (g_i - mean_j(g_j) - xhat_i * mean_j(g_j * xhat_j)).
BatchNormGrads batch_norm2d_train_backward(const Tensor& x, const Tensor& gamma,
                                           const Tensor& grad_y, double eps) {
  const char* where = "batch_norm2d_train_backward";
  const int64_t channels = check_channels(x, {&gamma}, where);
  detail::require_same_shape(x, grad_y, where);
  const auto& s = x.shape;
  const double count = static_cast<double>(s[0] * s[2] * s[3]);
  const ChannelStats st = batch_stats(x);
  BatchNormGrads grads{Tensor(s), Tensor({channels}), Tensor({channels})};
  for (int64_t c = 0; c < channels; ++c) {
    const double r = 1.0 / std::sqrt(st.var_biased.data[c] + eps);
    auto xhat = [&](int64_t n, int64_t h, int64_t w) {
      return (x.at(n, c, h, w) - st.mean.data[c]) * r;
    };
    double sum_g = 0.0, sum_g_xhat = 0.0, sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w) {
          const double dy = grad_y.at(n, c, h, w);
          sum_dy += dy;
          sum_dy_xhat += dy * xhat(n, h, w);
          sum_g += dy * gamma.data[c];
          sum_g_xhat += dy * gamma.data[c] * xhat(n, h, w);
        }
      }
    }
    grads.beta.data[c] = sum_dy;
    grads.gamma.data[c] = sum_dy_xhat;
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w) {
          const double g = grad_y.at(n, c, h, w) * gamma.data[c];
          grads.x.at(n, c, h, w) = r * (g - sum_g / count - xhat(n, h, w) * sum_g_xhat / count);
        }
      }
    }
  }
  return grads;
}

Tensor batch_norm2d_eval(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& running_mean, const Tensor& running_var, double eps) {
  check_channels(x, {&gamma, &beta, &running_mean, &running_var}, "batch_norm2d_eval");
  return normalise(x, gamma, beta, running_mean, running_var, eps);
}

// In eval mode the statistics are constants, so BN is a per-channel affine map of x.
BatchNormGrads batch_norm2d_eval_backward(const Tensor& x, const Tensor& gamma,
                                          const Tensor& running_mean, const Tensor& running_var,
                                          const Tensor& grad_y, double eps) {
  const char* where = "batch_norm2d_eval_backward";
  const int64_t channels = check_channels(x, {&gamma, &running_mean, &running_var}, where);
  detail::require_same_shape(x, grad_y, where);
  const auto& s = x.shape;
  BatchNormGrads grads{Tensor(s), Tensor({channels}), Tensor({channels})};
  for (int64_t c = 0; c < channels; ++c) {
    const double r = 1.0 / std::sqrt(running_var.data[c] + eps);
    for (int64_t n = 0; n < s[0]; ++n) {
      for (int64_t h = 0; h < s[2]; ++h) {
        for (int64_t w = 0; w < s[3]; ++w) {
          const double dy = grad_y.at(n, c, h, w);
          const double xhat = (x.at(n, c, h, w) - running_mean.data[c]) * r;
          grads.x.at(n, c, h, w) = dy * gamma.data[c] * r;
          grads.gamma.data[c] += dy * xhat;
          grads.beta.data[c] += dy;
        }
      }
    }
  }
  return grads;
}

}  // namespace aegan::reference
