// Temporary tables belong to one session and vanish with it; one engine at a time
// may use a data directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine_test_util.h"
#include "quiver/engine/session_state.h"

namespace quiver::engine {
namespace {

namespace fs = std::filesystem;

class TemporaryTablesTest : public testing::EngineTest {
 protected:
  fs::path TemporaryRoot() const { return dir_ / "data" / "temp"; }

  static int64_t CountRows(Session& session, const std::string& table) {
    auto result = session.Execute("SELECT count(*) FROM " + table);
    EXPECT_TRUE(result.ok()) << result.status();
    if (!result.ok()) return -1;
    auto rows = result->batches->ToTable().ValueOrDie();
    return std::static_pointer_cast<arrow::Int64Scalar>(rows->column(0)->GetScalar(0).ValueOrDie())->value;
  }
};

TEST_F(TemporaryTablesTest, BelongToTheSessionThatMadeThem) {
  Run("CREATE TEMP TABLE notes (id int)");
  Run("INSERT INTO notes VALUES (1), (2)");
  auto other = engine_->NewSession();
  auto unseen = other->Execute("SELECT * FROM notes");
  ASSERT_FALSE(unseen.ok());
  EXPECT_TRUE(unseen.status().IsKeyError()) << unseen.status();
  // The other session may have its own table of that name.
  ASSERT_TRUE(other->Execute("CREATE TEMP TABLE notes AS SELECT 7 AS id UNION ALL SELECT 8 UNION ALL SELECT 9").ok());
  EXPECT_EQ(CountRows(*session_, "notes"), 2);
  EXPECT_EQ(CountRows(*other, "notes"), 3);
  // Neither is in the catalog other sessions and restarts see.
  EXPECT_EQ(engine_->catalog().FindTable("pg_temp", "notes"), nullptr);
  EXPECT_EQ(engine_->catalog().FindTable("public", "notes"), nullptr);
}

TEST_F(TemporaryTablesTest, DataIsDeletedWhenTheSessionEnds) {
  Run("CREATE TEMP TABLE big AS SELECT * FROM generate_series(1, 1000) AS g(x)");
  ASSERT_TRUE(fs::exists(TemporaryRoot()));
  EXPECT_FALSE(fs::is_empty(TemporaryRoot()));
  session_.reset();
  EXPECT_TRUE(fs::is_empty(TemporaryRoot()));
}

TEST_F(TemporaryTablesTest, SessionsSharingAStateShareTheirTables) {
  // What a Flight client's requests do: each request is a session over the client's state.
  auto state = std::make_shared<SessionState>();
  auto first = engine_->NewSession();
  first->share_state(state);
  ASSERT_TRUE(first->Execute("CREATE TEMP TABLE kept (x int)").ok());
  ASSERT_TRUE(first->Execute("INSERT INTO kept VALUES (5)").ok());
  first.reset();
  auto second = engine_->NewSession();
  second->share_state(state);
  EXPECT_EQ(CountRows(*second, "kept"), 1);
}

TEST_F(TemporaryTablesTest, LeftoversOfAnEarlierRunAreRemovedAtStart) {
  Run("CREATE TEMP TABLE doomed AS SELECT 1 AS x");
  // A crash leaves the directory behind; here a copy of it stands in.
  fs::path leftover = TemporaryRoot() / "from-a-crashed-run";
  fs::create_directories(leftover / "tables");
  session_.reset();
  Reopen();
  EXPECT_TRUE(fs::is_empty(TemporaryRoot()));
  EXPECT_FALSE(engine_->recovery_report().empty());
}

TEST_F(TemporaryTablesTest, TemporaryTablesNeedNoPrivileges) {
  // A user without any grant may still make and use temporary tables.
  Run("CREATE USER visitor PASSWORD 'pw'");
  auto visitor = engine_->NewSession();
  visitor->set_principal(Principal{"visitor"});
  ASSERT_TRUE(visitor->Execute("CREATE TEMP TABLE mine (x int)").ok());
  ASSERT_TRUE(visitor->Execute("INSERT INTO mine VALUES (1)").ok());
  EXPECT_EQ(CountRows(*visitor, "mine"), 1);
  auto refused = visitor->Execute("CREATE TABLE public.theirs (x int)");
  ASSERT_FALSE(refused.ok());
}

TEST_F(TemporaryTablesTest, ADataDirectoryTakesOneEngineAtATime) {
  EngineOptions options;
  options.data_dir = (dir_ / "data").string();
  auto second = Engine::Open(options);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("in use by another Quiver process (pid " + std::to_string(::getpid())),
            std::string::npos)
      << second.status();
  // Released with the engine.
  session_.reset();
  engine_.reset();
  EXPECT_TRUE(Engine::Open(options).ok());
}

}  // namespace
}  // namespace quiver::engine
