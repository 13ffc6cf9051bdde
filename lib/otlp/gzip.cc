#include "otlp/gzip.h"

#include <zlib.h>

#include <cstring>
#include <vector>

#include "common/error.h"

namespace promotel::otlp {

bool is_gzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

std::string gunzip(std::string_view data, size_t max_size) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw Error("gzip: cannot initialise zlib");
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  char chunk[1 << 16];
  int rc = Z_OK;
  for (;;) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
    out.append(chunk, sizeof chunk - z.avail_out);
    if (out.size() > max_size) {
      inflateEnd(&z);
      throw Error("gzip: decompressed data larger than " + std::to_string(max_size) + " bytes");
    }
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  std::string message = z.msg ? z.msg : "truncated or corrupt data";
  inflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("gzip: " + message);
  return out;
}

std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("gzip: cannot initialise zlib");
  std::string out;
  out.resize(deflateBound(&z, data.size()));
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw Error("gzip: compression failed");
  return out;
}

struct GzipReader::State {
  z_stream z{};
  std::vector<char> in = std::vector<char>(1 << 16);
  bool finished = false;  // source exhausted and stream ended
  bool member_ended = false;
};

GzipReader::GzipReader(Reader& source) : source_(source), state_(std::make_unique<State>()) {
  if (inflateInit2(&state_->z, 15 + 32) != Z_OK) throw Error("gzip: cannot initialise zlib");
}

GzipReader::~GzipReader() { inflateEnd(&state_->z); }

size_t GzipReader::read(char* buffer, size_t size) {
  State& s = *state_;
  z_stream& z = s.z;
  while (!s.finished) {
    if (z.avail_in == 0) {
      size_t n = source_.read(s.in.data(), s.in.size());
      if (n == 0) {
        if (!s.member_ended) throw Error(source_.name() + ": gzip: unexpected end of data");
        s.finished = true;
        break;
      }
      z.next_in = reinterpret_cast<Bytef*>(s.in.data());
      z.avail_in = static_cast<uInt>(n);
    }
    if (s.member_ended) {  // more bytes after a complete member: another member
      inflateReset(&z);
      s.member_ended = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = static_cast<uInt>(size);
    int rc = inflate(&z, Z_NO_FLUSH);
    size_t produced = size - z.avail_out;
    if (rc == Z_STREAM_END) {
      s.member_ended = true;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw Error(source_.name() + ": gzip: " + (z.msg ? z.msg : "corrupt data"));
    }
    if (produced > 0) return produced;
  }
  return 0;
}

}  // namespace promotel::otlp
