// Random data against a reference that applies the definitions directly: for every
// row it tests every row of the partition for frame membership (O(n^2)) and
// aggregates the members one by one.

#include <arrow/builder.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "window_test_util.h"

namespace quiver::exec::testing {
namespace {

using Bound = WindowFrameBound;

struct Row {
  int64_t id;
  std::optional<int64_t> g, k, v;
  std::optional<double> x;
};

std::vector<Row> RandomRows(int64_t count, uint32_t seed) {
  std::mt19937 random(seed);
  auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
  std::vector<Row> rows;
  for (int64_t id = 0; id < count; ++id) {
    Row row{id, {}, {}, {}, {}};
    if (!chance(3)) row.g = random() % 100;
    if (!chance(10)) row.k = random() % 30;
    if (!chance(15)) row.v = static_cast<int64_t>(random() % 201) - 100;
    if (!chance(15)) row.x = (static_cast<double>(random() % 401) - 200) / 4;
    rows.push_back(row);
  }
  return rows;
}

std::shared_ptr<arrow::Table> ToTable(const std::vector<Row>& rows) {
  arrow::Int64Builder id, g, k, v;
  arrow::DoubleBuilder x;
  for (const auto& row : rows) {
    EXPECT_TRUE(id.Append(row.id).ok());
    EXPECT_TRUE((row.g ? g.Append(*row.g) : g.AppendNull()).ok());
    EXPECT_TRUE((row.k ? k.Append(*row.k) : k.AppendNull()).ok());
    EXPECT_TRUE((row.v ? v.Append(*row.v) : v.AppendNull()).ok());
    EXPECT_TRUE((row.x ? x.Append(*row.x) : x.AppendNull()).ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("g", arrow::int64()),
                               arrow::field("k", arrow::int64()), arrow::field("v", arrow::int64()),
                               arrow::field("x", arrow::float64())});
  return arrow::Table::Make(schema, {id.Finish().ValueOrDie(), g.Finish().ValueOrDie(), k.Finish().ValueOrDie(),
                                     v.Finish().ValueOrDie(), x.Finish().ValueOrDie()});
}

// The reference's view of the sorted rows.
struct Sorted {
  std::vector<Row> rows;
  std::vector<double> position_value;  // ORDER BY key, ascending in sort order; NULL as ±infinity
  std::vector<int64_t> partition, group;
};

Sorted SortRows(std::vector<Row> rows, bool ascending, bool nulls_first) {
  const double null_value = nulls_first ? -INFINITY : INFINITY;
  auto position_value = [&](const Row& row) {
    if (!row.k) return null_value;
    return ascending ? static_cast<double>(*row.k) : -static_cast<double>(*row.k);
  };
  auto partition_value = [](const Row& row) { return row.g ? *row.g : std::numeric_limits<int64_t>::max(); };
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (partition_value(a) != partition_value(b)) return partition_value(a) < partition_value(b);
    return position_value(a) < position_value(b);
  });
  Sorted sorted;
  sorted.rows = rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    sorted.position_value.push_back(position_value(rows[i]));
    const bool new_partition = i == 0 || partition_value(rows[i]) != partition_value(rows[i - 1]);
    const bool new_group = new_partition || position_value(rows[i]) != position_value(rows[i - 1]);
    sorted.partition.push_back(i == 0 ? 0 : sorted.partition.back() + (new_partition ? 1 : 0));
    sorted.group.push_back(i == 0 ? 0 : sorted.group.back() + (new_group ? 1 : 0));
  }
  return sorted;
}

double SignedOffset(const Bound& bound) {
  if (bound.kind == Bound::kCurrentRow) return 0;
  const double offset = static_cast<double>(static_cast<const arrow::Int64Scalar&>(*bound.offset).value);
  return bound.kind == Bound::kPreceding ? -offset : offset;
}

bool InFrame(const WindowFrame& frame, const Sorted& sorted, int64_t i, int64_t j) {
  auto satisfies = [&](const Bound& bound, bool is_start) {
    if (bound.kind == Bound::kUnboundedPreceding || bound.kind == Bound::kUnboundedFollowing) return true;
    const double offset = SignedOffset(bound);
    double mine, theirs;
    if (frame.units == WindowFrame::kRows) {
      mine = static_cast<double>(i), theirs = static_cast<double>(j);
    } else if (frame.units == WindowFrame::kGroups) {
      mine = static_cast<double>(sorted.group[i]), theirs = static_cast<double>(sorted.group[j]);
    } else {
      mine = sorted.position_value[i], theirs = sorted.position_value[j];
    }
    return is_start ? theirs >= mine + offset : theirs <= mine + offset;
  };
  return sorted.partition[i] == sorted.partition[j] && satisfies(frame.start, true) && satisfies(frame.end, false);
}

