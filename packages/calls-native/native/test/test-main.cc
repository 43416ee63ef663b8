// Runs every registered test and prints "N passed, M failed"; exit code 1 on any failure.

#include <cstdlib>
#include <cstring>

#include "test/test-harness.h"

namespace tgvoip::test {
namespace {
int failuresInCurrentTest = 0;
}

std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

void reportFailure(const char* file, int line, const std::string& message) {
  failuresInCurrentTest++;
  std::fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, message.c_str());
}

protocol::Bytes fromHex(const std::string& hex) {
  protocol::Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::strtoul(hex.substr(i, 2).c_str(), nullptr, 16)));
  }
  return out;
}

std::string toHex(protocol::ByteView bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size; i++) {
    out.push_back(digits[bytes.data[i] >> 4]);
    out.push_back(digits[bytes.data[i] & 15]);
  }
  return out;
}

}  // namespace tgvoip::test

int main(int argc, char** argv) {
  using namespace tgvoip::test;
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  for (const TestCase& test : registry()) {
    if (filter && !std::strstr(test.name, filter)) continue;
    failuresInCurrentTest = 0;
    test.body();
    if (failuresInCurrentTest == 0) {
      passed++;
      std::printf("ok   %s\n", test.name);
    } else {
      failed++;
      std::printf("FAIL %s\n", test.name);
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
