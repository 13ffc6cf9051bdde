#include "relabel/relabel.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "common/error.h"
#include "common/utf8.h"

namespace promotel::relabel {

namespace {

struct ActionName {
  Action action;
  std::string_view name;
};

constexpr std::array<ActionName, 11> kActions{{
    {Action::kReplace, "replace"},
    {Action::kKeep, "keep"},
    {Action::kDrop, "drop"},
    {Action::kKeepEqual, "keepequal"},
    {Action::kDropEqual, "dropequal"},
    {Action::kHashMod, "hashmod"},
    {Action::kLabelMap, "labelmap"},
    {Action::kLabelDrop, "labeldrop"},
    {Action::kLabelKeep, "labelkeep"},
    {Action::kLowercase, "lowercase"},
    {Action::kUppercase, "uppercase"},
}};

// Prometheus 3 validates label names with the UTF-8 scheme: any non-empty valid UTF-8.
bool valid_label_name(std::string_view s) { return !s.empty() && is_valid_utf8(s); }

bool name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

}  // namespace

std::optional<Action> parse_action(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& a : kActions)
    if (a.name == lower) return a.action;
  return std::nullopt;
}

std::string_view action_name(Action action) {
  for (const auto& a : kActions)
    if (a.action == action) return a.name;
  return "?";
}

Regex::Regex(std::string source) : source_(std::move(source)) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  std::string anchored = "^(?s:" + source_ + ")$";
  auto re = std::make_shared<RE2>(anchored, options);
  if (!re->ok()) {
    std::string why = re->error();
    if (why.ends_with(": " + anchored)) why.resize(why.size() - anchored.size() - 2);
    throw Error("error parsing regexp: " + why + ": `" + source_ + "`");
  }
  re_ = std::move(re);
}

bool Regex::matches(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

std::string validate(const RelabelConfig& c) {
  const auto act = std::string(action_name(c.action));
  const RelabelConfig defaults;
  const Action a = c.action;
  if (c.modulus == 0 && a == Action::kHashMod)
    return "relabel configuration for hashmod requires non-zero modulus";
  bool needs_target = a == Action::kReplace || a == Action::kHashMod || a == Action::kLowercase ||
                      a == Action::kUppercase || a == Action::kKeepEqual ||
                      a == Action::kDropEqual;
  if (needs_target && c.target_label.empty())
    return "relabel configuration for " + act + " action requires 'target_label' value";
  bool plain_target = a == Action::kLowercase || a == Action::kUppercase ||
                      a == Action::kKeepEqual || a == Action::kDropEqual || a == Action::kHashMod;
  if ((a == Action::kReplace && !is_valid_utf8(c.target_label)) ||
      (plain_target && !valid_label_name(c.target_label)))
    return "\"" + c.target_label + "\" is invalid 'target_label' for " + act + " action";
  if ((a == Action::kLowercase || a == Action::kUppercase || a == Action::kKeepEqual ||
       a == Action::kDropEqual) &&
      c.replacement != defaults.replacement)
    return "'replacement' can not be set for " + act + " action";
  if (a == Action::kLabelMap && !is_valid_utf8(c.replacement))
    return "\"" + c.replacement + "\" is invalid 'replacement' for " + act + " action";
  if ((a == Action::kKeepEqual || a == Action::kDropEqual) &&
      (c.regex_set || c.modulus != 0 || c.separator != defaults.separator ||
       c.replacement != defaults.replacement))
    return act + " action requires only 'source_labels' and `target_label`, and no other fields";
  if ((a == Action::kLabelDrop || a == Action::kLabelKeep) &&
      (c.source_labels_set || !c.target_label.empty() || c.modulus != 0 ||
       c.separator != defaults.separator || c.replacement != defaults.replacement))
    return act + " action requires only 'regex', and no other fields";
  return {};
}

std::string expand(std::string_view tmpl, const RE2& re, std::span<const std::string_view> groups) {
  std::string out;
  out.reserve(tmpl.size());
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out.append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    // Extract a name: ${name} or the longest run of name characters.
    std::string_view rest = tmpl;
    bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && name_char(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 0 || (brace && (n >= rest.size() || rest[n] != '}'))) {
      out += '$';  // malformed: the dollar is literal text
      continue;
    }
    std::string_view name = rest.substr(0, n);
    tmpl = rest.substr(n + (brace ? 1 : 0));
    long num = 0;
    for (char ch : name) {
      if (ch < '0' || ch > '9' || num >= 100000000) {
        num = -1;
        break;
      }
      num = num * 10 + (ch - '0');
    }
    if (name.size() > 1 && name[0] == '0') num = -1;
    if (num < 0) {
      const auto& named = re.NamedCapturingGroups();
      auto it = named.find(std::string(name));
      num = it == named.end() ? -1 : it->second;
    }
    if (num >= 0 && static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr)
      out.append(groups[num]);
  }
  out.append(tmpl);
  return out;
}