// Reference results per row id, as JSON.
struct Reference {
  std::map<std::string, std::vector<std::string>> columns;
};

std::string Json(std::optional<double> value) {
  if (!value) return "null";
  std::ostringstream out;
  out.precision(17);
  out << *value;
  return out.str();
}

void FrameReference(const WindowFrame& frame, const Sorted& sorted, Reference& reference) {
  const int64_t n = static_cast<int64_t>(sorted.rows.size());
  for (auto name : {"sum_v", "count_v", "count_all", "min_v", "max_x", "avg_x", "first_v", "last_v", "third_v"}) {
    reference.columns[name].assign(n, "null");
  }
  int64_t partition_begin = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (sorted.partition[i] != sorted.partition[partition_begin]) partition_begin = i;
    std::vector<int64_t> members;
    for (int64_t j = partition_begin; j < n && sorted.partition[j] == sorted.partition[i]; ++j) {
      if (InFrame(frame, sorted, i, j)) members.push_back(j);
    }
    std::optional<double> sum_v, min_v, max_x, sum_x;
    int64_t count_v = 0, count_x = 0;
    for (int64_t j : members) {
      const Row& row = sorted.rows[j];
      if (row.v) {
        sum_v = sum_v.value_or(0) + *row.v;
        min_v = std::min(min_v.value_or(INFINITY), static_cast<double>(*row.v));
        ++count_v;
      }
      if (row.x) {
        sum_x = sum_x.value_or(0) + *row.x;
        max_x = std::max(max_x.value_or(-INFINITY), *row.x);
        ++count_x;
      }
    }
    auto value_at = [&](size_t position) -> std::optional<double> {
      if (position >= members.size() || !sorted.rows[members[position]].v) return std::nullopt;
      return static_cast<double>(*sorted.rows[members[position]].v);
    };
    const int64_t id = sorted.rows[i].id;
    auto& columns = reference.columns;
    columns["sum_v"][id] = Json(sum_v);
    columns["count_v"][id] = std::to_string(count_v);
    columns["count_all"][id] = std::to_string(members.size());
    columns["min_v"][id] = Json(min_v);
    columns["max_x"][id] = Json(max_x);
    columns["avg_x"][id] = count_x ? Json(*sum_x / count_x) : "null";
    columns["first_v"][id] = Json(value_at(0));
    columns["last_v"][id] = members.empty() ? "null" : Json(value_at(members.size() - 1));
    columns["third_v"][id] = Json(value_at(2));
  }
}

std::string JoinJson(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
  return out + "]";
}

struct Ordering {
  bool ascending;
  bool nulls_first;
};

class WindowRandomTest : public ::testing::TestWithParam<Ordering> {};

