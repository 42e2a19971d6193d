// libFuzzer target: the input is an ARPA file (plain or gzip).
//
// It is read with lm::read_arpa through an in-memory file. A model that reads
// is scored, asked for next-word predictions (top 5 and the whole
// distribution), written back as ARPA, and the text read again and written
// again: the two texts must be byte-identical (model_io.hpp promises
// write -> read -> write is), and text the library wrote must read back.
// lm::Error from the first read is a normal outcome; anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_util.hpp"
#include "lm/error.hpp"
#include "lm/model.hpp"
#include "lm/model_io.hpp"
#include "lm/line_reader.hpp"
#include "lm/tokenizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > lm_fuzz::kMaxInput) return 0;
  lm_fuzz::MemFile file(data, size);

  std::string first;
  try {
    lm::LineReader reader(file.path());
    const lm::Model model = lm::read_arpa(reader);
    lm_fuzz::exercise_model(model, /*built=*/true);
    std::ostringstream out;
    lm::write_arpa(model, out);
    first = std::move(out).str();
  } catch (const lm::Error&) {
    return 0;  // malformed ARPA: fine
  }

  lm_fuzz::check_arpa_round_trip(first);
  return 0;
}
