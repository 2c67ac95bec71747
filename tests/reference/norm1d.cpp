// BatchNorm1d on [N, C] is BatchNorm2d on [N, C, 1, 1] (baselines.md, BN1d): the 2-D reference
// on that view, with results of x's shape.
#include <string>
#include <utility>

#include "tests/reference/detail.hpp"
#include "tests/reference/reference.hpp"

namespace aegan::reference {

namespace {

Tensor as_planes(const Tensor& t, const char* where, const char* name) {
  detail::require(t.shape.size() == 2, where,
                  std::string(name) + " must be [N, C], got " + detail::shape_string(t.shape));
  return Tensor({t.shape[0], t.shape[1], 1, 1}, t.data);
}

Tensor as_rows(Tensor t) {
  t.shape = {t.shape[0], t.shape[1]};
  return t;
}

}  // namespace

BatchNormForward batch_norm1d_train(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                    double eps) {
  BatchNormForward f =
      batch_norm2d_train(as_planes(x, "batch_norm1d_train", "x"), gamma, beta, eps);
  f.y = as_rows(std::move(f.y));
  return f;
}

BatchNormGrads batch_norm1d_train_backward(const Tensor& x, const Tensor& gamma,
                                           const Tensor& grad_y, double eps) {
  const char* where = "batch_norm1d_train_backward";
  BatchNormGrads g = batch_norm2d_train_backward(as_planes(x, where, "x"), gamma,
                                                 as_planes(grad_y, where, "grad_y"), eps);
  g.x = as_rows(std::move(g.x));
  return g;
}

Tensor batch_norm1d_eval(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                         const Tensor& running_mean, const Tensor& running_var, double eps) {
  return as_rows(batch_norm2d_eval(as_planes(x, "batch_norm1d_eval", "x"), gamma, beta,
                                   running_mean, running_var, eps));
}

BatchNormGrads batch_norm1d_eval_backward(const Tensor& x, const Tensor& gamma,
                                          const Tensor& running_mean, const Tensor& running_var,
                                          const Tensor& grad_y, double eps) {
  const char* where = "batch_norm1d_eval_backward";
  BatchNormGrads g =
      batch_norm2d_eval_backward(as_planes(x, where, "x"), gamma, running_mean, running_var,
                                 as_planes(grad_y, where, "grad_y"), eps);
  g.x = as_rows(std::move(g.x));
  return g;
}

}  // namespace aegan::reference
