#pragma once
// The trace: every event folds into a running 64-bit hash (the run's
// fingerprint, CONTRACT §2), and, when a file is given, is written as one
// JSON line. Only integers feed the hash, so it is the same on every
// compiler and build type.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace raftsim::sim {

class Trace {
 public:
  Trace() = default;
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Opens FILE for JSON lines; throws InputError when it cannot be written.
  void open(const std::string& path);
  bool writing() const { return file_ != nullptr; }

  void mix(std::uint64_t value) {
    // A multiply-xorshift fold (from splitmix64's finaliser): cheap, and
    // every input bit reaches every output bit.
    hash_ = (hash_ ^ value) * 0xbf58476d1ce4e5b9ULL;
    hash_ ^= hash_ >> 31;
  }
  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;

  // One JSON line: {"t": time, "event": name, <fields>} where `fields` is a
  // preformatted JSON fragment such as "\"node\":\"n1\"".
  void write(std::int64_t time_us, std::string_view event, std::string_view fields);
  void close();

 private:
  std::uint64_t hash_ = 0x9e3779b97f4a7c15ULL;
  std::FILE* file_ = nullptr;
  std::string path_;
};

}  // namespace raftsim::sim
