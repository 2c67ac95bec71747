#include "nets/report/png.hpp"

#include <unistd.h>

#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <stb/stb_image_write.h>

#include "engine/error.hpp"

namespace aegan::report {

namespace {

void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<char>*>(context);
  const char* bytes = static_cast<const char*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

void write_png(const std::filesystem::path& path, const Canvas& canvas) {
  std::vector<char> encoded;
  if (!stbi_write_png_to_func(append_bytes, &encoded, canvas.width(), canvas.height(), 3,
                              canvas.bytes().data(), canvas.width() * 3)) {
    throw Error("cannot encode PNG for " + path.string());
  }
  // The process id keeps two processes writing the same report from sharing a temporary file.
  std::filesystem::path temporary = path;
  temporary += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(encoded.data(), std::streamsize(encoded.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error("cannot write " + path.string());
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error("cannot write " + path.string() + ": " + error.message());
  }
}

}  // namespace aegan::report
