#include "quiver/flightsql/xdbc_type_info.h"

#include <arrow/builder.h>
#include <arrow/record_batch.h>
#include <arrow/table_builder.h>

#include <algorithm>
#include <tuple>

#include "flight_sql.pb.h"
#include "quiver/flightsql/metadata_schemas.h"

namespace quiver::flightsql {

namespace pb = arrow::flight::protocol::sql;

namespace {

XdbcType Numeric(std::string name, int32_t data_type, int32_t size, int32_t radix) {
  XdbcType type;
  type.type_name = std::move(name);
  type.data_type = data_type;
  type.sql_data_type = data_type;
  type.column_size = size;
  type.searchable = pb::SEARCHABLE_BASIC;
  type.unsigned_attribute = false;
  type.num_prec_radix = radix;
  return type;
}

XdbcType Datetime(std::string name, int32_t data_type, int32_t size, std::string prefix, int32_t subcode) {
  XdbcType type;
  type.type_name = std::move(name);
  type.data_type = data_type;
  type.sql_data_type = pb::XDBC_DATETIME;
  type.datetime_subcode = subcode;
  type.column_size = size;
  type.literal_prefix = std::move(prefix);
  type.literal_suffix = "'";
  type.searchable = pb::SEARCHABLE_BASIC;
  return type;
}

std::vector<XdbcType> MakeTypes() {
  std::vector<XdbcType> types;

  XdbcType boolean;
  boolean.type_name = "BOOLEAN";
  boolean.data_type = boolean.sql_data_type = pb::XDBC_BIT;
  boolean.column_size = 1;
  boolean.searchable = pb::SEARCHABLE_BASIC;
  types.push_back(boolean);

  types.push_back(Numeric("SMALLINT", pb::XDBC_SMALLINT, 5, 10));
  types.push_back(Numeric("INTEGER", pb::XDBC_INTEGER, 10, 10));
  types.push_back(Numeric("BIGINT", pb::XDBC_BIGINT, 19, 10));
  types.push_back(Numeric("REAL", pb::XDBC_REAL, 24, 2));
  types.push_back(Numeric("DOUBLE PRECISION", pb::XDBC_DOUBLE, 53, 2));

  XdbcType decimal = Numeric("DECIMAL", pb::XDBC_DECIMAL, 38, 10);
  decimal.create_params = std::vector<std::string>{"precision", "scale"};
  decimal.minimum_scale = 0;
  decimal.maximum_scale = 38;
  types.push_back(decimal);

  XdbcType varchar;
  varchar.type_name = "VARCHAR";
  varchar.data_type = varchar.sql_data_type = pb::XDBC_VARCHAR;
  varchar.literal_prefix = "'";
  varchar.literal_suffix = "'";
  varchar.case_sensitive = true;
  varchar.searchable = pb::SEARCHABLE_FULL;
  types.push_back(varchar);

  XdbcType bytea;
  bytea.type_name = "BYTEA";
  bytea.data_type = bytea.sql_data_type = pb::XDBC_VARBINARY;
  bytea.searchable = pb::SEARCHABLE_BASIC;
  types.push_back(bytea);

  types.push_back(Datetime("DATE", pb::XDBC_DATE, 10, "DATE '", pb::XDBC_SUBCODE_DATE));
  types.push_back(Datetime("TIMESTAMP", pb::XDBC_TIMESTAMP, 26, "TIMESTAMP '", pb::XDBC_SUBCODE_TIMESTAMP));

  std::sort(types.begin(), types.end(), [](const XdbcType& a, const XdbcType& b) {
    return std::tie(a.data_type, a.type_name) < std::tie(b.data_type, b.type_name);
  });
  return types;
}

template <typename Builder, typename T>
arrow::Status AppendOptional(Builder* builder, const std::optional<T>& value) {
  return value ? builder->Append(*value) : builder->AppendNull();
}

}  // namespace

const std::vector<XdbcType>& QuiverXdbcTypes() {
  static const std::vector<XdbcType> types = MakeTypes();
  return types;
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> XdbcTypeInfoBatch(std::optional<int32_t> data_type) {
  ARROW_ASSIGN_OR_RAISE(auto builder,
                        arrow::RecordBatchBuilder::Make(MetadataSchemas::XdbcTypeInfo(), arrow::default_memory_pool()));
  auto* type_name = builder->GetFieldAs<arrow::StringBuilder>(0);
  auto* code = builder->GetFieldAs<arrow::Int32Builder>(1);
  auto* column_size = builder->GetFieldAs<arrow::Int32Builder>(2);
  auto* literal_prefix = builder->GetFieldAs<arrow::StringBuilder>(3);
  auto* literal_suffix = builder->GetFieldAs<arrow::StringBuilder>(4);
  auto* create_params = builder->GetFieldAs<arrow::ListBuilder>(5);
  auto* create_param_items = static_cast<arrow::StringBuilder*>(create_params->value_builder());
  auto* nullable = builder->GetFieldAs<arrow::Int32Builder>(6);
  auto* case_sensitive = builder->GetFieldAs<arrow::BooleanBuilder>(7);
  auto* searchable = builder->GetFieldAs<arrow::Int32Builder>(8);
  auto* unsigned_attribute = builder->GetFieldAs<arrow::BooleanBuilder>(9);
  auto* fixed_prec_scale = builder->GetFieldAs<arrow::BooleanBuilder>(10);
  auto* auto_increment = builder->GetFieldAs<arrow::BooleanBuilder>(11);
  auto* local_type_name = builder->GetFieldAs<arrow::StringBuilder>(12);
  auto* minimum_scale = builder->GetFieldAs<arrow::Int32Builder>(13);
  auto* maximum_scale = builder->GetFieldAs<arrow::Int32Builder>(14);
  auto* sql_data_type = builder->GetFieldAs<arrow::Int32Builder>(15);
  auto* datetime_subcode = builder->GetFieldAs<arrow::Int32Builder>(16);
  auto* num_prec_radix = builder->GetFieldAs<arrow::Int32Builder>(17);
  auto* interval_precision = builder->GetFieldAs<arrow::Int32Builder>(18);

  for (const auto& type : QuiverXdbcTypes()) {
    if (data_type && *data_type != type.data_type) continue;
    ARROW_RETURN_NOT_OK(type_name->Append(type.type_name));
    ARROW_RETURN_NOT_OK(code->Append(type.data_type));
    ARROW_RETURN_NOT_OK(AppendOptional(column_size, type.column_size));
    ARROW_RETURN_NOT_OK(AppendOptional(literal_prefix, type.literal_prefix));
    ARROW_RETURN_NOT_OK(AppendOptional(literal_suffix, type.literal_suffix));
    if (type.create_params) {
      ARROW_RETURN_NOT_OK(create_params->Append());
      for (const auto& param : *type.create_params) ARROW_RETURN_NOT_OK(create_param_items->Append(param));
    } else {
      ARROW_RETURN_NOT_OK(create_params->AppendNull());
    }
    ARROW_RETURN_NOT_OK(nullable->Append(pb::NULLABILITY_NULLABLE));
    ARROW_RETURN_NOT_OK(case_sensitive->Append(type.case_sensitive));
    ARROW_RETURN_NOT_OK(searchable->Append(type.searchable));
    ARROW_RETURN_NOT_OK(AppendOptional(unsigned_attribute, type.unsigned_attribute));
    ARROW_RETURN_NOT_OK(fixed_prec_scale->Append(type.fixed_prec_scale));
    // No type auto-increments; the attribute applies to numbers only.
    if (type.num_prec_radix) {
      ARROW_RETURN_NOT_OK(auto_increment->Append(false));
    } else {
      ARROW_RETURN_NOT_OK(auto_increment->AppendNull());
    }
    ARROW_RETURN_NOT_OK(local_type_name->AppendNull());
    ARROW_RETURN_NOT_OK(AppendOptional(minimum_scale, type.minimum_scale));
    ARROW_RETURN_NOT_OK(AppendOptional(maximum_scale, type.maximum_scale));
    ARROW_RETURN_NOT_OK(sql_data_type->Append(type.sql_data_type));
    ARROW_RETURN_NOT_OK(AppendOptional(datetime_subcode, type.datetime_subcode));
    ARROW_RETURN_NOT_OK(AppendOptional(num_prec_radix, type.num_prec_radix));
    ARROW_RETURN_NOT_OK(interval_precision->AppendNull());
  }
  return builder->Flush();
}

}  // namespace quiver::flightsql