TEST_P(WindowRandomTest, FramesMatchTheDefinition) {
  const auto rows = RandomRows(20000, 20240517);
  const auto table = ToTable(rows);
  const Ordering ordering = GetParam();
  const Sorted sorted = SortRows(rows, ordering.ascending, ordering.nulls_first);
  const cp::SortKey key("k", ordering.ascending ? cp::SortOrder::Ascending : cp::SortOrder::Descending,
                        ordering.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  const std::vector<WindowFrame> frames = {
      WindowFrame::Default(),
      Rows(Bound::Preceding(Int(3)), Bound::Following(Int(2))),
      Rows(Bound::UnboundedPreceding(), Bound::CurrentRow()),
      Rows(Bound::Following(Int(1)), Bound::Following(Int(40))),
      Range(Bound::Preceding(Int(2)), Bound::Following(Int(1))),
      Range(Bound::CurrentRow(), Bound::Following(Int(3))),
      Range(Bound::UnboundedPreceding(), Bound::Preceding(Int(1))),
      Range(Bound::Following(Int(5)), Bound::UnboundedFollowing()),
      Groups(Bound::Preceding(Int(1)), Bound::CurrentRow()),
      Groups(Bound::Following(Int(0)), Bound::Following(Int(2))),
  };
  for (size_t f = 0; f < frames.size(); ++f) {
    SCOPED_TRACE("frame #" + std::to_string(f));
    const auto& frame = frames[f];
    auto options =
        WindowNodeOptions({"g"}, {key},
                          {Call("sum", {"v"}, "sum_v", frame), Call("count", {"v"}, "count_v", frame),
                           Call("count_all", {}, "count_all", frame), Call("min", {"v"}, "min_v", frame),
                           Call("max", {"x"}, "max_x", frame), Call("avg", {"x"}, "avg_x", frame),
                           Call("first_value", {"v"}, "first_v", frame), Call("last_value", {"v"}, "last_v", frame),
                           Call("nth_value", {"v"}, "third_v", frame, {Int(3)})});
    ASSERT_OK_AND_ASSIGN(auto result, RunWindow(table, options));
    Reference reference;
    FrameReference(frame, sorted, reference);
    for (auto name : {"sum_v", "count_v", "count_all", "min_v", "first_v", "last_v", "third_v"}) {
      ExpectColumn(*result, name, arrow::int64(), JoinJson(reference.columns[name]));
    }
    for (auto name : {"max_x", "avg_x"})
      ExpectColumn(*result, name, arrow::float64(), JoinJson(reference.columns[name]));
  }
}

TEST_P(WindowRandomTest, RankingMatchesTheDefinition) {
  const auto rows = RandomRows(20000, 7);
  const Ordering ordering = GetParam();
  const Sorted sorted = SortRows(rows, ordering.ascending, ordering.nulls_first);
  const cp::SortKey key("k", ordering.ascending ? cp::SortOrder::Ascending : cp::SortOrder::Descending,
                        ordering.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
  auto options = WindowNodeOptions(
      {"g"}, {key},
      {Call("row_number", {}, "row_number"), Call("rank", {}, "rank"), Call("dense_rank", {}, "dense_rank"),
       Call("cume_dist", {}, "cume_dist"), Call("percent_rank", {}, "percent_rank"),
       Call("ntile", {}, "ntile", WindowFrame::Default(), {Int(7)}),
       Call("lag", {"v"}, "lag", WindowFrame::Default(), {Int(2), Int(0)}), Call("lead", {"v"}, "lead")});
  ASSERT_OK_AND_ASSIGN(auto result, RunWindow(ToTable(rows), options));

  const int64_t n = static_cast<int64_t>(rows.size());
  std::map<std::string, std::vector<std::string>> expected;
  for (auto name : {"row_number", "rank", "dense_rank", "cume_dist", "percent_rank", "ntile", "lag", "lead"}) {
    expected[name].assign(n, "null");
  }
  auto v_at = [&](int64_t j) { return sorted.rows[j].v ? std::to_string(*sorted.rows[j].v) : "null"; };
  for (int64_t i = 0; i < n; ++i) {
    int64_t begin = i, end = i;
    while (begin > 0 && sorted.partition[begin - 1] == sorted.partition[i]) --begin;
    while (end < n && sorted.partition[end] == sorted.partition[i]) ++end;
    int64_t before = 0, not_after = 0, distinct_before = 0;
    for (int64_t j = begin; j < end; ++j) {
      if (sorted.group[j] < sorted.group[i]) ++before;
      if (sorted.group[j] <= sorted.group[i]) ++not_after;
    }
    distinct_before = sorted.group[i] - sorted.group[begin];
    const int64_t size = end - begin, position = i - begin;
    // ntile by its definition: bucket sizes differ by at most one, larger ones first.
    int64_t bucket = 0, bucket_start = 0;
    for (int64_t b = 0; b < 7; ++b) {
      const int64_t bucket_size = size / 7 + (b < size % 7 ? 1 : 0);
      if (position >= bucket_start && position < bucket_start + bucket_size) bucket = b + 1;
      bucket_start += bucket_size;
    }
    const int64_t id = sorted.rows[i].id;
    expected["row_number"][id] = std::to_string(position + 1);
    expected["rank"][id] = std::to_string(before + 1);
    expected["dense_rank"][id] = std::to_string(distinct_before + 1);
    expected["cume_dist"][id] = Json(static_cast<double>(not_after) / size);
    expected["percent_rank"][id] = Json(size > 1 ? static_cast<double>(before) / (size - 1) : 0.0);
    expected["ntile"][id] = std::to_string(bucket);
    expected["lag"][id] = position >= 2 ? v_at(i - 2) : "0";
    expected["lead"][id] = i + 1 < end ? v_at(i + 1) : "null";
  }
  for (auto name : {"row_number", "rank", "dense_rank", "ntile", "lag", "lead"}) {
    ExpectColumn(*result, name, arrow::int64(), JoinJson(expected[name]));
  }
  for (auto name : {"cume_dist", "percent_rank"}) {
    ExpectColumn(*result, name, arrow::float64(), JoinJson(expected[name]));
  }
}

INSTANTIATE_TEST_SUITE_P(Orderings, WindowRandomTest,
                         ::testing::Values(Ordering{true, false}, Ordering{true, true}, Ordering{false, false},
                                           Ordering{false, true}),
                         [](const ::testing::TestParamInfo<Ordering>& info) {
                           return std::string(info.param.ascending ? "Asc" : "Desc") +
                                  (info.param.nulls_first ? "NullsFirst" : "NullsLast");
                         });

}  // namespace
}  // namespace quiver::exec::testing
