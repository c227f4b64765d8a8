// A user's plan node and settings: the node runs in the stage its distribution asks for,
// crosses to the workers through its codec, and reads the session's setting there; a
// node without a codec cannot travel; SET and SHOW check an extension's settings.
#include <arrow/acero/options.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "engine_test_util.h"
#include "quiver/common/settings_registry.h"
#include "quiver/dist/cluster.h"
#include "quiver/dist/plan_node_codec.h"
#include "quiver/engine/planned_query.h"

namespace quiver::engine {
namespace {

namespace ac = arrow::acero;
namespace cp = arrow::compute;

// Cuts one text column to its first `mask.keep` characters.
class TruncateNode : public plan::LogicalExtension {
 public:
  TruncateNode(std::string column, Distribution distribution, std::string codec = "test.truncate")
      : column_(std::move(column)), distribution_(distribution), codec_(std::move(codec)) {}

  std::string Describe() const override { return "Truncate " + column_; }
  std::string codec_name() const override { return codec_; }
  Distribution distribution() const override { return distribution_; }
  std::shared_ptr<plan::LogicalExtension> Copy() const override { return std::make_shared<TruncateNode>(*this); }
  arrow::Result<ac::Declaration> Lower(std::vector<ac::Declaration> inputs,
                                       const plan::ExtensionContext& context) const override {
    ARROW_ASSIGN_OR_RAISE(auto keep_text, context.Setting("mask.keep"));
    const int64_t keep = std::stoll(keep_text);
    std::vector<cp::Expression> expressions;
    std::vector<std::string> names;
    for (const auto& field : schema->fields()) {
      names.push_back(field->name());
      expressions.push_back(field->name() == column_ ? cp::call("utf8_slice_codeunits", {cp::field_ref(field->name())},
                                                                cp::SliceOptions(0, keep))
                                                     : cp::field_ref(field->name()));
    }
    return ac::Declaration::Sequence(
        {std::move(inputs[0]), {"project", ac::ProjectNodeOptions(std::move(expressions), std::move(names))}});
  }
  const std::string& column() const { return column_; }

 private:
  std::string column_;
  Distribution distribution_;
  std::string codec_;
};

// Carries the column and the distribution (one character) in its payload.
class TruncateCodec : public dist::PlanNodeCodec {
 public:
  std::string name() const override { return "test.truncate"; }
  arrow::Result<std::string> Encode(const plan::LogicalExtension& node) const override {
    const auto& truncate = static_cast<const TruncateNode&>(node);
    const bool row_wise = node.distribution() == plan::LogicalExtension::Distribution::kRowWise;
    return std::string(row_wise ? "r" : "w") + truncate.column();
  }
  arrow::Result<std::shared_ptr<plan::LogicalExtension>> Decode(std::string_view payload) const override {
    if (payload.empty()) return arrow::Status::Invalid("empty truncate payload");
    return std::make_shared<TruncateNode>(std::string(payload.substr(1)),
                                          payload[0] == 'r' ? plan::LogicalExtension::Distribution::kRowWise
                                                            : plan::LogicalExtension::Distribution::kWhole);
  }
};

arrow::Status CheckKeep(const std::string& value) {
  if (value.empty() || !std::all_of(value.begin(), value.end(), ::isdigit) || value.size() > 3) {
    return arrow::Status::Invalid("'", value, "' is not a number of characters from 0 to 999");
  }
  return arrow::Status::OK();
}

class ExtensionNodeTest : public testing::EngineTest {
 protected:
  static void SetUpTestSuite() {
    // Registered once per process, as a program using the library does at start.
    ASSERT_TRUE(dist::PlanNodeCodecRegistry::Default().Register(std::make_shared<TruncateCodec>()).ok());
    ASSERT_TRUE(SettingsRegistry::Default()
                    .Register("mask", {SettingDefinition{"keep", "1", "characters kept", CheckKeep}})
                    .ok());
  }

  void SetUp() override {
    EngineTest::SetUp();
    OpenOnThreeWorkers(3, 1000);
    Run("SET execution_mode = 'distributed'");
    Run("SET distributed_task_bytes = '1'");
  }

  // The query's plan with a TruncateNode of `name` on top.
  std::shared_ptr<PlannedQuery> Truncated(const std::string& sql, plan::LogicalExtension::Distribution distribution,
                                          const std::string& codec = "test.truncate") {
    auto planned = session_->PlanQuery(sql, {}).ValueOrDie();
    auto node = std::make_shared<TruncateNode>("name", distribution, codec);
    node->schema = planned->plan->schema;
    node->inputs = {planned->plan};
    planned->plan = node;
    return planned;
  }

