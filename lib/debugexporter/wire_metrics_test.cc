// The direct (bytes → text) metrics renderer against the ordinary path (generated parser →
// append_detailed): whenever it accepts a request, the parser must accept it with no unknown
// fields and the text and envelope must be the same; it must accept the common shapes.
#include "debugexporter/wire_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "common/error.h"
#include "common/input.h"
#include "debugexporter/detailed.h"
#include "debugexporter/render.h"
#include "otlp/framing.h"
#include "otlp/json_decode.h"
#include <nlohmann/json.hpp>

namespace promotel::debugexporter {
namespace {

namespace fs = std::filesystem;
using google::protobuf::Message;

bool has_unknown_fields(const Message& message) {
  const auto* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i)
        if (has_unknown_fields(reflection->GetRepeatedMessage(message, field, i))) return true;
    } else if (has_unknown_fields(reflection->GetMessage(message, field))) {
      return true;
    }
  }
  return false;
}

// Renders bytes both ways; true if the direct renderer accepted them. Failures are reported.
bool same_both_ways(const std::string& bytes, const std::string& what) {
  std::string direct;
  MetricsCounts counts;
  if (!append_detailed_from_proto(direct, bytes, counts)) return false;
  otlp::MetricsRequest request;
  bool parsed = request.ParseFromString(bytes);
  EXPECT_TRUE(parsed) << what << ": accepted bytes the parser refuses";
  if (!parsed) return true;
  EXPECT_FALSE(has_unknown_fields(request)) << what << ": accepted unknown fields";
  std::string want;
  append_detailed(want, request);
  EXPECT_EQ(direct, want) << what;
  std::string envelope, want_envelope;
  append_metrics_envelope(envelope, counts);
  append_envelope(want_envelope, request);
  EXPECT_EQ(envelope, want_envelope) << what;
  return true;
}

std::vector<std::string> golden_requests() {
  std::vector<std::string> out;
  for (const char* dir : {"../shared/testdata/debug-exporter/input/metrics",
                          "../shared/testdata/debug-exporter/normal/input/metrics",
                          "tests/prom2otlp/expected"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::string text = read_file(file);
      if (text.starts_with("[")) {  // prom2otlp's expected outputs: arrays of requests
        for (const auto& element : nlohmann::json::parse(text)) {
          otlp::MetricsRequest request;
          otlp::decode_json(element.dump(), request);
          out.push_back(request.SerializeAsString());
        }
        continue;
      }
      StringReader source(text, file);
      otlp::RequestReader reader(source, {});
      try {
        while (const Message* request = reader.next()) {
          if (reader.signal() == otlp::Signal::kMetrics) out.push_back(request->SerializeAsString());
        }
      } catch (const Error&) {
        // a deliberately bad case: nothing to compare
      }
    }
  }
  return out;
}

TEST(WireMetrics, GoldenInputsRenderTheSameBothWays) {
  std::vector<std::string> requests = golden_requests();
  ASSERT_GT(requests.size(), 40u);
  size_t accepted = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    bool direct = same_both_ways(requests[i], "request " + std::to_string(i));
    accepted += direct;
    if (!direct) {
      otlp::MetricsRequest r;
      r.ParseFromString(requests[i]);
      std::cout << "long way: " << r.ShortDebugString().substr(0, 300) << "\n";
    }
  }
  // Only the entity-ref case takes the long way.
  EXPECT_GE(accepted, requests.size() - 1) << accepted << " of " << requests.size();
}

// Every prefix and many single-byte changes of every golden request: whatever the direct
// renderer accepts must be what the parser accepts, rendered the same.
TEST(WireMetrics, MutatedInputsNeverDisagree) {
  size_t accepted = 0, tried = 0;
  for (const std::string& request : golden_requests()) {
    if (request.size() > 1200) continue;  // keeps the test to about a second
    for (size_t n = 0; n < request.size(); ++n, ++tried)
      accepted += same_both_ways(request.substr(0, n), "prefix");
    for (size_t at = 0; at < request.size(); ++at) {
      for (unsigned char value : {0x00, 0x0a, 0x11, 0x80, 0xc3}) {
        std::string mutated = request;
        mutated[at] = static_cast<char>(value);
        accepted += same_both_ways(mutated, "byte " + std::to_string(at));
        ++tried;
      }
    }
  }
  std::cout << accepted << " of " << tried << " mutated requests rendered directly\n";
  EXPECT_GT(accepted, 0u);
}

// Wire forms the generated serializer never writes but parsers must take: unpacked repeated
// fields, repeated singular scalars (last wins), oneof members switching, UTF-8.
std::string tag(uint32_t number, int type) {
  std::string out;
  for (uint64_t v = uint64_t{number} << 3 | type; ; v >>= 7) {
    if (v < 0x80) {
      out += static_cast<char>(v);
      return out;
    }
    out += static_cast<char>(v | 0x80);
  }
}
std::string len(uint32_t number, const std::string& bytes) {
  std::string size;
  for (uint64_t v = bytes.size(); ; v >>= 7) {
    if (v < 0x80) {
      size += static_cast<char>(v);
      break;
    }
    size += static_cast<char>(v | 0x80);
  }
  return tag(number, 2) + size + bytes;
}
std::string fixed64(uint32_t number, uint64_t v) {
  std::string out = tag(number, 1);
  for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}
