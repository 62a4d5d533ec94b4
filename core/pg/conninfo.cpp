#include "core/pg/conninfo.hpp"

#include <arpa/inet.h>

#include <stdexcept>

namespace core::pg {

namespace {
bool is_ip_address(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}
}  // namespace

ConnInfo::ConnInfo(const std::string& dsn) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(dsn.c_str(), &err);
  if (!parsed) {
    std::string why = err ? err : "out of memory";
    PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw std::invalid_argument("invalid DSN: " + why);
  }
  std::string host;
  bool has_hostaddr = false;
  for (PQconninfoOption* o = parsed; o->keyword; ++o) {
    if (!o->val) continue;
    options_.emplace_back(o->keyword, o->val);
    if (options_.back().first == "host") host = o->val;
    if (options_.back().first == "hostaddr" && *o->val) has_hostaddr = true;
  }
  PQconninfoFree(parsed);
  if (!has_hostaddr && !host.empty() && host.find(',') == std::string::npos && host[0] != '/' &&
      host[0] != '@' && !is_ip_address(host)) {
    resolve_ = host;
  }
}

PGconn* ConnInfo::start(const std::vector<std::string>& addresses) const {
  // One host per address: host=h,h hostaddr=a1,a2 (a single port applies to every host).
  std::string hosts;
  std::string hostaddrs;
  for (const auto& a : addresses) {
    if (!hosts.empty()) {
      hosts += ',';
      hostaddrs += ',';
    }
    hosts += resolve_;
    hostaddrs += a;
  }
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : options_) {
    keys.push_back(k.c_str());
    values.push_back(!hosts.empty() && k == "host" ? hosts.c_str() : v.c_str());
  }
  if (!hostaddrs.empty()) {
    keys.push_back("hostaddr");
    values.push_back(hostaddrs.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  return PQconnectStartParams(keys.data(), values.data(), 0);
}

}  // namespace core::pg
