// Issue 8: quorum math against binomials computed by hand, and the partition table.
#include <catch2/catch.hpp>

#include "sim/quorum/analytic.hpp"
#include "sim/quorum/partitions.hpp"

using namespace raftsim;
using Catch::Matchers::WithinRel;

TEST_CASE("majority and tolerated failures by cluster size", "[quorum]") {
  const int majorities[] = {1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8};
  for (int n = 1; n <= 15; ++n) {
    CHECK(quorum::majority(n) == majorities[n - 1]);
    CHECK(quorum::tolerated(n) == n - majorities[n - 1]);
  }
  CHECK(quorum::tolerated(3) == 1);
  CHECK(quorum::tolerated(4) == 1);  // the 4th node adds no failure to tolerate
  CHECK(quorum::tolerated(5) == 2);
}

TEST_CASE("binomial coefficients are exact", "[quorum]") {
  CHECK(quorum::binomial_coefficient(4, 2) == 6);
  CHECK(quorum::binomial_coefficient(15, 7) == 6435);
  CHECK(quorum::binomial_coefficient(15, 0) == 1);
  CHECK(quorum::binomial_coefficient(15, 15) == 1);
  CHECK(quorum::binomial_coefficient(64, 32) == 1832624140942590534.0);
}

TEST_CASE("P(no majority) matches binomials computed by hand", "[quorum]") {
  const double p = 0.05, q = 0.95;
  // n = 1: down with p.
  CHECK_THAT(quorum::p_unavailable(1, p), WithinRel(0.05, 1e-12));
  // n = 2: any node down: 1 - q^2 = 2pq + p^2.
  CHECK_THAT(quorum::p_unavailable(2, p), WithinRel(0.0975, 1e-12));
  // n = 3: two or three down: 3 p^2 q + p^3.
  CHECK_THAT(quorum::p_unavailable(3, p), WithinRel(0.00725, 1e-12));
  // n = 4: two or more down: 6 p^2 q^2 + 4 p^3 q + p^4 = 0.01401875.
  CHECK_THAT(quorum::p_unavailable(4, p), WithinRel(6 * p * p * q * q + 4 * p * p * p * q + p * p * p * p, 1e-12));
  CHECK_THAT(quorum::p_unavailable(4, p), WithinRel(0.01401875, 1e-12));
  // n = 5: three or more down: 10 p^3 q^2 + 5 p^4 q + p^5 = 0.001158125.
  CHECK_THAT(quorum::p_unavailable(5, p), WithinRel(0.001158125, 1e-12));
  // Tiny values keep their digits: n = 15, p = 0.01, eight or more down.
  double tail = 0;
  for (int k = 8; k <= 15; ++k)
    tail += quorum::binomial_coefficient(15, k) * std::pow(0.01, k) * std::pow(0.99, 15 - k);
  CHECK_THAT(quorum::p_unavailable(15, 0.01), WithinRel(tail, 1e-12));
  CHECK(quorum::p_unavailable(15, 0.01) < 1e-12);
  // The ends.
  CHECK(quorum::p_unavailable(3, 0) == 0);
  CHECK(quorum::p_unavailable(3, 1) == 1);
}

TEST_CASE("the size table compares each size with one node fewer", "[quorum]") {
  const auto rows = quorum::size_table({1, 2, 3, 4}, 0.05);
  REQUIRE(rows.size() == 4);
  CHECK(!rows[0].ratio_to_one_fewer);
  CHECK(quorum::compare_text(rows[0]).empty());
  REQUIRE(rows[1].ratio_to_one_fewer);
  CHECK_THAT(*rows[1].ratio_to_one_fewer, WithinRel(1.95, 1e-12));
  CHECK(quorum::compare_text(rows[1]) == "1.95× as likely to be down as 1");
  CHECK(quorum::compare_text(rows[2]) == "13.4× less likely to be down than 2");
  CHECK(quorum::compare_text(rows[3]) == "1.93× as likely to be down as 3");
  // Without failures nothing is ever down: no ratio.
  CHECK(quorum::compare_text(quorum::size_table({2}, 0)[0]) == "never down, as 1");
}

TEST_CASE("partitions: only a side with a majority commits, and an even split leaves neither", "[quorum]") {
  const auto rows = quorum::partition_table({1, 2, 3, 4, 5, 6});
  REQUIRE(rows.size() == 5);  // a single node cannot be split
  const auto& four = rows[2];
  CHECK(four.nodes == 4);
  CHECK(four.majority == 3);
  REQUIRE(four.splits.size() == 2);
  CHECK(four.splits[0].larger_commits);  // 1|3: the 3-side
  CHECK(four.splits[0].text() == "1|3: the 3-side");
  CHECK(!four.splits[1].larger_commits);  // 2|2: neither
  CHECK(four.splits[1].text() == "2|2: neither side");
  CHECK(four.even_split_stalls());
  const auto& five = rows[3];
  REQUIRE(five.splits.size() == 2);
  CHECK(five.splits[1].smaller == 2);
  CHECK(five.splits[1].larger == 3);
  CHECK(five.splits[1].larger_commits);
  CHECK(five.splits[1].text() == "2|3: the 3-side");
  CHECK(!five.even_split_stalls());
  for (const auto& row : rows)
    for (const auto& split : row.splits) CHECK(split.larger_commits == (split.smaller != split.larger));
}
