#pragma once
#include <stdexcept>
#include <string>

namespace aegan {

// Every user-facing failure (bad input, missing device, out of memory, corrupt file) is an Error
// whose what() is one self-contained line; the command line prints it and exits non-zero.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace aegan
