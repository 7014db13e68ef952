#pragma once
// Internal to core/kv: a tiny deterministic binary format. Unsigned LEB128
// varints for counts and lengths, zigzag varints for signed integers, and
// length-prefixed byte strings. ByteReader asserts on anything malformed,
// because it only ever reads bytes raftsim wrote itself.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/assert.hpp"

namespace raftsim::kv::detail {

class ByteWriter {
 public:
  void u64(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void i64(std::int64_t v) {
    // zigzag: small negative numbers stay short
    u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void boolean(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void byte(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void bytes(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      RAFTSIM_ASSERT(shift < 64, "kv codec: varint too long at byte {}", pos_);
      const auto b = static_cast<std::uint8_t>(next());
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  std::int64_t i64() {
    const std::uint64_t z = u64();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  bool boolean() {
    const char c = next();
    RAFTSIM_ASSERT(c == '\0' || c == '\1', "kv codec: bad boolean at byte {}", pos_ - 1);
    return c == '\1';
  }
  std::uint8_t byte() { return static_cast<std::uint8_t>(next()); }
  std::string bytes() {
    const std::uint64_t n = u64();
    RAFTSIM_ASSERT(n <= in_.size() - pos_, "kv codec: string of {} bytes overruns input at byte {}",
                   n, pos_);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items that each take at least one byte: bounded by what is left.
  std::size_t count() {
    const std::uint64_t n = u64();
    RAFTSIM_ASSERT(n <= in_.size() - pos_, "kv codec: count {} exceeds input at byte {}", n, pos_);
    return static_cast<std::size_t>(n);
  }
  bool done() const { return pos_ == in_.size(); }
  void expect_done() const {
    RAFTSIM_ASSERT(done(), "kv codec: {} trailing bytes", in_.size() - pos_);
  }

 private:
  char next() {
    RAFTSIM_ASSERT(pos_ < in_.size(), "kv codec: truncated input at byte {}", pos_);
    return in_[pos_++];
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace raftsim::kv::detail
