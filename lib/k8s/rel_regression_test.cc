// Regression tests for faults found by the reliability work (fuzz/, tests/e2e).

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "k8s/objects.h"

namespace promotel::k8s {
namespace {

// The bad-input matrix: a Pod whose metadata is a scalar made yaml-cpp throw its own exception
// ("yaml-cpp: error at line 3, column 11: operator[] call on a scalar"), without the file.
TEST(ObjectsRegression, WrongShapesAreErrorsWithThePosition) {
  for (const char* text : {
           "apiVersion: v1\nkind: Pod\nmetadata: 7\nspec: [1, 2]\n",
           "apiVersion: v1\nkind: Service\nmetadata: [a]\n",
           "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e}\nendpoints: 3\n",
           "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: x}\n",
       }) {
    ObjectStore store;
    try {
      load_objects(text, "dump.yaml", store);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("dump.yaml:", 0), 0u) << e.what();
      continue;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a promotel::Error: " << e.what() << "\n" << text;
    }
  }
}

}  // namespace
}  // namespace promotel::k8s
