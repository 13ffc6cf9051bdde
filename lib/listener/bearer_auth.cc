#include "listener/bearer_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/error.h"
#include "common/input.h"
#include "common/text.h"

namespace promotel::listener {

namespace {

void sha256(std::string_view data, unsigned char (&digest)[32]) {
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1 || size != 32)
    throw Error("SHA-256 failed");
}

}  // namespace

BearerAuth::BearerAuth(std::string_view token) : enabled_(true) {
  if (token.empty()) throw Error("the bearer token is empty");
  sha256(token, expected_digest_);
}

bool BearerAuth::allows(std::string_view authorization) const {
  if (!enabled_) return true;
  constexpr std::string_view scheme = "bearer ";
  std::string_view value = trim_space(authorization);
  bool scheme_ok = value.size() > scheme.size();
  for (size_t i = 0; scheme_ok && i < scheme.size(); ++i)
    scheme_ok = (value[i] | 0x20) == scheme[i];  // ASCII lower-case; ' ' | 0x20 == ' '
  std::string_view offered = scheme_ok ? trim_space(value.substr(scheme.size())) : std::string_view();
  unsigned char digest[32];
  sha256(offered, digest);
  bool same = CRYPTO_memcmp(digest, expected_digest_, sizeof digest) == 0;
  return scheme_ok && !offered.empty() && same;
}

std::string read_token_file(const std::string& path) {
  std::string token;
  try {
    token = read_secret_file(path);
  } catch (const Error& e) {
    throw Error("cannot read the bearer token file " + path);
  }
  if (token.empty()) throw Error("the bearer token file " + path + " is empty");
  return token;
}

}  // namespace promotel::listener
