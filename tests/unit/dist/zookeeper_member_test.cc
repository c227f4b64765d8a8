// What a node registers in ZooKeeper, and what other nodes accept as a member.
#include <gtest/gtest.h>

#include "quiver/dist/zookeeper_channel_resolver.h"

namespace quiver::dist {
namespace {

TEST(ZooKeeperMemberTest, RoundTripsBothAddresses) {
  const ClusterMember member{"grpc+tcp://10.0.0.7:7001", "grpc://10.0.0.7:32010"};
  const auto decoded = ZooKeeperChannelResolver::DecodeMember(ZooKeeperChannelResolver::EncodeMember(member));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, member);
}

TEST(ZooKeeperMemberTest, IgnoresWhatIsNotAMember) {
  // Other data under the cluster's path (a parent's, a tool's) is not a worker.
  for (const char* data :
       {"", "not json", "[1,2]", "{}", R"({"worker": 7})", R"({"worker": ""})", R"({"flight_sql": "grpc://a:1"})"}) {
    EXPECT_FALSE(ZooKeeperChannelResolver::DecodeMember(data).has_value()) << data;
  }
  // A member that registered no front door still runs tasks.
  const auto worker_only = ZooKeeperChannelResolver::DecodeMember(R"({"worker": "grpc+tcp://b:2"})");
  ASSERT_TRUE(worker_only.has_value());
  EXPECT_EQ(worker_only->worker_url, "grpc+tcp://b:2");
}

}  // namespace
}  // namespace quiver::dist
