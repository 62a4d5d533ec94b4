#pragma once
// RAII for the libcurl objects this driver owns. Private to core/smtp (the only folder that
// includes curl/curl.h).
#include <curl/curl.h>

#include <memory>

namespace core::smtp::detail {

struct EasyDeleter {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

/// curl_global_init, once per process, before the first handle.
void global_init();

}  // namespace core::smtp::detail
