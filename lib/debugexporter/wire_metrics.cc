#include "debugexporter/wire_metrics.h"

#include <google/protobuf/stubs/common.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/utf8.h"
#include "debugexporter/gofmt.h"
#include "debugexporter/lines.h"
#include "debugexporter/names.h"
#include "debugexporter/value.h"
#include "otlp/base64.h"
#include "otlp/wire.h"

// The text layout mirrors detailed.cc line for line; wire_metrics_test.cc renders every golden
// input, fuzz seed and benchmark file both ways and compares.

namespace promotel::debugexporter {

namespace {

using otlp::wire::Cursor;
using otlp::wire::Field;
using otlp::wire::kFixed64;
using otlp::wire::kLen;
using otlp::wire::kVarint;
using std::string_view;
using lines::double_line;
using lines::GoF;
using lines::id_line;
using lines::Int;
using lines::Line;
using lines::timestamp_line;
using lines::Uint;
using lines::uint_line;

// The generated parser refuses proto3 strings that are not UTF-8: ASCII is checked 8 bytes at
// a time, anything else by protobuf's own validator, so both paths agree.
bool valid_string(string_view s) {
  return is_ascii(s) || google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

// Appends a string literal with its length known at compile time (no strlen).
template <size_t N>
void literal(std::string& out, const char (&text)[N]) {
  out.append(text, N - 1);
}

bool string_field(const Field& f, string_view& out) {
  if (f.type != kLen || !valid_string(f.bytes)) return false;
  out = f.bytes;
  return true;
}

void index_line(std::string& out, string_view title, int index) {
  Line(out) << title << Int{index} << '\n';
}

void text_line(std::string& out, string_view label, string_view value) {
  Line(out) << label << value << '\n';
}

double as_double(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// A KeyValue whose value is a scalar (string, bool, int, double, bytes) or not set; false for
// maps and arrays. Later oneof members replace earlier ones, as in the parser.
bool attribute(std::string& out, string_view indent, string_view bytes) {
  // The usual encoding, {1: key, 2: {1: string}} with one-byte lengths, without the cursor.
  const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size();
  if (n >= 6 && b[0] == 0x0a && b[1] < 0x80 && size_t{b[1]} + 6 <= n) {
    size_t k = b[1];
    const uint8_t* v = b + 2 + k;
    if (v[0] == 0x12 && v[1] < 0x80 && v[2] == 0x0a && v[3] < 0x80 && v[1] == v[3] + 2 &&
        2 + k + 4 + v[3] == n) {
      string_view key(bytes.data() + 2, k), value(bytes.data() + 2 + k + 4, v[3]);
      if (!valid_string(key) || !valid_string(value)) return false;
      Line(out) << indent << "     -> " << key << ": Str(" << value << ")\n";
      return true;
    }
  }
  string_view key, value;
  uint32_t value_case = 0;  // AnyValue field number, 0 = not set
  uint64_t scalar = 0;
  bool has_value = false;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    if (f.number == 1) {
      if (!string_field(f, key)) return false;
    } else if (f.number == 2 && f.type == kLen && !has_value) {
      has_value = true;
      Cursor v(f.bytes);
      Field g;
      while (v.next(g)) {
        switch (g.number) {
          case 1:
            if (!string_field(g, value)) return false;
            break;
          case 7:
            if (g.type != kLen) return false;
            value = g.bytes;
            break;
          case 2:
          case 3:
            if (g.type != kVarint) return false;
            scalar = g.value;
            break;
          case 4:
            if (g.type != kFixed64) return false;
            scalar = g.value;
            break;
          default: return false;
        }
        value_case = g.number;
      }
      if (!v.ok()) return false;
    } else {
      return false;
    }
  }
  if (!c.ok()) return false;
  if (value_case == 1) {
    Line(out) << indent << "     -> " << key << ": Str(" << value << ")\n";
    return true;
  }
  Line(out) << indent << "     -> " << key;
  thread_local AnyValue typed;
  typed.Clear();
  switch (value_case) {
    case 2: typed.set_bool_value(scalar != 0); break;
    case 3: typed.set_int_value(static_cast<int64_t>(scalar)); break;
    case 4: typed.set_double_value(as_double(scalar)); break;
    case 7: typed.set_bytes_value(value.data(), value.size()); break;
    default: break;
  }
  literal(out, ": ");
  append_typed_value(out, typed);
  out += '\n';
  return true;
}

// The KeyValues of field `number` in `message`, under "header:" when there are any.
bool attributes(std::string& out, string_view header, string_view indent, string_view message,
                uint32_t number) {
  bool first = true;
  Cursor c(message);
  Field f;
  while (c.next(f)) {
    if (f.number != number) continue;
    if (f.type != kLen) return false;
    if (first) {
      Line(out) << header << ":\n";
      first = false;
    }
    if (!attribute(out, indent, f.bytes)) return false;
  }
  return c.ok();
}

bool exemplar(std::string& out, int index, string_view bytes) {
  string_view trace_id, span_id;
  uint64_t time = 0, value = 0;
  uint32_t value_case = 0;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 7:
        if (f.type != kLen) return false;
        break;
      case 2:
        if (f.type != kFixed64) return false;
        time = f.value;
        break;
      case 3:
      case 6:
        if (f.type != kFixed64) return false;
        value_case = f.number;
        value = f.value;
        break;
      case 4:
        if (f.type != kLen) return false;
        span_id = f.bytes;
        break;
      case 5:
        if (f.type != kLen) return false;
        trace_id = f.bytes;
        break;
      default: return false;
    }
  }
  if (!c.ok()) return false;
  index_line(out, "Exemplar #", index);
  id_line(out, "     -> Trace ID: ", trace_id);
  id_line(out, "     -> Span ID: ", span_id);
  timestamp_line(out, "     -> Timestamp: ", time);
  if (value_case == 6) {
    Line(out) << "     -> Value: " << Int{static_cast<int64_t>(value)} << '\n';
  } else if (value_case == 3) {
    double_line(out, "     -> Value: ", as_double(value));
  }
  return attributes(out, "     -> FilteredAttributes", "     ", bytes, 7);
}

bool exemplars(std::string& out, string_view point, uint32_t number) {
  int i = 0;
  Cursor c(point);
  Field f;
  while (c.next(f)) {
    if (f.number != number) continue;
    if (i == 0) literal(out, "Exemplars:\n");
    if (!exemplar(out, i++, f.bytes)) return false;
  }
  return c.ok();
}

// The fields every data point has; scan() records them and checks the point's other fields.
struct PointHeader {
  uint32_t attributes_field;
  uint64_t start = 0, time = 0;
};

bool point_header(std::string& out, string_view title, int index, string_view bytes,
                  const PointHeader& h) {
  Line(out) << title << " #" << Int{index} << '\n';
  if (!attributes(out, "Data point attributes", "", bytes, h.attributes_field)) return false;
  timestamp_line(out, "StartTimestamp: ", h.start);
  timestamp_line(out, "Timestamp: ", h.time);
  return true;
}

bool number_point(std::string& out, int index, string_view bytes) {
  PointHeader h{.attributes_field = 7};
  uint64_t value = 0;
  uint32_t value_case = 0;
  bool has_exemplars = false;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 5:
        has_exemplars = true;
        [[fallthrough]];
      case 7:
        if (f.type != kLen) return false;
        break;
      case 2:
      case 3:
      case 4:
      case 6:
        if (f.type != kFixed64) return false;
        if (f.number == 2) {
          h.start = f.value;
        } else if (f.number == 3) {
          h.time = f.value;
        } else {
          value_case = f.number;
          value = f.value;
        }
        break;
      case 8:
        if (f.type != kVarint) return false;
        break;
      default: return false;
    }
  }
  if (!c.ok() || !point_header(out, "NumberDataPoints", index, bytes, h)) return false;
  if (value_case == 6) {
    Line(out) << "Value: " << Int{static_cast<int64_t>(value)} << '\n';
  } else if (value_case == 4) {
    double_line(out, "Value: ", as_double(value));
  }
  return !has_exemplars || exemplars(out, bytes, 5);
}

