#pragma once

// Remote-Write request bodies: a Batch encoded as prometheus.WriteRequest (1.0) or
// io.prometheus.write.v2.Request (2.0), written straight to the wire format, and the snappy
// block compression both versions use.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "remotewrite/batch.h"

namespace promotel::remotewrite {

enum class Protocol { kV1, kV2 };

// The reserved request headers (spec 1.1), without User-Agent.
std::string_view content_type(Protocol protocol);
std::string_view version_header(Protocol protocol);
std::string_view to_string(Protocol protocol);  // "1.0" / "2.0"

// The batch must be finalize()d. Both replace `out`.
void encode_v1(const Batch& batch, std::string& out);

class V2Encoder {
 public:
  void encode(const Batch& batch, std::string& out);

 private:
  uint32_t symbol(std::string_view s);

  std::vector<std::string_view> symbols_;
  std::unordered_map<std::string_view, uint32_t> index_;
  std::vector<uint32_t> refs_;
  std::vector<model::Label> labels_;
};

// Snappy block format (not the framed stream format), replacing `out`.
void snappy_compress(std::string_view data, std::string& out);
// Throws promotel::Error on corrupt input.
void snappy_uncompress(std::string_view data, std::string& out);

}  // namespace promotel::remotewrite
