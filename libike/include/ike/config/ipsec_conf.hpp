#pragma once
/// ipsec.conf in strongSwan's syntax -> `Config` (conn_config.hpp).
///
/// Two layers, OpenIKED style: parse_conf_syntax() (syntax.hpp) checks the
/// structure; interpret_ipsec_conf() then looks up every keyword
/// (keywords.hpp), validates its value where it is written, resolves also=
/// and %default as strongSwan does, and fills typed structs with strongSwan's
/// defaults. The first problem is returned as an Error whose reason reads
///   ipsec.conf:12: conn office: unknown keyword 'lefsubnet'
///   ipsec.conf:14: conn office: ikelifetime=3x: expected a time such as 30s, 10m, 3h or 1d
/// (Errc::invalid_syntax; Errc::io_error when the top file cannot be read).
/// A daemon must keep its running config when a reload fails.

#include <string>
#include <string_view>

#include "ike/config/conn_config.hpp"
#include "ike/config/file_source.hpp"
#include "ike/config/syntax.hpp"
#include "ike/error.hpp"

namespace ike::config {

/// Reads `path` (and its includes) through `files` and interprets it.
Result<Config> load_ipsec_conf(FileSource& files, const std::string& path);

/// Layer 2 on an already parsed file; warnings of `raw` are carried over.
Result<Config> interpret_ipsec_conf(const RawConfig& raw);

/// `text` as the file `file_name` (an include in it can only fail: there are
/// no other files). For tests and `ikectl check`-style tools.
Result<Config> parse_ipsec_conf(std::string_view text, const std::string& file_name = "ipsec.conf");

}  // namespace ike::config
