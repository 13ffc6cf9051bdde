#include "relabel/relabel.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace promotel::relabel {
namespace {

LabelSet L(std::vector<LabelPair> pairs) { return make_label_set(std::move(pairs)); }

RelabelConfig rule(Action action, std::vector<std::string> sources, std::string regex,
                   std::string target = "", std::string replacement = "$1") {
  RelabelConfig c;
  c.action = action;
  c.source_labels = std::move(sources);
  c.source_labels_set = !c.source_labels.empty();
  c.regex = Regex(std::move(regex));
  c.regex_set = true;
  c.target_label = std::move(target);
  c.replacement = std::move(replacement);
  return c;
}

std::optional<LabelSet> run(LabelSet in, std::vector<RelabelConfig> rules) {
  return process(rules, std::move(in));
}

TEST(Relabel, ReplaceWithCaptureGroups) {
  auto out = run(L({{"a", "foo"}, {"b", "bar"}}),
                 {rule(Action::kReplace, {"a", "b"}, "f(.*);(.*)r", "d", "$1-${2}x")});
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, L({{"a", "foo"}, {"b", "bar"}, {"d", "oo-bax"}}));
}

TEST(Relabel, ReplaceNoMatchLeavesLabels) {
  auto out = run(L({{"a", "foo"}}), {rule(Action::kReplace, {"a"}, "bar", "b", "x")});
  EXPECT_EQ(*out, L({{"a", "foo"}}));
}

TEST(Relabel, ReplaceIsAnchored) {
  // "o" would match inside "foo" unanchored; Prometheus anchors both ends.
  auto out = run(L({{"a", "foo"}}), {rule(Action::kReplace, {"a"}, "o", "b", "x")});
  EXPECT_EQ(find_label(*out, "b"), nullptr);
}

TEST(Relabel, ReplaceEmptyResultDeletesTarget) {
  auto out = run(L({{"a", "foo"}, {"b", "x"}}), {rule(Action::kReplace, {"missing"}, "(.*)", "b")});
  EXPECT_EQ(*out, L({{"a", "foo"}}));
}

TEST(Relabel, ReplaceDefaultsSetConstant) {
  RelabelConfig c;  // replace, regex (.*), replacement $1
  c.target_label = "env";
  c.replacement = "prod";
  auto out = run(L({{"a", "1"}}), {c});
  EXPECT_EQ(*out, L({{"a", "1"}, {"env", "prod"}}));
}

TEST(Relabel, ReplaceTargetFromTemplate) {
  auto out = run(L({{"a", "some-name-value"}}),
                 {rule(Action::kReplace, {"a"}, "some-([^-]+)-([^,]+)", "${1}", "${2}")});
  EXPECT_EQ(*out, L({{"a", "some-name-value"}, {"name", "value"}}));
}

TEST(Relabel, ReplaceNamedGroupsAndDollarEscape) {
  auto out = run(L({{"a", "k=v"}}),
                 {rule(Action::kReplace, {"a"}, "(?P<key>[^=]+)=(?P<val>.*)", "t", "$$${key}:$val")});
  EXPECT_EQ(*find_label(*out, "t"), "$k:v");
}

TEST(Relabel, ReplaceSeparatorAndDotMatchesNewline) {
  RelabelConfig c = rule(Action::kReplace, {"a", "b"}, "(.*)", "c");
  c.separator = "|";
  auto out = run(L({{"a", "x\ny"}, {"b", "z"}}), {c});
  EXPECT_EQ(*find_label(*out, "c"), "x\ny|z");
}

TEST(Relabel, KeepAndDrop) {
  auto in = L({{"a", "foo"}});
  EXPECT_TRUE(run(in, {rule(Action::kKeep, {"a"}, "f.*")}));
  EXPECT_FALSE(run(in, {rule(Action::kKeep, {"a"}, "f")}));
  EXPECT_FALSE(run(in, {rule(Action::kDrop, {"a"}, "f.*")}));
  EXPECT_TRUE(run(in, {rule(Action::kDrop, {"a"}, "o.*")}));
  // An absent source label is the empty string.
  EXPECT_FALSE(run(in, {rule(Action::kKeep, {"nope"}, ".+")}));
  EXPECT_TRUE(run(in, {rule(Action::kKeep, {"nope"}, "")}));
}

TEST(Relabel, KeepEqualDropEqual) {
  auto in = L({{"a", "1"}, {"b", "1"}, {"c", "2"}});
  RelabelConfig ke;
  ke.action = Action::kKeepEqual;
  ke.source_labels = {"a"};
  ke.target_label = "b";
  EXPECT_TRUE(run(in, {ke}));
  ke.target_label = "c";
  EXPECT_FALSE(run(in, {ke}));
  RelabelConfig de = ke;
  de.action = Action::kDropEqual;
  EXPECT_TRUE(run(in, {de}));
  de.target_label = "b";
  EXPECT_FALSE(run(in, {de}));
}

TEST(Relabel, HashMod) {
  RelabelConfig c;
  c.action = Action::kHashMod;
  c.source_labels = {"a"};
  c.target_label = "shard";
  c.modulus = 1000;
  auto out = run(L({{"a", "foo"}}), {c});
  // md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8; last 8 bytes 0xedef654fccc4a4d8 % 1000.
  EXPECT_EQ(*find_label(*out, "shard"), std::to_string(0xedef654fccc4a4d8ULL % 1000));
  EXPECT_EQ(hash_mod("foo", 1), 0u);
}

