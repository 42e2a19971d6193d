// A file written to a temporary name beside its destination and renamed into
// place by commit(); destroyed without commit(), it removes the temporary.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lm::detail {

class AtomicFile {
 public:
  // Throws lm::Error when the temporary file cannot be created.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Appends bytes. Throws lm::Error (for example when the disk is full).
  void write(const void* data, std::size_t bytes);
  // Flushes, syncs and renames over the destination. Throws lm::Error.
  void commit();
  [[nodiscard]] const std::string& temp_path() const { return temp_; }

 private:
  [[noreturn]] void fail(std::string_view what, int err);
  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

}  // namespace lm::detail
