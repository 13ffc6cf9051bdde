#pragma once

// Writes the metric model as a delimited protobuf stream (uvarint length || MetricFamily
// records), the `application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;
// encoding=delimited` exposition. Fed like TextWriter (metadata, samples, native histograms in
// input order), it assembles one family at a time and emits it when the next family starts or at
// finish(): memory is bounded by the largest family.
//
// Samples join the current family when their name is one of its sample names (counter: the
// family name, "_total", "_created"; gauge/unknown: the name; summary: the name, "_sum",
// "_count", "_created"; histogram: "_bucket", "_sum", "_count", "_created"; gauge histogram:
// "_bucket", "_gsum", "_gcount"); anything else (including info and stateset samples, which
// protobuf has no type for) becomes an UNTYPED family named after the sample. Samples with the
// same labels (apart from le/quantile) form one Metric; the le="+Inf" bucket is not written
// (sample_count carries it), _created samples become created_timestamp. Counts that are not
// non-negative integers are written to the *_float fields.

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/output.h"
#include "model/metric.h"

namespace io::prometheus::client {
class MetricFamily;
class Metric;
}  // namespace io::prometheus::client

namespace promotel::exposition {

class ProtobufWriter {
 public:
  explicit ProtobufWriter(Output& out);
  explicit ProtobufWriter(std::string& out);
  ~ProtobufWriter();

  void help(std::string_view family, std::string_view text);
  void type(std::string_view family, model::MetricType type);
  void unit(std::string_view family, std::string_view unit);
  void sample(const model::Sample& sample);
  void native_histogram(std::string_view family, const model::NativeHistogram& histogram);
  // Writes the last family and flushes the Output.
  void finish();

 private:
  void begin_family(std::string_view name, bool from_metadata);
  void flush_family();
  bool belongs(std::string_view sample_name, std::string_view& suffix) const;
  io::prometheus::client::Metric* metric_for(model::Labels labels, std::string_view skip_label);

  Output* output_ = nullptr;
  std::string own_;
  std::string& buf_;
  std::unique_ptr<io::prometheus::client::MetricFamily> family_;
  bool active_ = false;
  bool has_samples_ = false;
  model::MetricType type_ = model::MetricType::kUnknown;
  std::string name_;
  std::unordered_map<std::string, int> metric_index_;
  std::string key_;
};

}  // namespace promotel::exposition