// Calls fn(value) for each element of a repeated fixed64/double field, packed or not.
template <typename Fn>
bool for_each_fixed64(string_view message, uint32_t number, Fn fn) {
  Cursor c(message);
  Field f;
  while (c.next(f)) {
    if (f.number != number) continue;
    if (f.type == kFixed64) {
      fn(f.value);
    } else {
      for (size_t i = 0; i < f.bytes.size(); i += 8) {
        uint64_t v;
        std::memcpy(&v, f.bytes.data() + i, 8);
        fn(v);
      }
    }
  }
  return c.ok();
}

bool fixed64_list_field(const Field& f) {
  return f.type == kFixed64 || (f.type == kLen && f.bytes.size() % 8 == 0);
}

struct CountSumMinMax {
  uint64_t count = 0;
  uint64_t sum = 0, min = 0, max = 0;
  bool has_sum = false, has_min = false, has_max = false;
};

void count_sum_min_max(std::string& out, const CountSumMinMax& v) {
  uint_line(out, "Count: ", v.count);
  if (v.has_sum) double_line(out, "Sum: ", as_double(v.sum));
  if (v.has_min) double_line(out, "Min: ", as_double(v.min));
  if (v.has_max) double_line(out, "Max: ", as_double(v.max));
}

bool histogram_point(std::string& out, int index, string_view bytes) {
  PointHeader h{.attributes_field = 9};
  CountSumMinMax v;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 9:
      case 8:
        if (f.type != kLen) return false;
        break;
      case 6:
      case 7:
        if (!fixed64_list_field(f)) return false;
        break;
      case 2:
      case 3:
      case 4:
      case 5:
      case 11:
      case 12:
        if (f.type != kFixed64) return false;
        switch (f.number) {
          case 2: h.start = f.value; break;
          case 3: h.time = f.value; break;
          case 4: v.count = f.value; break;
          case 5: v.sum = f.value, v.has_sum = true; break;
          case 11: v.min = f.value, v.has_min = true; break;
          default: v.max = f.value, v.has_max = true; break;
        }
        break;
      case 10:
        if (f.type != kVarint) return false;
        break;
      default: return false;
    }
  }
  if (!c.ok() || !point_header(out, "HistogramDataPoints", index, bytes, h)) return false;
  count_sum_min_max(out, v);
  int m = 0;
  for_each_fixed64(bytes, 7, [&](uint64_t bits) {
    Line(out) << "ExplicitBounds #" << Int{m++} << ": " << GoF{as_double(bits)} << '\n';
  });
  m = 0;
  for_each_fixed64(bytes, 6, [&](uint64_t count) {
    Line(out) << "Buckets #" << Int{m++} << ", Count: " << Uint{count} << '\n';
  });
  return exemplars(out, bytes, 8);
}

