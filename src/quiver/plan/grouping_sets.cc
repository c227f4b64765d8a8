#include "quiver/plan/grouping_sets.h"

#include <arrow/scalar.h>

#include <algorithm>
#include <set>

#include "quiver/sql/source_text.h"

namespace quiver::plan {

namespace {

// PostgreSQL's limits: CUBE's sets double with every element, and the cross product of
// several items multiplies.
constexpr size_t kMaxCubeElements = 12;
constexpr size_t kMaxGroupingSets = 4096;

class Expander {
 public:
  Expander(const GroupKeyResolver& resolve_key, std::string_view sql) : resolve_key_(resolve_key), sql_(sql) {}

  arrow::Result<std::vector<GroupingSet>> Expand(const sql::GroupingSetSpec& spec) {
    switch (spec.kind) {
      case sql::GroupingSetSpec::kEmpty:
        return std::vector<GroupingSet>{{}};
      case sql::GroupingSetSpec::kSimple: {
        GroupingSet set;
        for (const auto& expr : spec.exprs) {
          ARROW_RETURN_NOT_OK(CheckNotConstant(*expr));
          ARROW_ASSIGN_OR_RAISE(auto key, resolve_key_(*expr));
          set.push_back(key);
        }
        return std::vector<GroupingSet>{set};
      }
      case sql::GroupingSetSpec::kRollup:
      case sql::GroupingSetSpec::kCube: {
        std::vector<GroupingSet> elements;
        for (const auto& element : spec.elements) {
          ARROW_ASSIGN_OR_RAISE(auto sets, Expand(element));
          elements.push_back(sets.at(0));
        }
        return spec.kind == sql::GroupingSetSpec::kRollup ? Rollup(elements) : Cube(elements, spec.location);
      }
      case sql::GroupingSetSpec::kSets: {
        std::vector<GroupingSet> out;
        for (const auto& element : spec.elements) {
          ARROW_ASSIGN_OR_RAISE(auto sets, Expand(element));
          out.insert(out.end(), sets.begin(), sets.end());
          if (out.size() > kMaxGroupingSets) return TooMany(spec.location);
        }
        return out;
      }
    }
    return arrow::Status::Invalid("unknown grouping set kind");
  }

  // As in PostgreSQL, a grouping set may not list a constant other than a select-list
  // position: whether `SELECT 'x' … GROUP BY ROLLUP ('x')` shows 'x' or the rollup's
  // NULL would otherwise be a guess.
  arrow::Status CheckNotConstant(const sql::ParsedExpr& expr) const {
    if (expr.kind != sql::ExprKind::kLiteral) return arrow::Status::OK();
    const bool integer = expr.value && expr.value->is_valid &&
                         (expr.value->type->id() == arrow::Type::INT32 || expr.value->type->id() == arrow::Type::INT64);
    if (integer) return arrow::Status::OK();
    return sql::SqlError(sql_, expr.location, "non-integer constant in GROUP BY");
  }

  arrow::Status TooMany(int location) const {
    return sql::SqlError(sql_, location, "too many grouping sets present (maximum ", kMaxGroupingSets, ")");
  }

 private:
  // (e1, …, en), (e1, …, en-1), …, (e1), ().
  static std::vector<GroupingSet> Rollup(const std::vector<GroupingSet>& elements) {
    std::vector<GroupingSet> out;
    for (size_t length = elements.size() + 1; length-- > 0;) {
      GroupingSet set;
      for (size_t i = 0; i < length; ++i) set.insert(set.end(), elements[i].begin(), elements[i].end());
      out.push_back(std::move(set));
    }
    return out;
  }

  // Every subset of the elements, the whole list first and () last.
  arrow::Result<std::vector<GroupingSet>> Cube(const std::vector<GroupingSet>& elements, int location) const {
    if (elements.size() > kMaxCubeElements) {
      return sql::SqlError(sql_, location, "CUBE is limited to ", kMaxCubeElements, " elements");
    }
    std::vector<GroupingSet> out;
    const uint32_t count = 1u << elements.size();
    for (uint32_t mask = count; mask-- > 0;) {
      GroupingSet set;
      for (size_t i = 0; i < elements.size(); ++i) {
        if (mask & (1u << (elements.size() - 1 - i))) set.insert(set.end(), elements[i].begin(), elements[i].end());
      }
      out.push_back(std::move(set));
    }
    return out;
  }

  const GroupKeyResolver& resolve_key_;
  std::string_view sql_;
};

// A key named twice in one set (GROUP BY a, ROLLUP (a, b)) is grouped by once.
GroupingSet WithoutRepeats(const GroupingSet& set) {
  GroupingSet out;
  for (size_t key : set) {
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
  }
  return out;
}

}  // namespace

arrow::Result<std::vector<GroupingSet>> ExpandGroupingSets(const sql::QueryNode& query,
                                                           const GroupKeyResolver& resolve_key, std::string_view sql) {
  Expander expander(resolve_key, sql);
  std::vector<std::vector<GroupingSet>> items;
  for (const auto& expr : query.group_by) {
    ARROW_ASSIGN_OR_RAISE(auto key, resolve_key(*expr));
    items.push_back({{key}});
  }
  for (const auto& spec : query.grouping_sets) {
    ARROW_ASSIGN_OR_RAISE(auto sets, expander.Expand(spec));
    items.push_back(std::move(sets));
  }
  std::vector<GroupingSet> product{{}};
  for (const auto& item : items) {
    if (product.size() * item.size() > kMaxGroupingSets) {
      return expander.TooMany(query.grouping_sets.empty() ? -1 : query.grouping_sets.front().location);
    }
    std::vector<GroupingSet> next;
    for (const auto& left : product) {
      for (const auto& right : item) {
        GroupingSet set = left;
        set.insert(set.end(), right.begin(), right.end());
        next.push_back(std::move(set));
      }
    }
    product = std::move(next);
  }
  std::vector<GroupingSet> out;
  std::set<GroupingSet> seen;
  for (const auto& set : product) {
    GroupingSet cleaned = WithoutRepeats(set);
    if (query.group_by_distinct) {
      GroupingSet sorted = cleaned;
      std::sort(sorted.begin(), sorted.end());
      if (!seen.insert(sorted).second) continue;
    }
    out.push_back(std::move(cleaned));
  }
  return out;
}

}  // namespace quiver::plan
