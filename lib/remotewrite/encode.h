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
// The same bytes without a copy when the batch holds its 1.0 body as it is (Batch::v1_body);
// otherwise encoded into `scratch`. The view is valid until the batch or `scratch` changes.
std::string_view encode_v1_view(const Batch& batch, std::string& scratch);

class V2Encoder {
 public:
  void encode(const Batch& batch, std::string& out);

 private:
  uint32_t symbol(std::string_view s);

  std::vector<std::string_view> symbols_;
  std::vector<uint64_t> hashes_;  // of symbols_
  std::vector<uint32_t> table_;   // open addressing: symbol index + 1, 0 = empty
  std::vector<uint32_t> refs_;
  std::vector<model::Label> labels_;
  std::vector<model::Label> previous_labels_;  // the previous series' labels
  std::string packed_;  // the series' label refs as packed varints
};

// A request's bytes for one protocol: its protobuf and that snappy-compressed, views into the
// encoder's buffers (valid until the next encode() or a change to the batch). The buffers only
// grow, and a 1.0 body the batch holds as it is gets compressed where it is (no copy).
struct EncodedRequest {
  std::string_view protobuf;
  std::string_view body;
};
class RequestEncoder {
 public:
  EncodedRequest encode(const Batch& batch, Protocol protocol);

 private:
  V2Encoder v2_;
  std::string protobuf_, compressed_;
};

// Snappy block format (not the framed stream format), replacing `out`.
void snappy_compress(std::string_view data, std::string& out);
// The same into `buffer`, which only ever grows (no resize and clearing per request); returns
// the compressed bytes, a view into `buffer`.
std::string_view snappy_compress_reusing(std::string_view data, std::string& buffer);
// Throws promotel::Error on corrupt input.
void snappy_uncompress(std::string_view data, std::string& out);

}  // namespace promotel::remotewrite