struct Buckets {
  int32_t offset = 0;
  std::vector<uint64_t> counts;  // reused from point to point
};

int32_t zigzag32(uint64_t raw) {
  uint32_t n = static_cast<uint32_t>(raw);
  return static_cast<int32_t>((n >> 1) ^ (~(n & 1) + 1));
}

bool decode_buckets(string_view bytes, Buckets& b) {
  b.offset = 0;
  b.counts.clear();
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    if (f.number == 1 && f.type == kVarint) {
      b.offset = zigzag32(f.value);
    } else if (f.number == 2 && f.type == kVarint) {
      b.counts.push_back(f.value);
    } else if (f.number == 2 && f.type == kLen) {
      string_view packed = f.bytes;
      uint64_t v;
      while (!packed.empty()) {
        if (!Cursor::next_packed_varint(packed, v)) return false;
        b.counts.push_back(v);
      }
    } else {
      return false;
    }
  }
  return c.ok();
}

bool exponential_point(std::string& out, int index, string_view bytes) {
  PointHeader h{.attributes_field = 1};
  CountSumMinMax v;
  int32_t scale = 0;
  uint64_t zero_count = 0;
  string_view positive, negative;
  bool has_positive = false, has_negative = false;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 1:
      case 11:
        if (f.type != kLen) return false;
        break;
      case 8:
      case 9: {
        bool& seen = f.number == 8 ? has_positive : has_negative;
        if (f.type != kLen || seen) return false;  // a second one would be merged
        seen = true;
        (f.number == 8 ? positive : negative) = f.bytes;
        break;
      }
      case 6:
        if (f.type != kVarint) return false;
        scale = zigzag32(f.value);
        break;
      case 10:
        if (f.type != kVarint) return false;
        break;
      case 2:
      case 3:
      case 4:
      case 5:
      case 7:
      case 12:
      case 13:
      case 14:
        if (f.type != kFixed64) return false;
        switch (f.number) {
          case 2: h.start = f.value; break;
          case 3: h.time = f.value; break;
          case 4: v.count = f.value; break;
          case 5: v.sum = f.value, v.has_sum = true; break;
          case 7: zero_count = f.value; break;
          case 12: v.min = f.value, v.has_min = true; break;
          case 13: v.max = f.value, v.has_max = true; break;
          default: break;  // zero_threshold: not printed
        }
        break;
      default: return false;
    }
  }
  if (!c.ok() || !point_header(out, "ExponentialHistogramDataPoints", index, bytes, h)) return false;
  count_sum_min_max(out, v);
  double factor = std::ldexp(M_LN2, -scale);
  thread_local Buckets buckets;
  if (!decode_buckets(negative, buckets)) return false;
  for (int pos = static_cast<int>(buckets.counts.size()) - 1; pos >= 0; --pos) {
    double i = static_cast<double>(buckets.offset) + pos;
    Line(out) << "Bucket [" << GoF{-std::exp((i + 1) * factor)} << ", " << GoF{-std::exp(i * factor)}
              << "), Count: " << Uint{buckets.counts[pos]} << '\n';
  }
  if (zero_count != 0) uint_line(out, "Bucket [0, 0], Count: ", zero_count);
  if (!decode_buckets(positive, buckets)) return false;
  for (int pos = 0; pos < static_cast<int>(buckets.counts.size()); ++pos) {
    double i = static_cast<double>(buckets.offset) + pos;
    Line(out) << "Bucket (" << GoF{std::exp(i * factor)} << ", " << GoF{std::exp((i + 1) * factor)}
              << "], Count: " << Uint{buckets.counts[pos]} << '\n';
  }
  return exemplars(out, bytes, 11);
}

