// A plan node of one's own that runs on the cluster's workers, configured by a setting
// of one's own.
//
// `Abbreviate` cuts a text column to its first `abbreviate.length` characters. It is
// row-wise, so a distributed query runs it in every scan task, on the workers. To get
// there it needs a codec (PlanNodeCodecRegistry), and its setting travels with the
// query's other settings, so `SET abbreviate.length = 3` on the session reaches every
// worker. Every process of a cluster registers the same codecs and settings at start.

#include <arrow/acero/options.h>
#include <arrow/compute/api.h>

#include <charconv>

#include "example_support.h"
#include "quiver/common/settings_registry.h"
#include "quiver/dist/cluster.h"
#include "quiver/dist/plan_node_codec.h"
#include "quiver/engine/planned_query.h"

namespace ac = arrow::acero;
namespace cp = arrow::compute;

class Abbreviate : public quiver::plan::LogicalExtension {
 public:
  explicit Abbreviate(std::string column) : column_(std::move(column)) {}
  const std::string& column() const { return column_; }

  std::string Describe() const override { return "Abbreviate " + column_; }
  std::string codec_name() const override { return "example.abbreviate"; }
  Distribution distribution() const override { return Distribution::kRowWise; }
  std::shared_ptr<LogicalExtension> Copy() const override { return std::make_shared<Abbreviate>(*this); }

  arrow::Result<ac::Declaration> Lower(std::vector<ac::Declaration> inputs,
                                       const quiver::plan::ExtensionContext& context) const override {
    ARROW_ASSIGN_OR_RAISE(auto length_text, context.Setting("abbreviate.length"));
    int64_t length = 0;
    std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    std::vector<cp::Expression> columns;
    std::vector<std::string> names;
    for (const auto& field : schema->fields()) {
      auto column = cp::field_ref(field->name());
      columns.push_back(
          field->name() == column_ ? cp::call("utf8_slice_codeunits", {column}, cp::SliceOptions(0, length)) : column);
      names.push_back(field->name());
    }
    return ac::Declaration::Sequence({std::move(inputs[0]), {"project", ac::ProjectNodeOptions(columns, names)}});
  }

 private:
  std::string column_;
};

// The node's only field is its column's name.
class AbbreviateCodec : public quiver::dist::PlanNodeCodec {
 public:
  std::string name() const override { return "example.abbreviate"; }
  arrow::Result<std::string> Encode(const quiver::plan::LogicalExtension& node) const override {
    return static_cast<const Abbreviate&>(node).column();
  }
  arrow::Result<std::shared_ptr<quiver::plan::LogicalExtension>> Decode(std::string_view payload) const override {
    return std::make_shared<Abbreviate>(std::string(payload));
  }
};

arrow::Status CheckLength(const std::string& value) {
  int length = -1;
  const auto parsed = std::from_chars(value.data(), value.data() + value.size(), length);
  if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size() || length < 1 || length > 100) {
    return arrow::Status::Invalid("'", value, "' is not a length from 1 to 100");
  }
  return arrow::Status::OK();
}

arrow::Status Run() {
  ARROW_RETURN_NOT_OK(quiver::dist::PlanNodeCodecRegistry::Default().Register(std::make_shared<AbbreviateCodec>()));
  ARROW_RETURN_NOT_OK(quiver::SettingsRegistry::Default().Register(
      "abbreviate", {{"length", "1", "characters Abbreviate keeps", CheckLength}}));

  const auto dir = example::ScratchDir("plan_node");
  ARROW_ASSIGN_OR_RAISE(auto trips, example::WriteTrips(dir, 4));
  quiver::engine::EngineOptions options;
  options.data_dir = (dir / "data").string();
  options.cluster.spec = "local:2";
  ARROW_ASSIGN_OR_RAISE(auto engine, quiver::engine::Engine::Open(options));
  auto session = engine->NewSession();
  for (const std::string sql : {"CREATE EXTERNAL TABLE trips STORED AS PARQUET LOCATION '" + trips + "'",
                                std::string("SET execution_mode = 'distributed'"),
                                std::string("SET distributed_task_bytes = 1"),  // a task per file
                                std::string("SET abbreviate.length = 3")}) {
    ARROW_RETURN_NOT_OK(example::Query(*session, sql).status());
  }

  // The query's plan, with the node on top.
  ARROW_ASSIGN_OR_RAISE(auto planned, session->PlanQuery("SELECT id, city FROM trips WHERE id % 500 = 0", {}));
  auto abbreviate = std::make_shared<Abbreviate>("city");
  abbreviate->schema = planned->plan->schema;
  abbreviate->inputs = {planned->plan};
  planned->plan = abbreviate;

  ARROW_ASSIGN_OR_RAISE(auto result, session->ExecutePlanned(*planned));
  if (!result.distributed) return arrow::Status::Invalid("the query did not run distributed");
  ARROW_ASSIGN_OR_RAISE(auto table, result.batches->ToTable());
  std::cout << table->ToString() << "\n";
  ARROW_ASSIGN_OR_RAISE(auto lengths, cp::CallFunction("utf8_length", {table->GetColumnByName("city")}));
  ARROW_ASSIGN_OR_RAISE(auto longest, cp::MinMax(lengths));
  const auto& bounds = longest.scalar_as<arrow::StructScalar>().value;
  if (table->num_rows() != 8 || !bounds[0]->Equals(arrow::Int32Scalar(3)) ||
      !bounds[1]->Equals(arrow::Int32Scalar(3))) {
    return arrow::Status::Invalid("expected 8 cities of 3 characters");
  }
  std::cout << "ok: " << table->num_rows() << " rows abbreviated to 3 characters by "
            << result.distributed->staged.final_stage().tasks << " tasks on the workers\n";
  std::filesystem::remove_all(dir);
  return arrow::Status::OK();
}

int main() { return example::Main(Run); }
