// --cluster values, and the static list of workers.
#include "quiver/dist/cluster_spec.h"

#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

#include "quiver/dist/channel_resolver.h"

namespace quiver::dist {
namespace {

std::string ErrorOf(const std::string& text) {
  auto spec = ParseClusterSpec(text);
  EXPECT_FALSE(spec.ok()) << text;
  return spec.ok() ? "" : spec.status().message();
}

TEST(ClusterSpecTest, ParsesEachKind) {
  ASSERT_OK_AND_ASSIGN(auto local, ParseClusterSpec("local:3"));
  EXPECT_EQ(local.kind, ClusterSpec::Kind::kLocal);
  EXPECT_EQ(local.local_workers, 3);

  ASSERT_OK_AND_ASSIGN(auto fixed, ParseClusterSpec("static:10.0.0.1:7000,node-b:7001,[::1]:7002"));
  EXPECT_EQ(fixed.kind, ClusterSpec::Kind::kStatic);
  ASSERT_EQ(fixed.workers.size(), 3u);
  EXPECT_EQ(fixed.workers[0].ToString(), "10.0.0.1:7000");
  EXPECT_EQ(fixed.workers[1].host, "node-b");
  EXPECT_EQ(fixed.workers[2].host, "::1");
  EXPECT_EQ(fixed.workers[2].port, 7002);

  ASSERT_OK_AND_ASSIGN(auto zookeeper, ParseClusterSpec("zookeeper://zk1:2181,zk2:2181/quiver/prod/"));
  EXPECT_EQ(zookeeper.kind, ClusterSpec::Kind::kZooKeeper);
  ASSERT_EQ(zookeeper.zookeeper.size(), 2u);
  EXPECT_EQ(zookeeper.zookeeper[1].host, "zk2");
  EXPECT_EQ(zookeeper.zookeeper_path, "/quiver/prod");
}

TEST(ClusterSpecTest, CustomLeavesMembershipToTheProgram) {
  ASSERT_OK_AND_ASSIGN(auto custom, ParseClusterSpec("custom"));
  EXPECT_EQ(custom.kind, ClusterSpec::Kind::kCustom);
}

TEST(ClusterSpecTest, ErrorsNameWhatIsWrong) {
  EXPECT_NE(ErrorOf("local:0").find("'0' is not a number from 1 to 256"), std::string::npos);
  EXPECT_NE(ErrorOf("local:many").find("--cluster local:N"), std::string::npos);
  EXPECT_NE(ErrorOf("static:a:1,b").find("'b' is not host:port"), std::string::npos);
  EXPECT_NE(ErrorOf("static:a:99999").find("port of 'a:99999'"), std::string::npos);
  EXPECT_NE(ErrorOf("static:a:1,a:1").find("a:1 is listed twice"), std::string::npos);
  EXPECT_NE(ErrorOf("static:::1:80").find("in brackets"), std::string::npos);
  EXPECT_NE(ErrorOf("zookeeper://zk:2181").find("needs a path"), std::string::npos);
  EXPECT_NE(ErrorOf("zookeeper://zk:2181/a//b").find("empty component"), std::string::npos);
  EXPECT_NE(ErrorOf("mesh").find("is not local:N, static:"), std::string::npos);
}

TEST(StaticChannelResolverTest, SharesOneClientPerWorkerAndRefusesStrangers) {
  StaticChannelResolver resolver({"grpc://127.0.0.1:7001", "grpc://127.0.0.1:7002"});
  ASSERT_OK_AND_ASSIGN(auto urls, resolver.WorkerUrls());
  EXPECT_EQ(urls.size(), 2u);
  // gRPC connects lazily, so clients exist without a server listening.
  ASSERT_OK_AND_ASSIGN(auto first, resolver.ClientFor("grpc://127.0.0.1:7001"));
  ASSERT_OK_AND_ASSIGN(auto again, resolver.ClientFor("grpc://127.0.0.1:7001"));
  EXPECT_EQ(first.get(), again.get());
  ASSERT_OK_AND_ASSIGN(auto other, resolver.ClientFor("grpc://127.0.0.1:7002"));
  EXPECT_NE(first.get(), other.get());
  auto stranger = resolver.ClientFor("grpc://203.0.113.9:7001");
  ASSERT_FALSE(stranger.ok());
  EXPECT_NE(stranger.status().message().find("not a member of this cluster"), std::string::npos);
}

TEST(FlightClientCacheTest, ForgettingReconnects) {
  FlightClientCache cache;
  ASSERT_OK_AND_ASSIGN(auto first, cache.Get("grpc://127.0.0.1:7003"));
  cache.Forget("grpc://127.0.0.1:7003");
  ASSERT_OK_AND_ASSIGN(auto second, cache.Get("grpc://127.0.0.1:7003"));
  EXPECT_NE(first.get(), second.get());
  auto bad = cache.Get("not a url");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("is not a Flight location"), std::string::npos);
}

}  // namespace
}  // namespace quiver::dist
