#include "http/multi.h"

#include "http/transfer.h"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <string>

#include "common/error.h"

namespace promotel::http {
namespace {

// One transfer slot: an easy handle (kept for connection reuse) and its request's state.
struct Slot {
  CURL* curl = nullptr;
  Transfer transfer;
  size_t index = 0;
  double timeout_seconds = 0;
  std::chrono::system_clock::time_point started;
};

}  // namespace

struct MultiRunner::Impl {
  const ClientOptions& options;
  size_t parallel;
  CURLM* multi = nullptr;
  std::vector<std::unique_ptr<Slot>> slots;

  void configure(Slot& slot, const Request& request);
  void finish(Slot& slot, CURLcode rc);
};

MultiRunner::MultiRunner(const ClientOptions& options, size_t parallel)
    : impl_(new Impl{options, std::max<size_t>(parallel, 1), nullptr, {}}) {
  global_init();
  impl_->multi = curl_multi_init();
  if (!impl_->multi) throw Error("cannot initialise libcurl");
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(impl_->parallel * 2));
  for (size_t i = 0; i < impl_->parallel; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->curl = curl_easy_init();
    if (!slot->curl) throw Error("cannot initialise libcurl");
    impl_->slots.push_back(std::move(slot));
  }
}

MultiRunner::~MultiRunner() {
  for (auto& slot : impl_->slots) {
    curl_multi_remove_handle(impl_->multi, slot->curl);  // in case on_done threw mid-run
    curl_easy_cleanup(slot->curl);
  }
  curl_multi_cleanup(impl_->multi);
}

void MultiRunner::Impl::configure(Slot& slot, const Request& request) {
  const ClientOptions& own = request.options_or(options);
  slot.transfer.configure(slot.curl, request, own);
  slot.timeout_seconds = own.timeout_seconds;
  curl_easy_setopt(slot.curl, CURLOPT_PRIVATE, &slot);
  slot.started = std::chrono::system_clock::now();
}

void MultiRunner::Impl::finish(Slot& slot, CURLcode rc) {
  slot.transfer.finish(rc, slot.timeout_seconds);
}

void MultiRunner::run(const std::vector<Request>& requests, const Done& on_done) {
  Impl& m = *impl_;
  std::deque<Slot*> idle;
  for (auto& slot : m.slots) idle.push_back(slot.get());
  size_t next = 0;
  size_t running = 0;
  auto start_more = [&] {
    while (next < requests.size() && !idle.empty()) {
      Slot* slot = idle.front();
      idle.pop_front();
      slot->index = next;
      m.configure(*slot, requests[next]);
      ++next;
      curl_multi_add_handle(m.multi, slot->curl);
      ++running;
    }
  };
  start_more();
  while (running > 0) {
    int still_running = 0;
    CURLMcode mc = curl_multi_perform(m.multi, &still_running);
    if (mc != CURLM_OK) throw Error(std::string("libcurl: ") + curl_multi_strerror(mc));
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m.multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
      CURLcode rc = msg->data.result;
      curl_multi_remove_handle(m.multi, slot->curl);
      --running;
      m.finish(*slot, rc);
      idle.push_back(slot);
      Response& response = slot->transfer.response;
      on_done(slot->index, response, slot->started);
      response.body.clear();
      response.body.shrink_to_fit();
    }
    start_more();
    if (running > 0) curl_multi_poll(m.multi, nullptr, 0, 100, nullptr);
  }
}

}  // namespace promotel::http
