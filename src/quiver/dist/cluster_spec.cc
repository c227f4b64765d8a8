#include "quiver/dist/cluster_spec.h"

#include <charconv>

namespace quiver::dist {

namespace {

constexpr int kMaxLocalWorkers = 256;

arrow::Result<int> ParseNumber(std::string_view text, int low, int high, const std::string& what) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return arrow::Status::Invalid(what, ": '", std::string(text), "' is not a number from ", low, " to ", high);
  }
  return value;
}

arrow::Result<std::vector<WorkerAddress>> ParseAddressList(const std::string& text, const std::string& what) {
  std::vector<WorkerAddress> addresses;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    ARROW_ASSIGN_OR_RAISE(auto address, ParseWorkerAddress(item, what));
    for (const auto& seen : addresses) {
      if (seen == address) return arrow::Status::Invalid(what, ": ", address.ToString(), " is listed twice");
    }
    addresses.push_back(std::move(address));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return addresses;
}

}  // namespace

arrow::Result<WorkerAddress> ParseWorkerAddress(const std::string& text, const std::string& what) {
  WorkerAddress address;
  size_t colon;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return arrow::Status::Invalid(what, ": '", text, "' is not [IPv6 address]:port");
    }
    address.host = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return arrow::Status::Invalid(what, ": '", text, "' is not host:port");
    }
    address.host = text.substr(0, colon);
    if (address.host.find(':') != std::string::npos) {
      return arrow::Status::Invalid(what, ": '", text, "' has an IPv6 host; write it in brackets: [host]:port");
    }
  }
  if (address.host.empty()) return arrow::Status::Invalid(what, ": '", text, "' has no host");
  ARROW_ASSIGN_OR_RAISE(
      address.port, ParseNumber(std::string_view(text).substr(colon + 1), 1, 65535, what + " port of '" + text + "'"));
  return address;
}

arrow::Result<ClusterSpec> ParseClusterSpec(const std::string& text) {
  ClusterSpec spec;
  if (text.rfind("local:", 0) == 0) {
    spec.kind = ClusterSpec::Kind::kLocal;
    ARROW_ASSIGN_OR_RAISE(spec.local_workers,
                          ParseNumber(std::string_view(text).substr(6), 1, kMaxLocalWorkers, "--cluster local:N"));
    return spec;
  }
  if (text.rfind("static:", 0) == 0) {
    spec.kind = ClusterSpec::Kind::kStatic;
    ARROW_ASSIGN_OR_RAISE(spec.workers, ParseAddressList(text.substr(7), "--cluster static worker"));
    return spec;
  }
  if (text.rfind("zookeeper://", 0) == 0) {
    spec.kind = ClusterSpec::Kind::kZooKeeper;
    const std::string rest = text.substr(12);
    const size_t slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 >= rest.size()) {
      return arrow::Status::Invalid("--cluster ", text, ": a ZooKeeper address needs a path, as in ",
                                    "zookeeper://127.0.0.1:2181/quiver");
    }
    ARROW_ASSIGN_OR_RAISE(spec.zookeeper, ParseAddressList(rest.substr(0, slash), "--cluster zookeeper server"));
    spec.zookeeper_path = rest.substr(slash);
    while (spec.zookeeper_path.size() > 1 && spec.zookeeper_path.back() == '/') spec.zookeeper_path.pop_back();
    if (spec.zookeeper_path.find("//") != std::string::npos) {
      return arrow::Status::Invalid("--cluster ", text, ": the ZooKeeper path has an empty component");
    }
    return spec;
  }
  if (text == "custom") {
    spec.kind = ClusterSpec::Kind::kCustom;
    return spec;
  }
  return arrow::Status::Invalid("--cluster '", text,
                                "' is not local:N, static:host:port[,host:port …], "
                                "zookeeper://host:port[,host:port …]/path or custom");
}

}  // namespace quiver::dist
