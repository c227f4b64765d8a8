// Task tickets: a plan is signed once for all of its query's tickets, and a worker
// verifies and parses it once; every ticket still proves a node of the cluster made it.
#include "quiver/dist/task_ticket.h"

#include <arrow/flight/types.h>
#include <arrow/testing/gtest_util.h>
#include <gtest/gtest.h>

namespace quiver::dist {
namespace {

pb::DistributedPlan Plan(const std::string& query_id) {
  pb::DistributedPlan plan;
  plan.set_query_id(query_id);
  plan.add_workers("grpc+tcp://127.0.0.1:1");
  plan.add_stages()->set_id(0);
  (*plan.mutable_settings())["threads"] = "2";
  return plan;
}

pb::TaskTicket Target(uint32_t task) {
  pb::TaskTicket ticket;
  ticket.set_stage(0);
  ticket.set_task(task);
  ticket.set_partition(task + 1);
  ticket.set_issued_unix_seconds(1700000000);
  return ticket;
}

bool IsUnauthenticated(const arrow::Status& status) {
  auto detail = arrow::flight::FlightStatusDetail::UnwrapStatus(status);
  return detail && detail->code() == arrow::flight::FlightStatusCode::Unauthenticated;
}

// Signing many other plans pushes a plan out of the cache of verified plans.
void ForgetVerifiedPlans(const std::string& secret) {
  for (int i = 0; i < 100; ++i) ASSERT_OK(SignPlan(Plan("filler " + std::to_string(i)), secret).status());
}

TEST(TaskTicketTest, EveryTicketOfASignedPlanCarriesThePlanAndItsOwnTask) {
  const std::string secret = NewClusterSecret();
  const auto plan = Plan("q1");
  ASSERT_OK_AND_ASSIGN(const SignedPlan signed_plan, SignPlan(plan, secret));
  for (uint32_t task : {0u, 3u}) {
    ASSERT_OK_AND_ASSIGN(auto ticket, VerifyTicket(SignTicket(signed_plan, Target(task), secret), secret));
    EXPECT_EQ(ticket.plan().SerializeAsString(), plan.SerializeAsString());
    EXPECT_EQ(ticket.task(), task);
    EXPECT_EQ(ticket.partition(), task + 1);
    EXPECT_EQ(ticket.plan_mac(), signed_plan.mac);
  }
  // A worker that never saw the plan checks it against its MAC and parses it.
  const std::string bytes = SignTicket(signed_plan, Target(1), secret);
  ForgetVerifiedPlans(secret);
  ASSERT_OK_AND_ASSIGN(auto ticket, VerifyTicket(bytes, secret));
  EXPECT_EQ(ticket.plan().query_id(), "q1");
}

TEST(TaskTicketTest, ATicketOfAnotherClusterOrAnotherPlanIsRefused) {
  const std::string secret = NewClusterSecret();
  ASSERT_OK_AND_ASSIGN(const SignedPlan signed_plan, SignPlan(Plan("q2"), secret));
  EXPECT_TRUE(IsUnauthenticated(VerifyTicket(SignTicket(signed_plan, Target(0), secret), NewClusterSecret()).status()));

  // The ticket of a real plan, sent with plan bytes of the client's own.
  SignedPlan forged = signed_plan;
  ASSERT_OK_AND_ASSIGN(auto own, SignPlan(Plan("the client's own plan"), NewClusterSecret()));
  forged.bytes = own.bytes;
  const std::string bytes = SignTicket(forged, Target(0), secret);
  // Refused whether the worker knows the signed plan or must hash the bytes sent.
  EXPECT_TRUE(IsUnauthenticated(VerifyTicket(bytes, secret).status()));
  ForgetVerifiedPlans(secret);
  EXPECT_TRUE(IsUnauthenticated(VerifyTicket(bytes, secret).status()));

  EXPECT_TRUE(VerifyTicket("not a ticket", secret).status().IsInvalid());
}

TEST(TaskTicketTest, AChangedPlanIsSignedAgain) {
  const std::string secret = NewClusterSecret();
  ASSERT_OK_AND_ASSIGN(const SignedPlan first, SignPlan(Plan("q3"), secret));
  ASSERT_OK_AND_ASSIGN(auto ticket, VerifyTicket(SignTicket(first, Target(0), secret), secret));
  ASSERT_OK_AND_ASSIGN(auto same, SignedPlanOf(ticket, secret));
  EXPECT_EQ(same.mac, first.mac);

  // A retry moves a task to another worker: the plan is not the one signed before.
  ticket.mutable_plan()->set_workers(0, "grpc+tcp://127.0.0.1:2");
  ticket.mutable_plan()->set_attempt(1);
  ticket.clear_plan_mac();
  ASSERT_OK_AND_ASSIGN(const SignedPlan second, SignedPlanOf(ticket, secret));
  EXPECT_NE(second.mac, first.mac);
  ASSERT_OK_AND_ASSIGN(auto retried, VerifyTicket(SignTicket(second, Target(0), secret), secret));
  EXPECT_EQ(retried.plan().attempt(), 1u);
  EXPECT_EQ(retried.plan().workers(0), "grpc+tcp://127.0.0.1:2");
}

}  // namespace
}  // namespace quiver::dist
