#pragma once
/// @file
/// Size limits the HTTP parsers enforce while parsing, before anything is buffered without bound.
#include <cstddef>

namespace wire::http {

/// Bounds on one message. Exceeding them fails the parse: 431 for the header block or the
/// header count, 413 for the body, 414 for the request-target.
struct Limits {
  /// Request (or status) line plus all header lines, in bytes. Also bounds a chunked body's
  /// trailer section and its chunk extensions, which llhttp would otherwise read without end.
  std::size_t max_header_bytes = 16 * 1024;
  /// Number of header fields.
  std::size_t max_headers = 100;
  /// Body bytes after de-chunking. A Content-Length above it fails as soon as the headers end.
  std::size_t max_body = 1024 * 1024;
  /// A request-target longer than this fails with 414 as soon as it is seen (the request line
  /// then exceeds 8 KiB, the size RFC 9112 3 recommends every server to support).
  std::size_t max_target = 8 * 1024;
};

}  // namespace wire::http
