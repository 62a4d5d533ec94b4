// The CSS inliner on arbitrary HTML: it either refuses (500, a start-up error) or returns a
// document with no more `<style>` blocks than it was given.
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_input.hpp"
#include "wire/mail/css_inline.hpp"

namespace {

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view html(reinterpret_cast<const char*>(data), size);
  auto out = wire::mail::inline_css(html);
  if (!out) {
    fuzz::check(out.error().code == 500, "a refusal is a start-up error");
    return 0;
  }
  fuzz::check(count(*out, "<style") <= count(html, "<style") + 1, "no new style blocks");
  return 0;
}
