#include "wire/http/request.hpp"

#include "wire/http/query.hpp"

namespace wire::http {

std::optional<std::string> Request::query_param(std::string_view name) const {
  return find_query_param(query, name);
}

}  // namespace wire::http
