#include "run/replay_state.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>

#include "matchfund/bad_event.hpp"
#include "matchfund/error.hpp"
#include "support/binary_stream.hpp"

namespace matchfund::detail {

namespace {

constexpr std::string_view state_magic = "matchfund replay state\n";
constexpr std::uint32_t state_format_version = 1;

}  // namespace

std::uint64_t events_digest_step(std::uint64_t digest, const event& e) noexcept {
  // FNV-1a over the id, a separator, the time's eight bytes.
  const auto mix = [&](unsigned char byte) { digest = (digest ^ byte) * 0x100000001B3ULL; };
  if (digest == 0) digest = 0xCBF29CE484222325ULL;
  for (const char c : e.id) mix(static_cast<unsigned char>(c));
  mix(0x1F);
  const auto ms = static_cast<std::uint64_t>(e.time.epoch_ms());
  for (int k = 0; k < 8; ++k) mix(static_cast<unsigned char>((ms >> (8 * k)) & 0xFF));
  return digest;
}

void write_replay_state(const std::filesystem::path& file, const replay_state& state) {
  std::string bytes(state_magic);
  binary_writer out(bytes);
  out.u32(state_format_version);
  out.u64(state.position);
  out.u64(state.events_digest);
  out.u64(state.events_processed);
  out.u64(state.donations);
  out.u64(state.holds);
  for (const std::uint64_t count : state.outcome_counts) out.u64(count);
  out.u64(state.refused.size());
  for (const auto& [file_index, bad] : state.refused) {
    out.u32(file_index);
    out.u64(bad.line);
    out.text(bad.id);
    out.text(to_string(bad.reason));
  }
  out.text(state.ledger_csv);
  out.boolean(state.outcomes_csv.has_value());
  if (state.outcomes_csv) out.text(*state.outcomes_csv);
  out.text(state.engine_snapshot);
  out.u64(checksum64(bytes));

  std::filesystem::path partial = file;
  partial += ".partial";
  {
    std::ofstream stream(partial, std::ios::binary | std::ios::trunc);
    stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!stream) {
      std::filesystem::remove(partial);
      throw error("cannot write " + file.generic_string());
    }
  }
  std::filesystem::rename(partial, file);
}

replay_state read_replay_state(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw snapshot_error("cannot read " + file.generic_string());
  const std::string bytes((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  const std::string where = file.generic_string() + ": ";
  if (bytes.substr(0, state_magic.size()) != state_magic) throw snapshot_error(where + "not a matchfund replay state");
  if (bytes.size() < state_magic.size() + 4 + 8) throw snapshot_error(where + "the state is cut short");
  const std::string_view checked(bytes.data(), bytes.size() - 8);
  binary_reader trailer(std::string_view(bytes).substr(checked.size()));
  binary_reader in(checked.substr(state_magic.size()));
  try {
    const std::uint32_t version = in.u32();
    if (version != state_format_version) {
      throw snapshot_error("a replay state of format version " + std::to_string(version) +
                           "; this matchfund reads version " + std::to_string(state_format_version));
    }
    if (trailer.u64() != checksum64(checked)) throw snapshot_error("the state is damaged or cut short (its checksum does not match)");
    replay_state state;
    state.position = in.u64();
    state.events_digest = in.u64();
    state.events_processed = in.u64();
    state.donations = in.u64();
    state.holds = in.u64();
    for (std::uint64_t& count : state.outcome_counts) count = in.u64();
    const std::uint64_t refused = in.count(28);
    for (std::uint64_t k = 0; k < refused; ++k) {
      const std::uint32_t file_index = in.u32();
      const std::uint64_t line = in.u64();
      std::string id(in.text());
      const auto reason = parse_bad_event_reason(in.text());
      if (!reason) binary_reader::fail("a refusal's reason");
      state.refused.push_back({file_index, rejected_event{{}, line, std::move(id), *reason}});
    }
    state.ledger_csv = std::string(in.text());
    if (in.boolean()) state.outcomes_csv = std::string(in.text());
    state.engine_snapshot = std::string(in.text());
    if (!in.at_end()) binary_reader::fail("bytes left after its fields");
    return state;
  } catch (const snapshot_error& e) {
    throw snapshot_error(where + e.what());
  }
}

}  // namespace matchfund::detail
