// promscrape_bench_targets FILE N: serves FILE (as text/plain; version=0.0.4) on N loopback
// ports from one thread (epoll, keep-alive HTTP/1.1), so that hundreds of scrape targets cost
// one process. Prints the ports, space-separated, on one line once all listen; runs until
// killed. A benchmark fixture, not a general HTTP server: every request gets the same answer.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace {

void write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, 1000);
    } else {
      return;  // the client went away
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: promscrape_bench_targets FILE N\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "promscrape_bench_targets: cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream body;
  body << in.rdbuf();
  std::string response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                         "Content-Length: " + std::to_string(body.str().size()) + "\r\n\r\n" + body.str();
  int count = std::atoi(argv[2]);

  int ep = epoll_create1(0);
  std::unordered_set<int> listeners;
  std::string ports;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 128) != 0) {
      std::perror("promscrape_bench_targets: listen");
      return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ports += (i ? " " : "") + std::to_string(ntohs(addr.sin_port));
    listeners.insert(fd);
    epoll_event ev{EPOLLIN, {.fd = fd}};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  std::printf("%s\n", ports.c_str());
  std::fflush(stdout);

  std::unordered_map<int, std::string> pending;  // bytes of a request not complete yet
  epoll_event events[256];
  char buffer[16384];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (listeners.count(fd)) {
        for (int c; (c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          epoll_event ev{EPOLLIN, {.fd = c}};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        }
        continue;
      }
      ssize_t got = read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        pending.erase(fd);
        close(fd);
        continue;
      }
      std::string& request = pending[fd];
      request.append(buffer, static_cast<size_t>(got));
      for (size_t end; (end = request.find("\r\n\r\n")) != std::string::npos;) {
        request.erase(0, end + 4);
        write_all(fd, response);
      }
    }
  }
}
