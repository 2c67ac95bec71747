#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>

namespace aegan::io {

// Takes the file's bytes in order, in as many pieces as the producer likes, so that large files
// (checkpoints) can be written straight from their tensors without one big staging buffer.
using ByteSink = std::function<void(std::span<const std::byte>)>;

// Replaces `path` so that, whatever fails or crashes, it holds either its old content or all of
// the new content, never a mix: the bytes go to a temporary file in the same directory (rename
// is only atomic within one file system), which is flushed to disk, renamed over the target, and
// the directory flushed so the rename itself survives a power cut. On failure the temporary file
// is removed. File-system errors become aegan::Error naming the path and the reason; exceptions
// thrown by `produce` pass through unchanged.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const ByteSink&)>& produce);

void write_file_atomically(const std::filesystem::path& path, std::span<const std::byte> bytes);

}  // namespace aegan::io
