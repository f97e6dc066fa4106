//===- PageBufferTest.cpp -------------------------------------------------===//
#include "dps/runtime/PageBuffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace dps::rt;

namespace {
std::vector<uint8_t> pattern(size_t bytes, uint8_t seed) {
  std::vector<uint8_t> values(bytes);
  for (size_t i = 0; i < bytes; ++i)
    values[i] = uint8_t(seed + i * 7 + i / 4093);
  return values;
}
/// The VmFlags line of the mapping that holds `address` in
/// /proc/self/smaps ("" where there is none to read).
std::string mappingFlags(const void *address) {
  std::ifstream smaps("/proc/self/smaps");
  uintptr_t at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long begin, end;
    char dash;
    std::istringstream range(line);
    if (line.find(':') > line.find(' ') &&
        range >> std::hex >> begin >> dash >> end && dash == '-')
      inside = begin <= at && at < end;
    else if (inside && line.rfind("VmFlags:", 0) == 0)
      return line;
  }
  return "";
}
} // namespace

TEST(PageBuffer, LargeBuffersAreAdvisedHugePages) {
  std::string flags;
  {
    std::ifstream probe("/proc/self/smaps");
    if (!probe || !std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"))
      GTEST_SKIP() << "no /proc/self/smaps or no transparent huge pages";
  }
  PageBuffer buffer;
  ASSERT_TRUE(buffer.resize(size_t(8) << 20));
  EXPECT_NE(mappingFlags(buffer.data()).find(" hg"), std::string::npos)
      << mappingFlags(buffer.data());
  ASSERT_TRUE(buffer.resize(size_t(40) << 20)); // may move: the advice stays
  EXPECT_NE(mappingFlags(buffer.data()).find(" hg"), std::string::npos);
  PageBuffer small;
  ASSERT_TRUE(small.resize(64 << 10));
  EXPECT_EQ(mappingFlags(small.data()).find(" hg"), std::string::npos);
}

TEST(PageBuffer, LargeBuffersStayOnHugePageBoundaries) {
  // Two rungs' stores growing in turn, as at epoch boundaries: neither can
  // always grow in place, and where mremap chose the new place it was not
  // 2 MiB aligned (then no huge page can back the moved mapping).
  PageBuffer a, b;
  std::vector<uint8_t> expectedA, expectedB;
  for (size_t step = 0; step < 12; ++step) {
    for (auto [buffer, expected] :
         {std::pair(&a, &expectedA), std::pair(&b, &expectedB)}) {
      size_t size = (size_t(3) << 20) + step * 1'234'567 + 4321;
      size_t kept = expected->size();
      ASSERT_TRUE(buffer->resize(size));
      EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer->data()) % (2u << 20), 0u)
          << "step " << step << ", " << size << " bytes";
      if (kept) // (memcmp may not take the empty vector's null data)
        ASSERT_EQ(std::memcmp(buffer->data(), expected->data(), kept), 0);
      *expected = pattern(size, uint8_t(step));
      std::memcpy(buffer->data(), expected->data(), size);
    }
  }
  ASSERT_TRUE(a.resize(size_t(5) << 20)); // shrinking stays in place
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % (2u << 20), 0u);
  EXPECT_EQ(std::memcmp(a.data(), expectedA.data(), size_t(5) << 20), 0);
}

TEST(PageBuffer, KeepsItsPrefixAcrossGrowingAndShrinking) {
  // Sizes off page boundaries, across them, and to and from empty.
  PageBuffer buffer;
  EXPECT_EQ(buffer.size(), 0u);
  size_t held = 0;
  std::vector<uint8_t> expected;
  for (size_t size : {size_t(10), size_t(4096), size_t(5000),
                      size_t(3 << 20) + 17, size_t(100), size_t(0),
                      size_t(70000), size_t(69999), size_t(1 << 22)}) {
    ASSERT_TRUE(buffer.resize(size));
    ASSERT_EQ(buffer.size(), size);
    size_t kept = std::min(held, size);
    if (kept) // (memcmp of no bytes may still not take a null pointer)
      ASSERT_EQ(std::memcmp(buffer.data(), expected.data(), kept), 0)
          << "resized " << held << " -> " << size;
    expected = pattern(size, uint8_t(size));
    if (size)
      std::memcpy(buffer.data(), expected.data(), size);
    held = size;
  }
}

TEST(PageBuffer, MovesOwnership) {
  PageBuffer a;
  ASSERT_TRUE(a.resize(9000));
  std::memset(a.data(), 0x5A, 9000);
  PageBuffer b(std::move(a));
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.data(), nullptr);
  ASSERT_EQ(b.size(), 9000u);
  EXPECT_EQ(b.data()[8999], 0x5A);
  PageBuffer c;
  ASSERT_TRUE(c.resize(10));
  c = std::move(b);
  EXPECT_EQ(c.size(), 9000u);
  EXPECT_EQ(c.data()[0], 0x5A);
  std::vector<PageBuffer> many(3); // as a store holds them, one per rung
  ASSERT_TRUE(many[1].resize(123));
  many.resize(50);
  EXPECT_EQ(many[1].size(), 123u);
}

TEST(PageBuffer, RefusedMemoryLeavesTheBufferAsItWas) {
  PageBuffer buffer;
  ASSERT_TRUE(buffer.resize(4096));
  buffer.data()[4095] = 42;
  EXPECT_FALSE(buffer.resize(std::numeric_limits<size_t>::max() / 2));
  // (Sizes whose rounding up to pages would overflow.)
  EXPECT_FALSE(buffer.resize(std::numeric_limits<size_t>::max() - 100));
  ASSERT_EQ(buffer.size(), 4096u);
  EXPECT_EQ(buffer.data()[4095], 42);
  PageBuffer empty;
  EXPECT_FALSE(empty.resize(std::numeric_limits<size_t>::max() / 2));
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.data(), nullptr);
}

TEST(LargePageAllocator, LargeBlocksAreHugePageAlignedAndWritable) {
  std::vector<float, LargePageAllocator<float>> large(3'000'001, 1.5f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large.data()) % (2u << 20), 0u);
  large.back() = 2.0f;
  large.resize(5'000'000, 3.0f); // reallocates: the values move across
  EXPECT_EQ(large[0], 1.5f);
  EXPECT_EQ(large[3'000'000], 2.0f);
  EXPECT_EQ(large[4'999'999], 3.0f);
  std::vector<float, LargePageAllocator<float>> small(10, 4.0f);
  EXPECT_EQ(small[9], 4.0f);
  large.clear();
  large.shrink_to_fit(); // gives the mapping back
  EXPECT_EQ(large.capacity(), 0u);
}
