// Shape checks shared by the reference .cpp files; not part of the public API.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/reference/reference.hpp"

namespace aegan::reference::detail {

inline std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

[[noreturn]] inline void fail(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string("aegan::reference::") + where + ": " + what);
}

inline void require(bool ok, const char* where, const std::string& what) {
  if (!ok) fail(where, what);
}

inline void require_same_shape(const Tensor& a, const Tensor& b, const char* where) {
  require(a.shape == b.shape, where,
          "shape mismatch " + shape_string(a.shape) + " vs " + shape_string(b.shape));
}

inline void require_shape(const Tensor& t, const std::vector<int64_t>& want, const char* where,
                          const char* name) {
  require(t.shape == want, where,
          std::string(name) + " has shape " + shape_string(t.shape) + ", expected " +
              shape_string(want));
}

inline void require_rank4(const Tensor& t, const char* where, const char* name) {
  require(t.shape.size() == 4, where,
          std::string(name) + " must be 4-D (NCHW), got " + shape_string(t.shape));
}

}  // namespace aegan::reference::detail
