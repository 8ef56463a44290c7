#pragma once
/// Readers for the text files of the strongSwan captures in tests/vectors/
/// (see its README.md): charon's level-4 hex dumps, tshark's dissection and
/// vectors.txt. The captures themselves are read with pcap.hpp. Test-only
/// code: small, trusting the files' known layout, and reporting what it could
/// not find instead of crashing.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ike/bytes.hpp"

namespace ike::test {

/// tests/vectors/<case>/<file>.
std::string vector_path(std::string_view case_name, std::string_view file);

/// The hex dumps of a charon log, e.g. "SKEYSEED => 32 bytes @ 0x..." followed
/// by "   0: B0 3B ..." lines, grouped by label in log order.
class CharonLog {
 public:
  /// nullopt if the file cannot be read or a dump's octet count does not
  /// match its header.
  static std::optional<CharonLog> read(const std::string& path);
  /// Every dump with this exact label ("Sk_d secret"); empty if none.
  const std::vector<Bytes>& dumps(const std::string& label) const;

 private:
  std::map<std::string, std::vector<Bytes>> dumps_;
};

/// The values of "<field>: <value>" lines of a tshark dissection, in order.
std::vector<std::string> dissection_values(const std::string& path, std::string_view field);

/// "name = value   [comment]" lines of vectors.txt: name -> first word of value.
std::map<std::string, std::string> read_vectors_txt(const std::string& path);

}  // namespace ike::test
