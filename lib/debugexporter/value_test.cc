#include "debugexporter/value.h"

#include <gtest/gtest.h>

#include <cmath>

namespace promotel::debugexporter {
namespace {

std::string typed(const AnyValue& v) {
  std::string out;
  append_typed_value(out, v);
  return out;
}

TEST(Value, EveryKindTyped) {
  AnyValue v;
  EXPECT_EQ(typed(v), "Empty()");
  v.set_string_value("a\nb");
  EXPECT_EQ(typed(v), "Str(a\nb)");
  v.set_int_value(-3);
  EXPECT_EQ(typed(v), "Int(-3)");
  v.set_double_value(1e-7);
  EXPECT_EQ(typed(v), "Double(1e-7)");
  v.set_bool_value(true);
  EXPECT_EQ(typed(v), "Bool(true)");
  v.set_bytes_value("\x01\x02\x03\x04");
  EXPECT_EQ(typed(v), "Bytes(AQIDBA==)");
}

TEST(Value, MapsSortKeysAndEscapeLikeGo) {
  AnyValue v;
  auto* kv = v.mutable_kvlist_value();
  auto* b = kv->add_values();
  b->set_key("b");
  b->mutable_value()->set_string_value("<x> & \"q\"\t\u2028");
  auto* a = kv->add_values();
  a->set_key("a");
  auto* list = a->mutable_value()->mutable_array_value();
  list->add_values()->set_int_value(1);
  list->add_values()->set_double_value(2.5);
  list->add_values();
  list->add_values()->set_bytes_value("hi");
  EXPECT_EQ(typed(v), R"(Map({"a":[1,2.5,null,"aGk="],"b":"<x> & \"q\"\t\u2028"}))");
  list->add_values()->set_double_value(NAN);
  EXPECT_EQ(typed(v), "Map()");
}

}  // namespace
}  // namespace promotel::debugexporter