uint64_t hash_mod(std::string_view text, uint64_t modulus) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_md5(), nullptr);
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | digest[i];
  return v % modulus;
}

namespace {

// Runs the anchored regex and fills groups (index 0 = whole match). False on no match.
bool submatches(const RE2& re, std::string_view text, std::vector<std::string_view>& groups) {
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(n);
  if (!re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                pieces.data(), n))
    return false;
  groups.clear();
  for (const auto& p : pieces) groups.emplace_back(p.data(), p.size());
  return true;
}

std::string to_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string to_upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool apply(const RelabelConfig& c, LabelBuilder& lb) {
  std::string val;
  for (size_t i = 0; i < c.source_labels.size(); ++i) {
    if (i) val += c.separator;
    val += lb.get(c.source_labels[i]);
  }
  switch (c.action) {
    case Action::kDrop:
      return !c.regex.matches(val);
    case Action::kKeep:
      return c.regex.matches(val);
    case Action::kDropEqual:
      return lb.get(c.target_label) != val;
    case Action::kKeepEqual:
      return lb.get(c.target_label) == val;
    case Action::kReplace: {
      std::vector<std::string_view> groups;
      if (!submatches(c.regex.re2(), val, groups)) break;
      std::string target = expand(c.target_label, c.regex.re2(), groups);
      if (!valid_label_name(target)) break;
      std::string res = expand(c.replacement, c.regex.re2(), groups);
      if (res.empty())
        lb.del(target);
      else
        lb.set(target, res);
      break;
    }
    case Action::kLowercase:
      lb.set(c.target_label, to_lower(val));
      break;
    case Action::kUppercase:
      lb.set(c.target_label, to_upper(val));
      break;
    case Action::kHashMod:
      lb.set(c.target_label, std::to_string(hash_mod(val, c.modulus)));
      break;
    case Action::kLabelMap: {
      std::vector<std::string_view> groups;
      for (const auto& l : lb.snapshot()) {
        if (!submatches(c.regex.re2(), l.name, groups)) continue;
        lb.set(expand(c.replacement, c.regex.re2(), groups), l.value);
      }
      break;
    }
    case Action::kLabelDrop:
      for (const auto& l : lb.snapshot())
        if (c.regex.matches(l.name)) lb.del(l.name);
      break;
    case Action::kLabelKeep:
      for (const auto& l : lb.snapshot())
        if (!c.regex.matches(l.name)) lb.del(l.name);
      break;
  }
  return true;
}

bool process(std::span<const RelabelConfig> configs, LabelBuilder& labels) {
  for (const auto& c : configs)
    if (!apply(c, labels)) return false;
  return true;
}

std::optional<LabelSet> process(std::span<const RelabelConfig> configs, LabelSet labels) {
  LabelBuilder lb(std::move(labels));
  if (!process(configs, lb)) return std::nullopt;
  return lb.labels();
}

}  // namespace promotel::relabel