  // The distinct values of column 0 of the distributed run of `planned`.
  std::vector<std::string> DistinctFirstColumn(const dist::DistributedQuery& query) {
    auto reader = engine_->cluster()->OpenResult(query, {}).ValueOrDie();
    auto table = reader->ToTable().ValueOrDie();
    std::vector<std::string> values;
    for (const auto& chunk : table->column(0)->chunks()) {
      for (int64_t i = 0; i < chunk->length(); ++i) values.push_back(chunk->GetScalar(i).ValueOrDie()->ToString());
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
  }

  // The stage whose plan holds the TruncateNode.
  static int StageOfExtension(const dist::DistributedQuery& query) {
    for (const auto& stage : query.staged.stages) {
      std::vector<const plan::LogicalOperator*> pending{stage.plan.get()};
      while (!pending.empty()) {
        const auto* node = pending.back();
        pending.pop_back();
        if (node->kind == plan::LogicalKind::kExtension) return static_cast<int>(stage.id);
        for (const auto& input : node->inputs) pending.push_back(input.get());
      }
    }
    return -1;
  }
};

TEST_F(ExtensionNodeTest, ARowWiseNodeRunsOnTheWorkersWithTheSessionsSetting) {
  auto planned = Truncated("SELECT name, id FROM numbers", plan::LogicalExtension::Distribution::kRowWise);
  auto query = session_->Distribute(*planned).ValueOrDie();
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(query->staged.stages.size(), 1u) << "row-wise: no exchange needed";
  EXPECT_GT(query->staged.final_stage().tasks, 1u) << "it runs in every task of the scan";
  // The default, registered with the setting.
  const auto defaults = DistinctFirstColumn(*query);
  EXPECT_EQ(defaults, std::vector<std::string>{"n"});

  Run("SET mask.keep = 2");
  query =
      session_->Distribute(*Truncated("SELECT name, id FROM numbers", plan::LogicalExtension::Distribution::kRowWise))
          .ValueOrDie();
  EXPECT_EQ(DistinctFirstColumn(*query).size(), 10u) << "the workers read the SET value: n0 … n9";
}

TEST_F(ExtensionNodeTest, AWholeInputNodeRunsAfterTheRowsAreGathered) {
  auto planned = Truncated("SELECT name, id FROM numbers", plan::LogicalExtension::Distribution::kWhole);
  auto query = session_->Distribute(*planned).ValueOrDie();
  ASSERT_NE(query, nullptr);
  ASSERT_EQ(query->staged.stages.size(), 2u);
  EXPECT_EQ(StageOfExtension(*query), static_cast<int>(query->staged.final_stage().id));
  EXPECT_EQ(query->staged.final_stage().tasks, 1u);
  auto reader = engine_->cluster()->OpenResult(*query, {}).ValueOrDie();
  EXPECT_EQ(reader->ToTable().ValueOrDie()->num_rows(), 3000);
}

TEST_F(ExtensionNodeTest, ANodeWithoutACodecCannotTravel) {
  auto planned =
      Truncated("SELECT name, id FROM numbers", plan::LogicalExtension::Distribution::kRowWise, "test.unregistered");
  auto query = session_->Distribute(*planned);
  ASSERT_FALSE(query.ok());
  EXPECT_TRUE(query.status().IsNotImplemented()) << query.status().ToString();
  EXPECT_NE(query.status().message().find("Truncate name"), std::string::npos) << query.status().ToString();
  EXPECT_NE(query.status().message().find("test.unregistered"), std::string::npos) << query.status().ToString();
}

TEST_F(ExtensionNodeTest, SetAndShowCheckAnExtensionsSettings) {
  EXPECT_EQ(Rows("SHOW mask.keep"), std::vector<std::string>{"1"}) << "its default";
  Run("SET mask.keep = 5");
  EXPECT_EQ(Rows("SHOW mask.keep"), std::vector<std::string>{"5"});

  auto bad = session_->Execute("SET mask.keep = 'lots'");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("invalid value for mask.keep"), std::string::npos) << bad.status().ToString();
  auto unknown = session_->Execute("SET mask.nothing = 1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("mask.nothing"), std::string::npos) << unknown.status().ToString();
  EXPECT_NE(unknown.status().message().find("mask.keep"), std::string::npos) << "lists what there is";
  EXPECT_EQ(Rows("SHOW mask.keep"), std::vector<std::string>{"5"}) << "a refused SET changes nothing";

  Run("RESET mask.keep");
  EXPECT_EQ(Rows("SHOW mask.keep"), std::vector<std::string>{"1"});
  // Names under no registered prefix stay the engine's business, as before.
  Run("SET myapp.anything = 1");
}

TEST(SettingsRegistryTest, RefusesBadRegistrations) {
  SettingsRegistry registry;
  EXPECT_TRUE(registry.Register("geo", {SettingDefinition{"precision", "3", "", nullptr}}).ok());
  EXPECT_TRUE(registry.Register("geo", {}).IsAlreadyExists());
  EXPECT_TRUE(registry.Register("bad prefix", {}).IsInvalid());
  EXPECT_TRUE(registry.Register("x", {SettingDefinition{"a.b", "", "", nullptr}}).IsInvalid());
  EXPECT_TRUE(registry.Register("y", {SettingDefinition{"n", "no", "", CheckKeep}}).IsInvalid())
      << "a default its own check refuses";
  EXPECT_EQ(registry.Value({{"geo.precision", "7"}}, "geo.precision").ValueOrDie(), "7");
  EXPECT_EQ(registry.Value({}, "geo.precision").ValueOrDie(), "3");
  EXPECT_TRUE(registry.Value({}, "geo.other").status().IsKeyError());
}

}  // namespace
}  // namespace quiver::engine
