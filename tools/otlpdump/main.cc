// otlpdump: print OTLP metrics, traces and logs exactly like the Collector's debug exporter,
// from files or pipes, or as an OTLP/HTTP receiver.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/input.h"
#include "common/output.h"
#include "common/stop.h"
#include "common/tool.h"
#include "debugexporter/render.h"
#include "debugexporter/wire_metrics.h"
#include "otlp/filter.h"
#include "listener/listen_address.h"
#include "listener/listener_options.h"
#include "otlp/framing.h"
#include "otlphttp/receiver.h"
#ifdef PROMOTEL_HAVE_OTLPGRPC
#include "otlpgrpc/grpc_receiver.h"
#endif

namespace {

using namespace promotel;

struct Flags {
  std::vector<std::string> files;
  std::string verbosity = "detailed";
  std::string signal;
  bool bare = false;
  bool no_envelope = false;
  std::string metric_regex;
  std::vector<std::string> resource_attrs;
  std::string listen;
  std::string grpc_listen;
  std::string output_format;
  listener::ListenerOptions receiver;  // TLS, bearer token and limits of both receivers
};

// Renders requests to stdout as the exporter would (or as bare text with --no-envelope).
class Printer {
 public:
  Printer(Output& out, debugexporter::Verbosity verbosity, bool envelope)
      : out_(out), verbosity_(verbosity), envelope_(envelope) {}
  void print(const google::protobuf::Message& request) {
    text_.clear();
    if (envelope_) {
      debugexporter::append_batch(text_, request, verbosity_);
    } else {
      debugexporter::append_text(text_, request, verbosity_);
    }
    out_.write(text_);
  }

  // The detailed text of a protobuf metrics request straight from its bytes (the common case,
  // several times faster than parsing it); false when the request needs print().
  bool print_metrics_proto(std::string_view request) {
    if (verbosity_ != debugexporter::Verbosity::kDetailed) return false;
    text_.clear();
    debugexporter::MetricsCounts counts;
    if (!debugexporter::append_detailed_from_proto(text_, request, counts)) return false;
    if (envelope_) {
      envelope_text_.clear();
      debugexporter::append_metrics_envelope(envelope_text_, counts);
      out_.write(envelope_text_);
      text_ += '\n';
    }
    out_.write(text_);
    return true;
  }

 private:
  Output& out_;
  debugexporter::Verbosity verbosity_;
  bool envelope_;
  std::string text_;
  std::string envelope_text_;
};

int dump_files(const Flags& flags, Printer& printer, const otlp::RequestFilter& filter) {
  otlp::RequestReader::Options options;
  if (!flags.signal.empty()) options.signal = otlp::parse_signal(flags.signal);
  options.bare = flags.bare;
  std::vector<std::string> files = flags.files;
  if (files.empty()) files.push_back("-");
  int rc = kExitOk;
  for (const std::string& file : files) {
    try {
      Input input(file);
      otlp::RequestReader reader(input, options);
      if (!filter.active() && reader.framed_protobuf()) {
        while (std::optional<std::string_view> frame = reader.next_frame()) {
          if (reader.expected_signal() == otlp::Signal::kMetrics &&
              printer.print_metrics_proto(*frame)) {
            reader.accept_frame(otlp::Signal::kMetrics);
          } else {
            printer.print(*reader.parse_frame());
          }
        }
        continue;
      }
      while (google::protobuf::Message* request = reader.next()) {
        if (filter.apply(*request)) printer.print(*request);
      }
    } catch (const Error& e) {
      print_error("otlpdump", e.what());
      rc = kExitFailed;
    }
  }
  return rc;
}

int serve(const Flags& flags, Output& out, Printer& printer, const otlp::RequestFilter& filter) {
  std::optional<otlp::FrameWriter> writer;
  if (!flags.output_format.empty()) writer.emplace(out, *otlp::parse_format(flags.output_format));

  // SIGINT/SIGTERM are taken by a thread (sigwait) that asks for the stop: clean shutdown.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<otlphttp::Receiver> http;
  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;
  auto request_stop = [&] {
    {
      std::lock_guard<std::mutex> lock(stop_mutex);
      if (stop_requested) return;
      stop_requested = true;
    }
    stop_cv.notify_all();
    if (http) http->stop();
  };

  // One request printed at a time, whichever receiver it came from. A closed stdout ends the
  // receivers quietly; another write failure is reported and the client gets an error, so
  // nothing is lost silently.
  std::mutex print_mutex;
  std::atomic<bool> output_closed{false};
  auto sink = [&](otlp::Signal, const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(print_mutex);
    std::unique_ptr<google::protobuf::Message> copy;
    const google::protobuf::Message* shown = &request;
    if (filter.active()) {
      copy.reset(request.New());
      copy->CopyFrom(request);
      if (!filter.apply(*copy)) return;
      shown = copy.get();
    }
    try {
      if (writer) {
        writer->write(*shown);
      } else {
        printer.print(*shown);
      }
      out.flush();
    } catch (const BrokenPipe&) {
      output_closed = true;
      request_stop();
      throw;
    } catch (const Error& e) {
      print_error("otlpdump", e.what());
      throw;
    }
  };

  if (!flags.listen.empty()) {
    otlphttp::ReceiverOptions options = flags.receiver;
    listener::ListenAddress address = listener::parse_listen_address(flags.listen);
    options.host = address.host;
    options.port = address.port;
    http = std::make_unique<otlphttp::Receiver>(options, sink);
    http->bind();
    std::cerr << "otlpdump: listening on " << http->url() << " (POST /v1/metrics, /v1/traces, /v1/logs)"
              << std::endl;
  }
#ifdef PROMOTEL_HAVE_OTLPGRPC
  std::unique_ptr<otlpgrpc::GrpcReceiver> grpc;
  if (!flags.grpc_listen.empty()) {
    otlpgrpc::GrpcReceiverOptions options;
    listener::ListenAddress address = listener::parse_listen_address(flags.grpc_listen);
    options.host = address.host;
    options.port = address.port;
    options.max_message_size = flags.receiver.max_body_size;
    options.tls_cert_file = flags.receiver.tls_cert_file;
    options.tls_key_file = flags.receiver.tls_key_file;
    options.bearer_token = flags.receiver.bearer_token;
    grpc = std::make_unique<otlpgrpc::GrpcReceiver>(options, sink);
    grpc->start();
    std::cerr << "otlpdump: listening for OTLP/gRPC" << (options.tls_cert_file.empty() ? "" : " with TLS")
              << " on " << options.host << ":" << grpc->port() << std::endl;
  }
#endif

  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    signalled = true;
    request_stop();
  });
  bool ok = true;
  if (http) {
    ok = http->run();
  } else {
    std::unique_lock<std::mutex> lock(stop_mutex);
    stop_cv.wait(lock, [&] { return stop_requested; });
  }
  request_stop();
