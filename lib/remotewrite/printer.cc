#include "remotewrite/printer.h"

#include <charconv>
#include <bit>
#include <cmath>

#include "remotewrite/wire.h"

namespace promotel::remotewrite {

void BatchPrinter::number(int64_t v) {
  auto r = std::to_chars(buffer_, buffer_ + sizeof buffer_, v);
  out_.write(std::string_view(buffer_, r.ptr - buffer_));
}

void BatchPrinter::value(double v) {
  if (std::isnan(v)) {
    out_.write(model::is_stale_nan(v) ? "StaleNaN" : "NaN");
  } else if (std::isinf(v)) {
    out_.write(v > 0 ? "+Inf" : "-Inf");
  } else {
    auto r = std::to_chars(buffer_, buffer_ + sizeof buffer_, v);
    out_.write(std::string_view(buffer_, r.ptr - buffer_));
  }
}

void BatchPrinter::escaped(std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' && c != '"' && c != '\n') continue;
    out_.write(s.substr(start, i - start));
    out_.write(c == '\n' ? "\\n" : c == '\\' ? "\\\\" : "\\\"");
    start = i + 1;
  }
  out_.write(s.substr(start));
}

void BatchPrinter::series_name(std::string_view encoded) {
  labels_.clear();
  decode_labels(encoded, labels_);
  std::string_view name;
  for (const auto& l : labels_) {
    if (l.name == "__name__") name = l.value;
  }
  out_.write(name);
  if (labels_.size() <= 1) return;
  out_.put('{');
  bool first = true;
  for (const auto& l : labels_) {
    if (l.name == "__name__") continue;
    if (!first) out_.put(',');
    first = false;
    out_.write(l.name);
    out_.write("=\"");
    escaped(l.value);
    out_.put('"');
  }
  out_.put('}');
}

void BatchPrinter::histogram(std::string_view body) {
  // Fields in wire order; see the Histogram message in proto/prometheus/remote.proto.
  static const char* kNames[] = {"",        "count",          "count",          "sum",
                                 "schema",  "zero_threshold", "zero_count",     "zero_count",
                                 "negative_spans", "negative_deltas", "negative_counts",
                                 "positive_spans", "positive_deltas", "positive_counts",
                                 "reset_hint"};
  out_.write("histogram{");
  wire::Reader r{body.data(), body.data() + body.size()};
  bool first = true;
  while (!r.done()) {
    uint64_t tag;
    if (!r.varint(tag)) break;
    uint32_t field = uint32_t(tag >> 3), type = uint32_t(tag & 7);
    if (field == 0 || field > 14) {
      r.skip(type);
      continue;
    }
    if (!first) out_.put(',');
    first = false;
    out_.write(kNames[field]);
    out_.put(':');
    if (type == wire::kFixed64) {
      uint64_t bits = 0;
      r.fixed64(bits);
      value(std::bit_cast<double>(bits));
    } else if (type == wire::kVarint) {
      uint64_t v;
      r.varint(v);
      if (field == 4) {
        number(int64_t(v >> 1) ^ -int64_t(v & 1));
      } else if (field == 14) {
        out_.write(v == 3 ? "gauge" : v == 1 ? "yes" : v == 2 ? "no" : "unknown");
      } else {
        number(int64_t(v));
      }
    } else {
      std::string_view s;
      r.bytes(s);
      wire::Reader inner{s.data(), s.data() + s.size()};
      out_.put('[');
      if (field == 8 || field == 11) {  // one span: offset (sint32), length
        int64_t offset = 0;
        uint64_t length = 0;
        while (!inner.done()) {
          uint64_t t, v;
          if (!inner.varint(t) || !inner.varint(v)) break;
          if ((t >> 3) == 1) offset = int64_t(v >> 1) ^ -int64_t(v & 1);
          if ((t >> 3) == 2) length = v;
        }
        number(offset);
        out_.put(':');
        number(int64_t(length));
      } else if (field == 9 || field == 12) {
        bool f = true;
        while (!inner.done()) {
          uint64_t v;
          if (!inner.varint(v)) break;
          if (!f) out_.put(' ');
          f = false;
          number(int64_t(v >> 1) ^ -int64_t(v & 1));
        }
      } else {
        bool f = true;
        while (!inner.done()) {
          uint64_t bits = 0;
          if (!inner.fixed64(bits)) break;
          if (!f) out_.put(' ');
          f = false;
          value(std::bit_cast<double>(bits));
        }
      }
      out_.put(']');
    }
  }
  out_.put('}');
}