TEST(Relabel, LabelMap) {
  auto out = run(L({{"__meta_kubernetes_pod_label_app", "web"}, {"__meta_other", "x"}, {"a", "1"}}),
                 {rule(Action::kLabelMap, {}, "__meta_kubernetes_pod_label_(.+)", "", "k8s_$1")});
  EXPECT_EQ(*out, L({{"__meta_kubernetes_pod_label_app", "web"},
                     {"__meta_other", "x"},
                     {"a", "1"},
                     {"k8s_app", "web"}}));
}

TEST(Relabel, LabelDropAndKeep) {
  auto in = L({{"__meta_a", "1"}, {"job", "j"}, {"instance", "i"}});
  EXPECT_EQ(*run(in, {rule(Action::kLabelDrop, {}, "__meta_.*")}),
            L({{"instance", "i"}, {"job", "j"}}));
  EXPECT_EQ(*run(in, {rule(Action::kLabelKeep, {}, "job|__meta_a")}),
            L({{"__meta_a", "1"}, {"job", "j"}}));
}

TEST(Relabel, LowercaseUppercase) {
  RelabelConfig lo;
  lo.action = Action::kLowercase;
  lo.source_labels = {"a", "b"};
  lo.target_label = "lo";
  RelabelConfig up = lo;
  up.action = Action::kUppercase;
  up.target_label = "up";
  auto out = run(L({{"a", "AbC"}, {"b", "dEf"}}), {lo, up});
  EXPECT_EQ(*find_label(*out, "lo"), "abc;def");
  EXPECT_EQ(*find_label(*out, "up"), "ABC;DEF");
}

TEST(Relabel, StopsAtFirstDrop) {
  auto out = run(L({{"a", "x"}}), {rule(Action::kDrop, {"a"}, "x"),
                                    rule(Action::kReplace, {"a"}, "(.*)", "b")});
  EXPECT_FALSE(out);
}

TEST(Relabel, ParseActionIsCaseInsensitive) {
  EXPECT_EQ(parse_action("LabelMap"), Action::kLabelMap);
  EXPECT_EQ(parse_action("hashmod"), Action::kHashMod);
  EXPECT_FALSE(parse_action("explode"));
  EXPECT_EQ(action_name(Action::kKeepEqual), "keepequal");
}

TEST(Relabel, BadRegexThrows) { EXPECT_THROW(Regex("a(b"), Error); }

TEST(Relabel, Validate) {
  RelabelConfig c;
  EXPECT_EQ(validate(c), "relabel configuration for replace action requires 'target_label' value");
  c.target_label = "x";
  EXPECT_EQ(validate(c), "");
  c.action = Action::kHashMod;
  EXPECT_EQ(validate(c), "relabel configuration for hashmod requires non-zero modulus");
  c.modulus = 3;
  EXPECT_EQ(validate(c), "");
  RelabelConfig ld;
  ld.action = Action::kLabelDrop;
  EXPECT_EQ(validate(ld), "");
  ld.target_label = "t";
  EXPECT_EQ(validate(ld), "labeldrop action requires only 'regex', and no other fields");
  RelabelConfig ke;
  ke.action = Action::kKeepEqual;
  ke.target_label = "t";
  EXPECT_EQ(validate(ke), "");
  ke.regex_set = true;
  EXPECT_EQ(validate(ke),
            "keepequal action requires only 'source_labels' and `target_label`, and no other fields");
  RelabelConfig lc;
  lc.action = Action::kLowercase;
  lc.target_label = "t";
  lc.replacement = "x";
  EXPECT_EQ(validate(lc), "'replacement' can not be set for lowercase action");
}

TEST(Expand, GoSemantics) {
  RE2 re("(a)(b)?(?P<n>c)");
  std::vector<std::string_view> g = {"ac", "a", std::string_view(), "c"};
  EXPECT_EQ(expand("$1|$2|$3|$n|${n}x|$1x|$$|$|${1", re, g), "a||c|c|cx||$|$|${1");
  EXPECT_EQ(expand("$10", re, g), "");
  EXPECT_EQ(expand("plain", re, g), "plain");
}

TEST(LabelBuilder, IterationOrderKeepsBaseThenAdditionsInSetOrder) {
  LabelBuilder b(L({{"a", "1"}, {"c", "3"}, {"e", "5"}}));
  b.set("z", "26");
  b.set("c", "33");  // overwritten base label moves to the additions
  b.set("b", "2");
  b.del("e");
  b.set("z", "0");   // keeps its first-set position
  std::vector<std::string> names;
  for (const auto& l : b.snapshot()) names.push_back(l.name + "=" + l.value);
  EXPECT_EQ(names, (std::vector<std::string>{"a=1", "z=0", "c=33", "b=2"}));
  EXPECT_EQ(b.get("e"), "");
  b.set("e", "55");
  EXPECT_EQ(b.get("e"), "55");
  EXPECT_EQ(b.labels(), L({{"a", "1"}, {"b", "2"}, {"c", "33"}, {"e", "55"}, {"z", "0"}}));
}

}  // namespace
}  // namespace promotel::relabel
