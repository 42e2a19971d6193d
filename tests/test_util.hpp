// Helpers shared by the unit tests.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "lm/estimator.hpp"
#include "lm/ngram_counts.hpp"
#include "lm/line_reader.hpp"
#include "lm/model_io.hpp"
#include "lm/ngram_table.hpp"
#include "lm/tokenizer.hpp"

namespace lm::test {

// A file in a fresh temporary directory, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& contents = "", const std::string& name = "file.txt") {
    char dir_template[] = "/tmp/lm_test_XXXXXX";
    dir_ = mkdtemp(dir_template);
    path_ = dir_ + "/" + name;
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove_all(dir_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string path_;
};

inline std::string test_data(const std::string& name) { return std::string(LM_TEST_DATA) + "/" + name; }

inline NGramCounts count_file(const std::string& path, int order) {
  LineReader reader(path);
  return count_corpus(reader, order);
}

inline NGramCounts count_text(const std::string& text, int order) {
  TempFile file(text);
  return count_file(file.path(), order);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The value of a model's smoothing parameter (e.g. "D2" of order 3); NaN if it has none.
inline double smoothing_param(const ModelInfo& info, const std::string& name, int order) {
  for (const SmoothingParam& p : info.smoothing.params) {
    if (p.name == name && p.order == order) return p.value;
  }
  return std::nan("");
}

// ARPA text of a model or a table, as write_arpa writes it.
inline std::string arpa_of(const Model& m) {
  std::ostringstream out;
  write_arpa(m, out);
  return out.str();
}
inline std::string arpa_of(const NGramTable& t) {
  std::ostringstream out;
  write_arpa(t, out);
  return out.str();
}

// A model, or a table, read from ARPA text.
inline Model read_arpa_text(const std::string& text) {
  TempFile file(text, "m.arpa");
  LineReader reader(file.path());
  return read_arpa(reader);
}
inline NGramTable read_arpa_table_text(const std::string& text) {
  TempFile file(text, "t.arpa");
  LineReader reader(file.path());
  return read_arpa_table(reader);
}

}  // namespace lm::test