std::string summary_line(uint64_t request, const Batch& b, Protocol protocol, RequestSizes sizes) {
  auto n = [](size_t v) { return std::to_string(v); };
  return "# request " + n(request) + ": protocol " + std::string(to_string(protocol)) + ", " +
         n(b.series_count()) + " series, " + n(b.sample_count()) + " samples, " + n(b.histogram_count()) +
         " histograms, " + n(b.exemplar_count()) + " exemplars, " + n(b.metadata().size()) + " metadata, " +
         n(sizes.protobuf) + " bytes protobuf, " + n(sizes.snappy) + " bytes snappy\n";
}

void BatchPrinter::summary(const Batch& b, Protocol protocol, RequestSizes sizes) {
  out_.write(summary_line(++request_, b, protocol, sizes));
}

void BatchPrinter::print(const Batch& b, Protocol protocol, RequestSizes sizes) {
  summary(b, protocol, sizes);

  for (const auto& m : b.metadata()) {
    out_.write("# TYPE ");
    out_.write(m.family);
    out_.put(' ');
    out_.write(model::to_string(m.type));
    out_.put('\n');
    if (!m.help.empty()) {
      out_.write("# HELP ");
      out_.write(m.family);
      out_.put(' ');
      escaped(m.help);
      out_.put('\n');
    }
    if (!m.unit.empty()) {
      out_.write("# UNIT ");
      out_.write(m.family);
      out_.put(' ');
      out_.write(m.unit);
      out_.put('\n');
    }
  }

  const auto& series = b.all_series();
  const auto& samples = b.samples();
  const auto& exemplars = b.exemplars();
  const auto& histograms = b.histograms();
  size_t si = 0, ei = 0, hi = 0;
  for (uint32_t i = 0; i < series.size(); ++i) {
    std::string_view labels = b.bytes(series[i].labels);
    size_t e_first = ei;
    while (ei < exemplars.size() && exemplars[ei].series == i) ++ei;
    size_t e_next = e_first;
    auto exemplar = [&]() {
      if (e_next >= ei) return;
      const auto& e = exemplars[e_next++];
      labels_.clear();
      decode_labels(b.bytes(e.labels), labels_);
      out_.write(" # {");
      bool first = true;
      for (const auto& l : labels_) {
        if (!first) out_.put(',');
        first = false;
        out_.write(l.name);
        out_.write("=\"");
        escaped(l.value);
        out_.put('"');
      }
      out_.write("} ");
      value(e.value);
      out_.put(' ');
      number(e.timestamp);
    };
    for (; si < samples.size() && samples[si].series == i; ++si) {
      series_name(labels);
      out_.put(' ');
      value(samples[si].value);
      out_.put(' ');
      number(samples[si].timestamp);
      if (protocol == Protocol::kV2 && samples[si].start_timestamp != 0) {
        out_.write(" start=");
        number(samples[si].start_timestamp);
      }
      exemplar();
      out_.put('\n');
    }
    for (; hi < histograms.size() && histograms[hi].series == i; ++hi) {
      series_name(labels);
      out_.put(' ');
      histogram(b.bytes(histograms[hi].body));
      out_.put(' ');
      number(histograms[hi].timestamp);
      if (protocol == Protocol::kV2 && histograms[hi].start_timestamp != 0) {
        out_.write(" start=");
        number(histograms[hi].start_timestamp);
      }
      exemplar();
      out_.put('\n');
    }
    while (e_next < ei) {  // more exemplars than samples
      out_.write("#");
      exemplar();
      out_.put('\n');
    }
  }
}

}  // namespace promotel::remotewrite
