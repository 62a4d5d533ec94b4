#include "core/net/tcp_server.hpp"

namespace core {

TcpServer::TcpServer(TcpServerOptions options, OnRefused on_refused) noexcept
    : options_(std::move(options)), on_refused_(on_refused), connections_(options_.max_connections) {}

void TcpServer::start(Serve serve) {
  serve_ = std::move(serve);
  listener_.listen(options_.host, options_.port, options_.reuse_port,
                   [this](TcpStream stream) { accept(std::move(stream)); });
}

void TcpServer::accept(TcpStream stream) {
  if (!connections_.accepting()) {
    if (on_refused_) on_refused_();
    stream.reset();
    return;
  }
  serve_(std::move(stream));
}

Task<void> TcpServer::drain(ConnectionSet::StopAtDrain stop) {
  listener_.close();
  co_await connections_.drain(stop);
}

}  // namespace core