std::string dbl(uint32_t number, double d) {
  uint64_t v;
  std::memcpy(&v, &d, 8);
  return fixed64(number, v);
}
std::string varint(uint32_t number, uint64_t v) {
  std::string out = tag(number, 0);
  for (;; v >>= 7) {
    if (v < 0x80) {
      out += static_cast<char>(v);
      return out;
    }
    out += static_cast<char>(v | 0x80);
  }
}
std::string request_of_metric(const std::string& metric) {
  return len(1, len(3, "https://schema") + len(1, len(1, len(1, "k") + len(2, len(1, "v")))) +
                    len(2, len(1, len(1, "scope") + len(2, "1.0")) + len(2, metric)));
}

TEST(WireMetrics, UnusualButValidWireForms) {
  std::string kv = len(1, "k\xc3\xa9") + len(2, len(1, "caf\xc3\xa9"));
  std::string kv_double = len(1, "k") + len(2, varint(3, uint64_t(-7)) + dbl(4, 0.1));
  std::string kv_int = len(1, "i") + len(2, varint(3, uint64_t(-7)));
  std::string kv_bytes = len(1, "b") + len(2, len(7, "\x01\xff"));
  std::string kv_bool = len(2, varint(2, 2));
  std::string kv_empty = len(1, "e") + len(2, "");
  std::string histogram_point = len(9, kv) + fixed64(2, 1) + fixed64(3, 1700000000123456789) +
                                fixed64(4, 7) + dbl(5, 1.5) + dbl(7, 0.5) + dbl(7, 1) +
                                fixed64(6, 1) + fixed64(6, 2) + len(6, std::string(8, '\0')) +
                                fixed64(4, 9) + dbl(11, -2) + dbl(12, 1e300);
  std::string exemplar = len(5, std::string(16, '\x01')) + len(4, std::string(8, '\0')) +
                         fixed64(6, 5) + dbl(3, 0.25) + fixed64(2, 3) + len(7, kv);
  std::string number_point = fixed64(6, 3) + dbl(4, 2.5) + fixed64(6, uint64_t(-4)) +
                             len(5, exemplar) + len(7, kv) + varint(8, 1) + len(7, kv_double) +
                             len(7, kv_int) + len(7, kv_bytes) + len(7, kv_bool) +
                             len(7, kv_empty);
  std::string buckets = varint(1, 7) + varint(2, 3) + len(2, "\x01\x80\x01") + varint(1, 5);
  std::string exp_point = varint(6, 3) + len(8, buckets) + len(9, buckets) + fixed64(7, 2) +
                          dbl(14, 0.1) + len(11, exemplar) + fixed64(4, 10);
  std::string quantile = dbl(1, 0.5) + dbl(2, 3) + dbl(1, 0.9);
  std::string summary_point = fixed64(4, 2) + dbl(5, 4.5) + len(6, quantile) + len(6, "");
  std::vector<std::pair<std::string, std::string>> cases = {
      {"histogram", len(1, "h") + len(9, len(1, histogram_point) + varint(2, 2) + varint(2, 1))},
      {"sum", len(1, "s") + len(1, "s2") + len(7, varint(3, 5) + len(1, number_point) +
                                                     varint(2, uint64_t(-1)) + len(1, ""))},
      {"gauge", len(3, "By") + len(5, len(1, number_point)) + len(12, kv)},
      {"exponential", len(10, len(1, exp_point) + varint(2, 1))},
      {"summary", len(11, len(1, summary_point))},
      {"empty metric", ""},
  };
  for (const auto& [name, metric] : cases)
    EXPECT_TRUE(same_both_ways(request_of_metric(metric), name)) << name << " was refused";
  // What must take the long way: merged messages, other value types, bad UTF-8, groups.
  std::vector<std::pair<std::string, std::string>> refused = {
      {"two data", len(5, "") + len(7, "")},
      {"map attribute", len(12, len(1, "k") + len(2, len(6, "")))},
      {"bad utf-8", len(1, "\xc3(")},
      {"unknown field", len(1, "m") + varint(99, 1)},
      {"wrong wire type", varint(1, 1)},
      {"group", tag(4, 3) + tag(4, 4)},
      {"two positive buckets", len(10, len(1, len(8, "") + len(8, "")))},
  };
  for (const auto& [name, metric] : refused) {
    std::string out;
    MetricsCounts counts;
    EXPECT_FALSE(append_detailed_from_proto(out, request_of_metric(metric), counts)) << name;
  }
}

}  // namespace
}  // namespace promotel::debugexporter
