//===- PrecisionTest.cpp - ladders and host conversions --------------------===//
#include "dps/runtime/Precision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace dps::rt;

TEST(Precision, LadderParses) {
  auto ladder = parseLadder("f32,bf16,f8E4M3FN");
  ASSERT_TRUE(ladder);
  EXPECT_EQ(*ladder, (std::vector<Precision>{Precision::F32, Precision::BF16,
                                             Precision::F8E4M3FN}));
}

TEST(Precision, BadLaddersAreClearErrors) {
  auto unknown = parseLadder("f32,f64");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.status().message().find("unknown precision 'f64'"),
            std::string::npos);
  auto increasing = parseLadder("bf16,f32");
  ASSERT_FALSE(increasing);
  EXPECT_NE(increasing.status().message().find("not strictly decreasing"),
            std::string::npos);
  EXPECT_FALSE(parseLadder(""));
  EXPECT_FALSE(parseLadder("f32,,bf16"));
}

TEST(Precision, KnownConversions) {
  float values[] = {1.0f, -2.0f, 448.0f, 1000.0f, 0.0f};
  uint16_t bf16[5];
  narrow(values, 5, Precision::BF16, bf16);
  EXPECT_EQ(bf16[0], 0x3F80);
  EXPECT_EQ(bf16[1], 0xC000);
  uint8_t e4m3[5];
  narrow(values, 5, Precision::F8E4M3FN, e4m3);
  EXPECT_EQ(e4m3[0], 0x38);
  EXPECT_EQ(e4m3[2], 0x7E); // the largest finite value
  EXPECT_EQ(e4m3[3], 0x7F); // no infinity: NaN
  narrow(values, 5, Precision::F8E4M3FN, e4m3, /*saturate=*/true);
  EXPECT_EQ(e4m3[3], 0x7E);
  uint8_t e5m2;
  float big = 1e6f;
  narrow(&big, 1, Precision::F8E5M2, &e5m2);
  EXPECT_EQ(e5m2, 0x7C); // infinity
}

TEST(Precision, EveryF8CodeRoundTrips) {
  for (Precision p : {Precision::F8E4M3FN, Precision::F8E5M2}) {
    for (int code = 0; code < 256; ++code) {
      uint8_t in = uint8_t(code), out;
      float value;
      widen(&in, 1, p, &value);
      narrow(&value, 1, p, &out);
      if (std::isnan(value))
        continue;
      EXPECT_EQ(out, in) << name(p) << " code " << code;
    }
  }
}

TEST(Precision, SubnormalsRoundToNearestEven) {
  // f8E4M3FN's smallest subnormal is 2^-9; half of it ties to 0, 1.5 of it
  // to 2 (even).
  float half = std::ldexp(1.0f, -10), threeHalves = 3 * std::ldexp(1.0f, -10);
  uint8_t out[2];
  float in[2] = {half, threeHalves};
  narrow(in, 2, Precision::F8E4M3FN, out);
  EXPECT_EQ(out[0], 0x00);
  EXPECT_EQ(out[1], 0x02);
}

TEST(Precision, BlocksRoundAsSingleValues) {
  // narrow() rounds sixteen values at a time in vector lanes (in the clone
  // for this host's CPU) and the rest one by one: both must give the same
  // codes, for every kind of value
  // (a sweep through the f32 bit patterns, and the edges: zeros,
  // subnormals, the formats' largest values and ties, infinities, NaNs).
  std::vector<float> values;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 4099) {
    uint32_t b = uint32_t(bits);
    float v;
    std::memcpy(&v, &b, 4);
    values.push_back(v);
  }
  std::vector<float> edges = {0.0f, 448.0f, 464.0f, 480.0f, 57344.0f,
                              61440.0f, 65504.0f, 65520.0f, 3.3895314e38f,
                              INFINITY, NAN};
  for (int exponent : {-9, -10, -16, -17, -24, -25, -126, -149})
    for (float mantissa : {1.0f, 1.5f, 3.0f})
      edges.push_back(std::ldexp(mantissa, exponent));
  for (float v : edges)
    for (float sign : {1.0f, -1.0f})
      values.push_back(sign * v);
  while (values.size() % 16)
    values.push_back(1.0f);
  for (Precision p : {Precision::F16, Precision::BF16, Precision::F8E4M3FN,
                      Precision::F8E5M2})
    for (bool saturate : {false, true}) {
      size_t width = size_t(bytesPerElement(p));
      std::vector<uint8_t> blocks(values.size() * width), one(width);
      narrow(values.data(), values.size(), p, blocks.data(), saturate);
      for (size_t i = 0; i < values.size(); ++i) {
        narrow(&values[i], 1, p, one.data(), saturate);
        ASSERT_EQ(std::memcmp(blocks.data() + i * width, one.data(), width), 0)
            << name(p) << (saturate ? " saturating" : "") << ": value "
            << values[i] << " (index " << i << ")";
      }
    }
}