bool quantile(std::string& out, int index, string_view bytes) {
  uint64_t q = 0, value = 0;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    if (f.type != kFixed64 || (f.number != 1 && f.number != 2)) return false;
    (f.number == 1 ? q : value) = f.value;
  }
  if (!c.ok()) return false;
  Line(out) << "QuantileValue #" << Int{index} << ": Quantile " << GoF{as_double(q)} << ", Value "
            << GoF{as_double(value)} << '\n';
  return true;
}

bool summary_point(std::string& out, int index, string_view bytes) {
  PointHeader h{.attributes_field = 7};
  uint64_t count = 0, sum = 0;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 7:
      case 6:
        if (f.type != kLen) return false;
        break;
      case 2:
      case 3:
      case 4:
      case 5:
        if (f.type != kFixed64) return false;
        (f.number == 2 ? h.start : f.number == 3 ? h.time : f.number == 4 ? count : sum) = f.value;
        break;
      case 8:
        if (f.type != kVarint) return false;
        break;
      default: return false;
    }
  }
  if (!c.ok() || !point_header(out, "SummaryDataPoints", index, bytes, h)) return false;
  uint_line(out, "Count: ", count);
  double_line(out, "Sum: ", as_double(sum));
  int m = 0;
  Cursor q(bytes);
  while (q.next(f)) {
    if (f.number == 6 && !quantile(out, m++, f.bytes)) return false;
  }
  return q.ok();
}

enum DataField : uint32_t { kGauge = 5, kSum = 7, kHistogram = 9, kExponential = 10, kSummary = 11 };

// The data points (field 1) of a Gauge/Sum/... message.
bool data_points(std::string& out, DataField kind, string_view data, uint64_t& points) {
  int i = 0;
  Cursor c(data);
  Field f;
  while (c.next(f)) {
    if (f.number != 1) continue;
    bool ok = false;
    switch (kind) {
      case kGauge:
      case kSum: ok = number_point(out, i, f.bytes); break;
      case kHistogram: ok = histogram_point(out, i, f.bytes); break;
      case kExponential: ok = exponential_point(out, i, f.bytes); break;
      case kSummary: ok = summary_point(out, i, f.bytes); break;
    }
    if (!ok) return false;
    ++i;
    ++points;
  }
  return c.ok();
}

string_view data_type_name(uint32_t kind) {
  switch (kind) {
    case kGauge: return "Gauge";
    case kSum: return "Sum";
    case kHistogram: return "Histogram";
    case kExponential: return "ExponentialHistogram";
    case kSummary: return "Summary";
    default: return "Empty";
  }
}

bool metric(std::string& out, int index, string_view bytes, uint64_t& points) {
  string_view name, description, unit, data;
  uint32_t kind = 0;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 1:
        if (!string_field(f, name)) return false;
        break;
      case 2:
        if (!string_field(f, description)) return false;
        break;
      case 3:
        if (!string_field(f, unit)) return false;
        break;
      case kGauge:
      case kSum:
      case kHistogram:
      case kExponential:
      case kSummary:
        if (f.type != kLen || kind != 0) return false;  // the parser would merge or switch
        kind = f.number;
        data = f.bytes;
        break;
      case 12:
        if (f.type != kLen) return false;
        break;
      default: return false;
    }
  }
  if (!c.ok()) return false;
  index_line(out, "Metric #", index);
  literal(out, "Descriptor:\n");
  text_line(out, "     -> Name: ", name);
  text_line(out, "     -> Description: ", description);
  text_line(out, "     -> Unit: ", unit);
  text_line(out, "     -> DataType: ", data_type_name(kind));
  if (!attributes(out, "     -> Metadata", "     ", bytes, 12)) return false;
  if (kind == 0) return true;
  // The Sum/Histogram/ExponentialHistogram header fields.
  int temporality = 0;
  bool monotonic = false;
  Cursor d(data);
  while (d.next(f)) {
    if (f.number == 1 && f.type == kLen) continue;
    if (f.number == 2 && f.type == kVarint && kind != kGauge && kind != kSummary) {
      temporality = static_cast<int32_t>(f.value);
    } else if (f.number == 3 && f.type == kVarint && kind == kSum) {
      monotonic = f.value != 0;
    } else {
      return false;
    }
  }
  if (!d.ok()) return false;
  if (kind == kSum) text_line(out, "     -> IsMonotonic: ", monotonic ? "true" : "false");
  if (kind == kSum || kind == kHistogram || kind == kExponential)
    text_line(out, "     -> AggregationTemporality: ", aggregation_temporality_name(temporality));
  return data_points(out, static_cast<DataField>(kind), data, points);
}

