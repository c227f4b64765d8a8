#include "quiver/exec/integer_key_table.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_map>
#include <vector>

namespace quiver::exec {
namespace {

// Groups are numbered in order of first appearance, the same key always gets the same
// group however the table grew, and FindMany agrees with Find.
TEST(IntegerKeyTableTest, NumbersKeysInOrderOfFirstAppearance) {
  IntegerKeyTable table(arrow::default_memory_pool());
  std::mt19937_64 random(3);
  std::unordered_map<int64_t, uint32_t> expected;
  std::vector<int64_t> keys;
  for (int i = 0; i < 200000; ++i) {
    // Sparse, negative and clustered keys alike.
    const int64_t key = i % 3 == 0 ? static_cast<int64_t>(random()) : (i % 3 == 1 ? -i / 7 : i * 32);
    keys.push_back(key);
  }
  for (size_t i = 0; i < keys.size(); i += 1000) {
    std::vector<uint32_t> groups(std::min<size_t>(1000, keys.size() - i));
    ASSERT_TRUE(table.FindMany(keys.data() + i, groups.size(), groups.data()).ok());
    for (size_t j = 0; j < groups.size(); ++j) {
      auto [it, inserted] = expected.emplace(keys[i + j], static_cast<uint32_t>(expected.size()));
      ASSERT_EQ(groups[j], it->second) << "key " << keys[i + j];
    }
  }
  EXPECT_EQ(table.size(), static_cast<int64_t>(expected.size()));
  for (const auto& [key, group] : expected) {
    EXPECT_EQ(table.keys()[group], key);
    auto found = table.Find(key);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, group);
  }
}

TEST(IntegerKeyTableTest, TheNullKeyHasAGroupOfItsOwn) {
  IntegerKeyTable table(arrow::default_memory_pool());
  ASSERT_EQ(*table.Find(0), 0u);
  ASSERT_EQ(*table.FindNull(), 1u);
  ASSERT_EQ(*table.FindNull(), 1u);
  ASSERT_EQ(*table.Find(5), 2u);
  EXPECT_EQ(table.null_group(), 1);
  // Growing past the NULL group keeps every group where it was.
  for (int64_t key = 100; key < 10000; ++key) ASSERT_TRUE(table.Find(key).ok());
  EXPECT_EQ(*table.Find(0), 0u);
  EXPECT_EQ(*table.FindNull(), 1u);
  EXPECT_EQ(*table.Find(5), 2u);
}

}  // namespace
}  // namespace quiver::exec
