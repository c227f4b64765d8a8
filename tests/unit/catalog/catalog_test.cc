#include "quiver/catalog/catalog.h"

#include <arrow/type.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "quiver/catalog/access_control.h"

namespace quiver::catalog {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("quiver_catalog_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static TableEntry External(const std::string& name) {
    TableEntry entry;
    entry.schema_name = Catalog::kDefaultSchema;
    entry.name = name;
    entry.kind = TableKind::kExternal;
    entry.schema = arrow::schema({arrow::field("id", arrow::int64()),
                                  arrow::field("at", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                                  arrow::field("price", arrow::decimal128(12, 2))});
    entry.format = "parquet";
    entry.location = "/data/" + name;
    entry.partition_columns = {"year"};
    return entry;
  }

  std::filesystem::path dir_;
};

TEST_F(CatalogTest, SurvivesReopen) {
  {
    auto catalog = Catalog::Open(dir_.string()).ValueOrDie();
    ASSERT_TRUE(catalog->CreateTable(External("trips"), false).ok());
    TableEntry view;
    view.schema_name = Catalog::kDefaultSchema;
    view.name = "v";
    view.kind = TableKind::kView;
    view.schema = arrow::schema({arrow::field("n", arrow::int64())});
    view.view_sql = "SELECT count(*) AS n FROM trips";
    ASSERT_TRUE(catalog->CreateTable(view, false).ok());
  }
  auto catalog = Catalog::Open(dir_.string()).ValueOrDie();
  auto trips = catalog->GetTable("public", "trips").ValueOrDie();
  EXPECT_TRUE(trips->schema->Equals(*External("trips").schema));
  EXPECT_EQ(trips->partition_columns, std::vector<std::string>{"year"});
  EXPECT_EQ(catalog->GetTable("public", "v").ValueOrDie()->view_sql, "SELECT count(*) AS n FROM trips");
  EXPECT_EQ(catalog->ListTables().size(), 2u);
}

TEST_F(CatalogTest, DuplicatesAndWrongKindsAreRefused) {
  auto catalog = Catalog::Open(dir_.string()).ValueOrDie();
  ASSERT_TRUE(catalog->CreateTable(External("t"), false).ok());
  EXPECT_TRUE(catalog->CreateTable(External("t"), false).IsAlreadyExists());
  EXPECT_TRUE(catalog->DropTable("public", "t", TableKind::kView).status().IsInvalid());
  EXPECT_TRUE(catalog->DropTable("public", "missing", TableKind::kExternal).status().IsKeyError());
  ASSERT_TRUE(catalog->DropTable("public", "t", TableKind::kExternal).ok());
  EXPECT_TRUE(catalog->GetTable("public", "t").status().IsKeyError());
}

TEST_F(CatalogTest, CorruptFileIsAClearError) {
  std::filesystem::create_directories(dir_);
  FILE* f = fopen((dir_ / "catalog.json").c_str(), "w");
  fputs("{not json", f);
  fclose(f);
  auto result = Catalog::Open(dir_.string());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("catalog.json"), std::string::npos);
}

}  // namespace
}  // namespace quiver::catalog

namespace quiver::catalog {
namespace {

TEST(AccessControlTest, GrantsReachUsersThroughRolesAndSurviveReopening) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("quiver_access_" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto access = AccessControl::Open(dir).ValueOrDie();
    EXPECT_FALSE(access->HasUsers());
    ASSERT_TRUE(access->CreateUser("ann", "s3cret", false).ok());
    ASSERT_TRUE(access->CreateRole("analysts").ok());
    EXPECT_TRUE(access->CreateRole("ann").IsAlreadyExists());
    ASSERT_TRUE(access->GrantRole("analysts", "ann").ok());
    ASSERT_TRUE(access->AddGrant({"analysts", Privilege::kSelect, "public", "sales"}).ok());
    ASSERT_TRUE(access->AddGrant({"ann", Privilege::kCreate, "lab", ""}).ok());
    EXPECT_TRUE(access->AddGrant({"ghost", Privilege::kSelect, "public", "sales"}).IsKeyError());
  }
  auto access = AccessControl::Open(dir).ValueOrDie();
  EXPECT_TRUE(access->HasUsers());
  EXPECT_TRUE(access->VerifyPassword("ann", "s3cret"));
  EXPECT_FALSE(access->VerifyPassword("ann", "guess"));
  EXPECT_FALSE(access->VerifyPassword("bob", "s3cret"));
  EXPECT_TRUE(access->Allows("ann", Privilege::kSelect, "public", "sales"));
  EXPECT_FALSE(access->Allows("ann", Privilege::kInsert, "public", "sales"));
  EXPECT_FALSE(access->Allows("ann", Privilege::kSelect, "public", "other"));
  // A schema-wide grant covers the schema and its tables.
  EXPECT_TRUE(access->Allows("ann", Privilege::kCreate, "lab", ""));
  EXPECT_TRUE(access->Allows("ann", Privilege::kCreate, "lab", "anything"));
  ASSERT_TRUE(access->RevokeRole("analysts", "ann").ok());
  EXPECT_FALSE(access->Allows("ann", Privilege::kSelect, "public", "sales"));
  ASSERT_TRUE(access->DropPrincipal("ann", false).ok());
  EXPECT_FALSE(access->HasUsers());
  EXPECT_TRUE(access->DropPrincipal("ann", false).IsKeyError());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace quiver::catalog