bool scope(std::string& out, string_view bytes) {
  string_view name, version;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    switch (f.number) {
      case 1:
        if (!string_field(f, name)) return false;
        break;
      case 2:
        if (!string_field(f, version)) return false;
        break;
      case 3:
        if (f.type != kLen) return false;
        break;
      case 4:
        if (f.type != kVarint) return false;
        break;
      default: return false;
    }
  }
  if (!c.ok()) return false;
  Line(out) << "InstrumentationScope " << name << ' ' << version << '\n';
  return attributes(out, "InstrumentationScope attributes", "", bytes, 3);
}

// ResourceMetrics and ScopeMetrics share a shape: 1 = the resource or scope (once), 2 = the
// children (read in a second pass), 3 = schema_url. Anything else takes the long way.
struct Wrapper {
  string_view head;
  string_view schema_url;
};

bool read_wrapper(string_view bytes, Wrapper& w) {
  bool has_head = false;
  Cursor c(bytes);
  Field f;
  while (c.next(f)) {
    if (f.number == 1 && f.type == kLen && !has_head) {
      has_head = true;
      w.head = f.bytes;
    } else if (f.number == 2 && f.type == kLen) {
      continue;
    } else if (f.number == 3) {
      if (!string_field(f, w.schema_url)) return false;
    } else {
      return false;
    }
  }
  return c.ok();
}

bool scope_metrics(std::string& out, int index, string_view bytes, MetricsCounts& counts) {
  Wrapper w;
  if (!read_wrapper(bytes, w)) return false;
  index_line(out, "ScopeMetrics #", index);
  text_line(out, "ScopeMetrics SchemaURL: ", w.schema_url);
  if (!scope(out, w.head)) return false;
  int k = 0;
  Field f;
  Cursor m(bytes);
  while (m.next(f)) {
    if (f.number != 2) continue;
    if (!metric(out, k++, f.bytes, counts.data_points)) return false;
    ++counts.metrics;
  }
  return m.ok();
}

bool resource_metrics(std::string& out, int index, string_view bytes, MetricsCounts& counts) {
  Wrapper w;
  if (!read_wrapper(bytes, w)) return false;
  string_view schema_url = w.schema_url, resource = w.head;
  Field f;
  Cursor r(resource);  // attributes and dropped count only: entity refs take the long way
  while (r.next(f)) {
    if (!(f.number == 1 && f.type == kLen) && !(f.number == 2 && f.type == kVarint)) return false;
  }
  if (!r.ok()) return false;
  index_line(out, "ResourceMetrics #", index);
  text_line(out, "Resource SchemaURL: ", schema_url);
  if (!attributes(out, "Resource attributes", "", resource, 1)) return false;
  int j = 0;
  Cursor s(bytes);
  while (s.next(f)) {
    if (f.number == 2 && !scope_metrics(out, j++, f.bytes, counts)) return false;
  }
  return s.ok();
}

void count_field(std::string& out, const char* name, uint64_t value, bool last) {
  out += '"';
  out += name;
  literal(out, "\": ");
  append_uint(out, value);
  out += last ? "}\n" : ", ";
}

}  // namespace

void append_metrics_envelope(std::string& out, const MetricsCounts& counts) {
  literal(out, "Metrics\t{");
  count_field(out, "resource metrics", counts.resource_metrics, false);
  count_field(out, "metrics", counts.metrics, false);
  count_field(out, "data points", counts.data_points, true);
}

bool append_detailed_from_proto(std::string& out, std::string_view request, MetricsCounts& counts) {
  counts = {};
  Cursor c(request);
  Field f;
  while (c.next(f)) {
    if (f.number != 1 || f.type != kLen) return false;
    if (!resource_metrics(out, static_cast<int>(counts.resource_metrics), f.bytes, counts))
      return false;
    ++counts.resource_metrics;
  }
  return c.ok();
}

}  // namespace promotel::debugexporter
