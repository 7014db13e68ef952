#pragma once
// Go's sort.Sort as of Go 1.19 (pattern-defeating quicksort, src/sort/
// zsortinterface.go), ported step for step. etcd 3.4's server sorts range
// results with sort.Sort (etcdserver/apply.go), which is not stable: keys
// whose sort field ties come out in the order this algorithm leaves them.
// raftsim's store sorts with the same algorithm so that `raftsim kv` prints
// the same order as etcd for every range, ties included (Debian's etcd
// 3.4.23 is built with Go 1.19). Deterministic: its only "randomness" is an
// xorshift seeded with the length, as in Go.
#include <bit>
#include <cstdint>

namespace raftsim::kv::go_sort {

namespace detail {

// Less(i, j) and Swap(i, j) over indices, as Go's sort.Interface.
template <class Data>
void insertion_sort(Data& data, long a, long b) {
  for (long i = a + 1; i < b; ++i)
    for (long j = i; j > a && data.less(j, j - 1); --j) data.swap(j, j - 1);
}

template <class Data>
void sift_down(Data& data, long lo, long hi, long first) {
  long root = lo;
  for (;;) {
    long child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && data.less(first + child, first + child + 1)) ++child;
    if (!data.less(first + root, first + child)) return;
    data.swap(first + root, first + child);
    root = child;
  }
}

template <class Data>
void heap_sort(Data& data, long a, long b) {
  const long first = a, lo = 0, hi = b - a;
  for (long i = (hi - 1) / 2; i >= 0; --i) sift_down(data, i, hi, first);
  for (long i = hi - 1; i >= 0; --i) {
    data.swap(first, first + i);
    sift_down(data, lo, i, first);
  }
}

enum class Hint { unknown, increasing, decreasing };

template <class Data>
void order2(Data& data, long& a, long& b, int& swaps) {
  if (data.less(b, a)) {
    ++swaps;
    const long t = a;
    a = b;
    b = t;
  }
}

template <class Data>
long median(Data& data, long a, long b, long c, int& swaps) {
  order2(data, a, b, swaps);
  order2(data, b, c, swaps);
  order2(data, a, b, swaps);
  return b;
}

template <class Data>
long median_adjacent(Data& data, long a, int& swaps) {
  return median(data, a - 1, a, a + 1, swaps);
}

template <class Data>
long choose_pivot(Data& data, long a, long b, Hint& hint) {
  constexpr long shortest_ninther = 50;
  constexpr int max_swaps = 4 * 3;
  const long l = b - a;
  int swaps = 0;
  long i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
  if (l >= 8) {
    if (l >= shortest_ninther) {
      i = median_adjacent(data, i, swaps);
      j = median_adjacent(data, j, swaps);
      k = median_adjacent(data, k, swaps);
    }
    j = median(data, i, j, k, swaps);
  }
  hint = swaps == 0 ? Hint::increasing : swaps == max_swaps ? Hint::decreasing : Hint::unknown;
  return j;
}

template <class Data>
void reverse_range(Data& data, long a, long b) {
  for (long i = a, j = b - 1; i < j; ++i, --j) data.swap(i, j);
}

template <class Data>
bool partial_insertion_sort(Data& data, long a, long b) {
  constexpr int max_steps = 5;
  constexpr long shortest_shifting = 50;
  long i = a + 1;
  for (int step = 0; step < max_steps; ++step) {
    while (i < b && !data.less(i, i - 1)) ++i;
    if (i == b) return true;
    if (b - a < shortest_shifting) return false;
    data.swap(i, i - 1);
    if (i - a >= 2)
      for (long j = i - 1; j >= 1; --j) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
    if (b - i >= 2)
      for (long j = i + 1; j < b; ++j) {
        if (!data.less(j, j - 1)) break;
        data.swap(j, j - 1);
      }
  }
  return false;
}

template <class Data>
void break_patterns(Data& data, long a, long b) {
  const long length = b - a;
  if (length < 8) return;
  std::uint64_t random = static_cast<std::uint64_t>(length);  // Go's xorshift(length)
  const std::uint64_t modulus = std::uint64_t{1} << std::bit_width(static_cast<std::uint64_t>(length));
  for (long idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; ++idx) {
    random ^= random << 13;
    random ^= random >> 17;
    random ^= random << 5;
    long other = static_cast<long>(random & (modulus - 1));
    if (other >= length) other -= length;
    data.swap(idx, a + other);
  }
}

template <class Data>
long partition_equal(Data& data, long a, long b, long pivot) {
  data.swap(a, pivot);
  long i = a + 1, j = b - 1;
  for (;;) {
    while (i <= j && !data.less(a, i)) ++i;
    while (i <= j && data.less(a, j)) --j;
    if (i > j) break;
    data.swap(i, j);
    ++i;
    --j;
  }
  return i;
}

template <class Data>
long partition(Data& data, long a, long b, long pivot, bool& already_partitioned) {
  data.swap(a, pivot);
  long i = a + 1, j = b - 1;
  while (i <= j && data.less(i, a)) ++i;
  while (i <= j && !data.less(j, a)) --j;
  if (i > j) {
    data.swap(j, a);
    already_partitioned = true;
    return j;
  }
  data.swap(i, j);
  ++i;
  --j;
  for (;;) {
    while (i <= j && data.less(i, a)) ++i;
    while (i <= j && !data.less(j, a)) --j;
    if (i > j) break;
    data.swap(i, j);
    ++i;
    --j;
  }
  data.swap(j, a);
  already_partitioned = false;
  return j;
}

template <class Data>
void pdqsort(Data& data, long a, long b, int limit) {
  constexpr long max_insertion = 12;
  bool was_balanced = true, was_partitioned = true;
  for (;;) {
    const long length = b - a;
    if (length <= max_insertion) {
      insertion_sort(data, a, b);
      return;
    }
    if (limit == 0) {
      heap_sort(data, a, b);
      return;
    }
    if (!was_balanced) {
      break_patterns(data, a, b);
      --limit;
    }
    Hint hint = Hint::unknown;
    long pivot = choose_pivot(data, a, b, hint);
    if (hint == Hint::decreasing) {
      reverse_range(data, a, b);
      pivot = (b - 1) - (pivot - a);
      hint = Hint::increasing;
    }
    if (was_balanced && was_partitioned && hint == Hint::increasing && partial_insertion_sort(data, a, b)) return;
    if (a > 0 && !data.less(a - 1, pivot)) {
      a = partition_equal(data, a, b, pivot);
      continue;
    }
    bool already = false;
    const long mid = partition(data, a, b, pivot, already);
    was_partitioned = already;
    const long left = mid - a, right = b - mid, threshold = length / 8;
    if (left < right) {
      was_balanced = left >= threshold;
      pdqsort(data, a, mid, limit);
      a = mid + 1;
    } else {
      was_balanced = right >= threshold;
      pdqsort(data, mid + 1, b, limit);
      b = mid;
    }
  }
}

}  // namespace detail

// sort.Sort(data): `data` has less(i, j) and swap(i, j) over 0..n-1.
template <class Data>
void sort(Data& data, long n) {
  if (n <= 1) return;
  detail::pdqsort(data, 0, n, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(n))));
}

}  // namespace raftsim::kv::go_sort