#ifdef PROMOTEL_HAVE_OTLPGRPC
  if (grpc) grpc->stop();
#endif
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);  // wake sigwait to end it
  stopper.join();
  if (output_closed) return kExitOk;
  out.flush();
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Print OTLP metrics, traces and logs like the OpenTelemetry Collector's debug "
               "exporter, from files (file-exporter framing, OTLP/JSON, gzip) or as an OTLP/HTTP "
               "(and OTLP/gRPC) receiver.",
               "otlpdump"};
  promotel::setup_app(app);
  Flags flags;
  app.add_option("files", flags.files, "input files; '-' or none = stdin");
  app.add_option("--verbosity", flags.verbosity, "detailed, normal or basic")
      ->check(CLI::IsMember({"detailed", "normal", "basic"}))
      ->capture_default_str();
  app.add_option("--signal", flags.signal, "metrics, traces or logs (needed for bare protobuf "
                                           "messages; input of another signal is an error)")
      ->check(CLI::IsMember({"metrics", "traces", "logs"}));
  app.add_flag("--bare", flags.bare, "the input is one protobuf Export*ServiceRequest, no framing");
  app.add_flag("--no-envelope", flags.no_envelope,
               "print only the text, without the exporter's per-batch summary line");
  app.add_option("--metric", flags.metric_regex, "show only metrics whose name matches this RE2 regex");
  app.add_option("--resource-attr", flags.resource_attrs,
                 "show only resources with this attribute (key=value; repeatable, all must match)")
      ->expected(1)
      ->allow_extra_args(false);
  app.add_option("--listen", flags.listen, "receive OTLP/HTTP on host:port (e.g. 127.0.0.1:4318)");
#ifdef PROMOTEL_HAVE_OTLPGRPC
  app.add_option("--grpc-listen", flags.grpc_listen,
                 "receive OTLP/gRPC on host:port (e.g. 127.0.0.1:4317); with or without --listen");
#endif
  app.add_option("--output-format", flags.output_format,
                 "receiver mode: write what arrives in file-exporter framing (json or proto) "
                 "instead of printing it")
      ->check(CLI::IsMember({"json", "proto"}));
  listener::add_listener_options(app, flags.receiver, "Receiver (--listen, --grpc-listen)");
  if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;

  bool receiving = !flags.listen.empty() || !flags.grpc_listen.empty();
  if (!flags.output_format.empty() && !receiving) {
    std::cerr << "otlpdump: error: --output-format needs --listen or --grpc-listen\n";
    return promotel::kExitUsage;
  }
  if (receiving && !flags.files.empty()) {
    std::cerr << "otlpdump: error: --listen takes no input files\n";
    return promotel::kExitUsage;
  }
  for (const char* flag : {"--tls-cert-file", "--tls-key-file", "--bearer-token", "--bearer-token-file"}) {
    if (app.count(flag) && !receiving) {
      std::cerr << "otlpdump: error: " << flag << " needs --listen or --grpc-listen\n";
      return promotel::kExitUsage;
    }
  }
  try {
    // Read once, here: the token file is a usage error when unreadable, and both receivers
    // check the same token.
    flags.receiver.bearer_token = listener::resolve_bearer_token(flags.receiver);
    flags.receiver.bearer_token_file.clear();
  } catch (const promotel::Error& e) {
    std::cerr << "otlpdump: error: " << e.what() << "\n";
    return promotel::kExitUsage;
  }
  std::unique_ptr<otlp::RequestFilter> filter_holder;
  try {
    otlp::FilterSpec spec;
    spec.metric_name_regex = flags.metric_regex;
    for (const auto& kv : flags.resource_attrs) spec.resource_attributes.push_back(otlp::parse_key_value(kv));
    filter_holder = std::make_unique<otlp::RequestFilter>(spec);
  } catch (const promotel::Error& e) {
    std::cerr << "otlpdump: error: " << e.what() << "\n";
    return promotel::kExitUsage;
  }
  if (!receiving) promotel::install_stop_handler();  // the receivers stop on their own terms
  return promotel::run_tool("otlpdump", [&] {
    const otlp::RequestFilter& filter = *filter_holder;
    Output out;
    Printer printer(out, *debugexporter::parse_verbosity(flags.verbosity), !flags.no_envelope);
    int rc = receiving ? serve(flags, out, printer, filter) : dump_files(flags, printer, filter);
    out.flush();
    return rc;
  });
}
