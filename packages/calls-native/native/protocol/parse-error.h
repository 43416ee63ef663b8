#pragma once
// The one error type of the inner-packet codecs: a parse either succeeds or says why not.

namespace tgvoip::protocol {

enum class ParseError {
  None = 0,
  Truncated,     // a field or record runs past the end of the buffer
  InvalidValue,  // a field holds a value the format does not allow
};

inline const char* parseErrorName(ParseError error) {
  switch (error) {
    case ParseError::None: return "none";
    case ParseError::Truncated: return "truncated";
    case ParseError::InvalidValue: return "invalid value";
  }
  return "unknown";
}

}  // namespace tgvoip::protocol
