#include "scrape/target.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "promconfig/targets.h"

namespace promotel::scrape {
namespace {

const std::string kEmpty;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string unescape_or_throw(std::string_view text) {
  std::optional<std::string> out = promconfig::query_unescape(text);
  if (out) return *out;
  // Go's message names the bad escape: the first '%' without two hex digits after it.
  size_t at = text.find('%');
  while (at + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[at + 1])) &&
         std::isxdigit(static_cast<unsigned char>(text[at + 2]))) {
    at = text.find('%', at + 3);
  }
  throw Error("invalid URL escape \"" + std::string(text.substr(at, 3)) + "\"");
}

void add_param(Params& params, std::string name, std::string value) {
  auto it = std::lower_bound(params.begin(), params.end(), name,
                             [](const auto& p, const std::string& n) { return p.first < n; });
  if (it == params.end() || it->first != name) it = params.insert(it, {std::move(name), {}});
  it->second.push_back(std::move(value));
}

}  // namespace

LabelSet::LabelSet(std::initializer_list<OwnedLabel> labels) {
  for (const auto& l : labels) set(l.name, l.value);
}

const std::string& LabelSet::get(std::string_view name) const {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const OwnedLabel& l, std::string_view n) { return l.name < n; });
  return it != labels_.end() && it->name == name ? it->value : kEmpty;
}

bool LabelSet::has(std::string_view name) const { return !get(name).empty(); }

void LabelSet::set(std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                             [](const OwnedLabel& l, std::string_view n) { return l.name < n; });
  bool found = it != labels_.end() && it->name == name;
  if (value.empty()) {
    if (found) labels_.erase(it);
  } else if (found) {
    it->value = value;
  } else {
    labels_.insert(it, OwnedLabel{std::string(name), std::string(value)});
  }
}

void LabelSet::remove(std::string_view name) { set(name, ""); }

LabelSet labels_from_url(std::string_view url, std::string_view job, Params& params) {
  std::string_view rest = url;
  std::string scheme;
  if (starts_with(rest, "http://")) {
    scheme = "http";
  } else if (starts_with(rest, "https://")) {
    scheme = "https";
  } else {
    throw Error("target \"" + std::string(url) + "\": want an http:// or https:// URL");
  }
  rest.remove_prefix(scheme.size() + 3);
  size_t fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  size_t end_of_authority = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end_of_authority);
  rest = end_of_authority == std::string_view::npos ? std::string_view() : rest.substr(end_of_authority);
  if (authority.find('@') != std::string_view::npos) {
    throw Error("target \"" + std::string(url) +
                "\": credentials in the URL are not supported, use --basic-auth");
  }
  if (authority.empty()) throw Error("target \"" + std::string(url) + "\": no host");
  size_t query_start = rest.find('?');
  std::string_view path = rest.substr(0, query_start);
  std::string_view query = query_start == std::string_view::npos ? std::string_view() : rest.substr(query_start + 1);

  LabelSet labels;
  labels.set("__address__", authority);
  labels.set("__scheme__", scheme);
  labels.set("__metrics_path__", path.empty() ? "/" : path);
  labels.set("job", job);
  params.clear();
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name = unescape_or_throw(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : unescape_or_throw(pair.substr(eq + 1));
    add_param(params, name, value);
  }
  for (const auto& [name, values] : params) labels.set("__param_" + name, values.front());
  return labels;
}

Target target_from_labels(const LabelSet& discovered, const Params& params) {
  const std::string& address = discovered.get("__address__");
  if (address.empty()) throw Error("target has no __address__ label");
  if (address.find_first_of("/@ ") != std::string::npos) {
    throw Error("target address \"" + address + "\" is not host[:port]");
  }
  std::string scheme = discovered.has("__scheme__") ? discovered.get("__scheme__") : "http";
  if (scheme != "http" && scheme != "https") throw Error("target scheme \"" + scheme + "\" is not http or https");
  std::string path = discovered.has("__metrics_path__") ? discovered.get("__metrics_path__") : "/metrics";

  Params query = params;
  for (const auto& label : discovered.labels()) {
    if (!starts_with(label.name, "__param_")) continue;
    std::string name = label.name.substr(8);
    auto it = std::find_if(query.begin(), query.end(), [&](const auto& p) { return p.first == name; });
    if (it == query.end()) {
      add_param(query, name, label.value);
    } else {
      it->second.front() = label.value;
    }
  }

  Target target;
  target.url = scheme + "://" + address + path;
  char separator = '?';
  for (const auto& [name, values] : query) {
    for (const auto& value : values) {
      target.url += separator;
      target.url += promconfig::query_escape(name) + "=" + promconfig::query_escape(value);
      separator = '&';
    }
  }
  for (const auto& label : discovered.labels()) {
    if (!starts_with(label.name, "__")) target.labels.set(label.name, label.value);
  }
  if (!target.labels.has("instance")) target.labels.set("instance", address);
  target.discovered = discovered;
  return target;
}

}  // namespace promotel::scrape
