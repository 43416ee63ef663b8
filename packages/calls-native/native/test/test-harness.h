#pragma once
// A minimal test registry: TEST(name) { CHECK(...); } and a runner that counts results.

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "protocol/bytes.h"

namespace tgvoip::test {

struct TestCase {
  const char* name;
  std::function<void()> body;
};

std::vector<TestCase>& registry();
/** Records a failed check in the running test (the test goes on, so all failures show). */
void reportFailure(const char* file, int line, const std::string& message);

struct Registrar {
  Registrar(const char* name, std::function<void()> body) {
    registry().push_back(TestCase{name, std::move(body)});
  }
};

protocol::Bytes fromHex(const std::string& hex);
std::string toHex(protocol::ByteView bytes);

}  // namespace tgvoip::test

#define TGVOIP_CONCAT_INNER(a, b) a##b
#define TGVOIP_CONCAT(a, b) TGVOIP_CONCAT_INNER(a, b)
#define TEST(name)                                                                    \
  static void TGVOIP_CONCAT(test_, __LINE__)();                                       \
  static ::tgvoip::test::Registrar TGVOIP_CONCAT(registrar_, __LINE__)(               \
      name, TGVOIP_CONCAT(test_, __LINE__));                                          \
  static void TGVOIP_CONCAT(test_, __LINE__)()

#define CHECK(condition)                                                              \
  do {                                                                                \
    if (!(condition)) ::tgvoip::test::reportFailure(__FILE__, __LINE__, #condition);  \
  } while (0)

#define CHECK_HEX(bytes, expectedHex)                                                 \
  do {                                                                                \
    const std::string actualHex_ = ::tgvoip::test::toHex(bytes);                      \
    if (actualHex_ != (expectedHex))                                                  \
      ::tgvoip::test::reportFailure(__FILE__, __LINE__,                               \
                                    std::string(#bytes " = ") + actualHex_ +          \
                                        ", expected " + (expectedHex));               \
  } while (0)
