#include "lm/model_io.hpp"

#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "io/atomic_file.hpp"
#include "model/model_format.hpp"
#include "lm/error.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

namespace lm {

void check_output_path(const std::string& path, OutputFormat format) {
  const detail::OutputTarget target = detail::resolve_output(path);
  if (format != OutputFormat::kBinary) return;
  if (detail::gz_name(path)) {
    throw Error(fmt::format("{}: lm's binary model is mapped from disk and cannot be gzipped; drop the .gz "
                            "(an ARPA file can be gzipped)",
                            path));
  }
  if (target.kind == detail::OutputTarget::Kind::kDescriptor && isatty(target.fd) != 0) {
    throw Error(fmt::format("{}: refusing to write a binary model to a terminal; redirect the output to a file "
                            "or give a file name",
                            path));
  }
}

bool same_output(const std::string& a, const std::string& b) {
  const auto name = [](const std::string& p) { return p == "-" ? std::string("/dev/stdout") : p; };
  struct stat sa {}, sb {};
  if (::stat(name(a).c_str(), &sa) == 0 && ::stat(name(b).c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  return name(a) == name(b);
}

namespace {

// Every array of a layout, in file order.
std::vector<detail::Section> sections(const detail::Layout& layout) {
  std::vector<detail::Section> out = {layout.vocab_chars, layout.vocab_offsets, layout.vocab_slots, layout.by_prob};
  for (const detail::Layout::LevelSections& l : layout.levels) {
    out.insert(out.end(), {l.keys, l.records, l.exceptions, l.prob_centers, l.backoff_centers, l.top_nodes,
                           l.top_entries});
  }
  out.insert(out.end(), {layout.bigram_hash, layout.trigram_hash});
  return out;
}

// A model of an older readable version (8) in the current one: the same
// arrays after the longer header (they move as the key lines' alignment
// says), the text options it reads by (the default), a new size and
// checksum. Checks the old checksum first, so that a damaged file is not
// given a valid one.
Buffer upgraded_buffer(const Model& model, const std::string& path) {
  const Buffer& old = model.buffer();
  detail::FileHeader h = detail::load_header(old.data());
  if (detail::file_checksum(h, old.data(), old.size()) != h.checksum) {
    throw Error(fmt::format("cannot write {}: the version {} model it is made from fails its checksum (the file "
                            "is corrupt); retrain or copy it again",
                            path, h.version));
  }
  const std::vector<detail::Section> from = sections(detail::compute_layout(h));
  h.version = detail::kFormatVersion;
  detail::set_text_options(model.info().text, &h);
  const detail::Layout layout = detail::compute_layout(h);
  const std::vector<detail::Section> to = sections(layout);
  h.file_size = layout.total;
  Buffer buffer(layout.total);
  std::byte* base = buffer.mutable_data();
  for (std::size_t i = 0; i < to.size(); ++i) std::memcpy(base + to[i].offset, old.data() + from[i].offset, to[i].bytes);
  h.checksum = detail::file_checksum(h, base, layout.total);
  std::memcpy(base, &h, detail::header_bytes(h.version));
  return buffer;
}

}  // namespace

void save_model(const Model& model, const std::string& path) {
  check_output_path(path, OutputFormat::kBinary);
  // Writers write the current version, also of a model read from an older file.
  const Buffer upgraded = model.format_version() == detail::kFormatVersion ? Buffer() : upgraded_buffer(model, path);
  const Buffer& buffer = upgraded.size() != 0 ? upgraded : model.buffer();
  detail::AtomicFile file(path);
  file.write(buffer.data(), buffer.size());
  file.commit();
}

void remove_partial_outputs() noexcept { detail::remove_partial_outputs_now(); }

Model load_model(const std::string& path) {
  if (path.empty()) throw Error("empty model path; give -m FILE");
  Buffer buffer = Buffer::map_file(path);
  if (buffer.size() >= sizeof(detail::kMagic) &&
      std::memcmp(buffer.data(), detail::kMagic, sizeof(detail::kMagic)) == 0) {
    return Model(std::move(buffer), path);
  }
  // Anything else should be ARPA text, possibly gzipped: the reader says so if not.
  buffer = Buffer();
  LineReader reader(path);
  return read_arpa(reader);
}

bool is_binary_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof(detail::kMagic)] = {};
  return in.read(magic, sizeof(magic)) && std::memcmp(magic, detail::kMagic, sizeof(magic)) == 0;
}

Model load_verified_model(const std::string& path) {
  if (path.empty()) throw Error("empty model path; give -m FILE");
  Buffer buffer = Buffer::map_file(path);
  std::uint32_t version = 0;
  if (buffer.size() >= 12 && std::memcmp(buffer.data(), detail::kMagic, sizeof(detail::kMagic)) == 0) {
    std::memcpy(&version, buffer.data() + 8, sizeof(version));
  }
  // Other versions and short files: load_model says what is wrong.
  if (detail::readable_version(version) && buffer.size() >= detail::header_bytes(version)) {
    const detail::FileHeader h = detail::load_header(buffer.data());
    if (detail::file_checksum(h, buffer.data(), buffer.size()) != h.checksum) {
      throw FormatError(path, 0,
                        "checksum mismatch: the model file is corrupt (damaged on disk or in transfer); "
                        "retrain or copy it again");
    }
  }
  buffer = Buffer();
  Model model = load_model(path);
  model.verify();
  return model;
}

}  // namespace lm
