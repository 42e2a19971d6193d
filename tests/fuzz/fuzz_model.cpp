// libFuzzer target: the input is a binary model file (docs/FORMAT.md), or
// anything else lm::load_model accepts (it falls back to ARPA).
//
// So that mutations get past the integrity checks, an input that starts with
// the magic and is at least a header long (header_bytes of its version: a
// version 8 seed's is shorter) gets two header fields
// rewritten before it is written to an in-memory file (other inputs go to the
// ARPA reader untouched). The input's own `checksum` field is free for
// control bits, since it is always recomputed; its low byte says:
//   bits 0-3 == 0xF  keep the input's file_size (exercises the size check);
//                    otherwise file_size = the actual size;
//   bit 4            "fit": pad with zeros or truncate the input to the size
//                    the header's counts imply (compute_layout), so that
//                    mutated counts can reach the section checks;
// then checksum = lm::detail::file_checksum (header and every byte after it),
// so that Model::verify (run by write_arpa) reaches its structural checks.
// The model is loaded with lm::load_model(path) and, if it loads, scored,
// asked for predictions and written as ARPA. lm::Error is a normal outcome;
// anything else (crash, sanitizer report, hang, other exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "model/model_format.hpp"
#include "fuzz_util.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/model_io.hpp"

namespace {

using lm::detail::FileHeader;

constexpr std::size_t kMaxFitSize = 1 << 20;

void patch_header(std::vector<std::uint8_t>* bytes) {
  if (bytes->size() < 12 || std::memcmp(bytes->data(), lm::detail::kMagic, sizeof(lm::detail::kMagic)) != 0) {
    return;  // not a binary model: load_model reads it as ARPA, leave it alone
  }
  std::uint32_t version = 0;
  std::memcpy(&version, bytes->data() + 8, sizeof(version));
  const std::size_t header = lm::detail::header_bytes(version);
  if (bytes->size() < header) return;
  FileHeader h{};
  std::memcpy(&h, bytes->data(), header);
  const std::uint8_t control = static_cast<std::uint8_t>(h.checksum & 0xFF);
  if ((control & 0x10) != 0 && h.order >= 1 && h.order <= static_cast<std::uint32_t>(lm::kMaxOrder)) {
    const std::uint64_t total = lm::detail::compute_layout(h).total;
    if (total >= header && total <= kMaxFitSize) bytes->resize(total, 0);
  }
  if ((control & 0x0F) != 0x0F) h.file_size = bytes->size();
  h.checksum = lm::detail::file_checksum(h, reinterpret_cast<const std::byte*>(bytes->data()), bytes->size());
  std::memcpy(bytes->data(), &h, header);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > lm_fuzz::kMaxInput) return 0;
  std::vector<std::uint8_t> bytes(data, data + size);
  patch_header(&bytes);
  lm_fuzz::MemFile file(bytes.data(), bytes.size());
  try {
    const lm::Model model = lm::load_model(file.path());
    lm_fuzz::exercise_model(model, /*built=*/false);
    std::ostringstream arpa;
    lm::write_arpa(model, arpa);
  } catch (const lm::Error&) {
    // Not a model, corrupt or truncated: fine.
  }
  return 0;
}
