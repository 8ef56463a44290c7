// Layer 1 of ipsec.conf: sections, settings and includes (rules in
// ike/config/syntax.hpp).
#include <unordered_map>

#include "config/conf_lexer.hpp"
#include "config/include_guard.hpp"
#include "ike/config/syntax.hpp"

namespace ike::config {

const char* to_string(SectionKind kind) noexcept {
  switch (kind) {
    case SectionKind::config_setup:
      return "config setup";
    case SectionKind::conn:
      return "conn";
    case SectionKind::ca:
      return "ca";
  }
  return "?";
}

std::string RawSection::label() const {
  if (kind == SectionKind::config_setup) return "config setup";
  return std::string(to_string(kind)) + " " + name;
}

namespace {

using detail::ConfLine;
using detail::ConfToken;
using detail::error_at;

std::string describe(const ConfToken& token) {
  if (token.kind == ConfToken::Kind::quoted) return "\"" + token.text + "\"";
  return "'" + token.text + "'";
}

class SyntaxParser {
 public:
  explicit SyntaxParser(FileSource& files) : files_(files) {}

  Result<RawConfig> run(const std::string& path) {
    if (auto status = parse_file(path, Location{}); !status) return std::move(status).error();
    return std::move(config_);
  }

 private:
  Status parse_file(const std::string& path, const Location& included_from) {
    if (auto status = guard_.enter(path, included_from); !status) return status;
    auto text = detail::read_config_file(files_, path, included_from);
    if (!text) return std::move(text).error();
    auto lines = detail::tokenize_conf(*text, path);
    if (!lines) return std::move(lines).error();
    for (const auto& line : *lines) {
      if (auto status = parse_line(line, Location{path, line.line}); !status) return status;
    }
    guard_.leave();
    return {};
  }

  Status parse_line(const ConfLine& line, const Location& where) {
    const auto& tokens = line.tokens;
    if (tokens[0].is_word("include") &&
        (tokens.size() == 1 || tokens[1].kind != ConfToken::Kind::equals)) {
      return parse_include(tokens, where);
    }
    if (line.indented) return parse_setting(tokens, where);
    return parse_section_header(tokens, where);
  }

  Status parse_include(const std::vector<ConfToken>& tokens, const Location& where) {
    if (tokens.size() == 1) return error_at(where, "include without a file pattern");
    if (tokens.size() > 2) {
      return error_at(where, "unexpected " + describe(tokens[2]) +
                                 " after the include pattern (quote paths with blanks)");
    }
    if (tokens[1].text.empty()) return error_at(where, "include with an empty file pattern");
    auto paths = detail::expand_include(files_, tokens[1].text, where, config_.warnings);
    if (!paths) return std::move(paths).error();
    for (const auto& path : *paths) {
      if (auto status = parse_file(path, where); !status) return status;
    }
    return {};
  }

  Status parse_section_header(const std::vector<ConfToken>& tokens, const Location& where) {
    const auto& first = tokens[0];
    if (first.is_word("config")) {
      if (tokens.size() < 2 || !tokens[1].is_word("setup")) {
        return error_at(where, "expected 'config setup'");
      }
      if (tokens.size() > 2) {
        return error_at(where, "unexpected " + describe(tokens[2]) + " after 'config setup'");
      }
      return open_section(SectionKind::config_setup, "", where);
    }
    if (first.is_word("conn") || first.is_word("ca")) {
      auto kind = first.text == "conn" ? SectionKind::conn : SectionKind::ca;
      if (tokens.size() < 2 || tokens[1].kind == ConfToken::Kind::equals ||
          tokens[1].text.empty()) {
        return error_at(where, first.text + " section without a name");
      }
      if (tokens.size() > 2) {
        return error_at(where, "unexpected " + describe(tokens[2]) + " after " + first.text +
                                   " name '" + tokens[1].text + "'");
      }
      return open_section(kind, tokens[1].text, where);
    }
    if (tokens.size() > 1 && tokens[1].kind == ConfToken::Kind::equals) {
      return error_at(where, "setting " + describe(first) +
                                 " is not indented (settings belong indented under a section)");
    }
    return error_at(where, "unexpected " + describe(first) +
                               " at column 0 (expected 'config setup', 'conn NAME', 'ca NAME' "
                               "or 'include')");
  }

  Status open_section(SectionKind kind, const std::string& name, const Location& where) {
    std::string key = std::string(to_string(kind)) + " " + name;
    auto [it, inserted] = index_.try_emplace(key, config_.sections.size());
    if (inserted) {
      config_.sections.push_back(RawSection{kind, name, where, {}});
    } else if (name != "%default") {
      const auto& first = config_.sections[it->second];
      config_.warnings.push_back({where, first.label() + " defined again (first at " +
                                             first.where.to_string() +
                                             "); the settings are merged"});
    }
    current_ = it->second;
    has_current_ = true;
    return {};
  }

  Status parse_setting(const std::vector<ConfToken>& tokens, const Location& where) {
    const auto& key = tokens[0];
    if (key.kind == ConfToken::Kind::equals) return error_at(where, "setting without a name");
    if (key.text.empty()) return error_at(where, "setting with an empty name");
    if (tokens.size() == 1 && key.kind == ConfToken::Kind::quoted) {
      return error_at(where, "expected 'keyword=value', found " + describe(key));
    }
    if (tokens.size() == 1) return error_at(where, "expected '" + key.text + "=value'");
    if (tokens[1].kind != ConfToken::Kind::equals) {
      return error_at(where, "expected '=' after '" + key.text + "', found " + describe(tokens[1]));
    }
    if (!has_current_) {
      return error_at(where, "setting '" + key.text + "' outside of any section");
    }
    std::string value;
    for (std::size_t i = 2; i < tokens.size(); ++i) {
      if (tokens[i].kind == ConfToken::Kind::equals) {
        return error_at(where, "unexpected '=' in the value of '" + key.text +
                                   "' (quote values that contain '=')");
      }
      if (i > 2) value += ' ';
      value += tokens[i].text;
    }
    config_.sections[current_].settings.push_back(RawSetting{key.text, std::move(value), where});
    return {};
  }

  FileSource& files_;
  detail::IncludeGuard guard_{kMaxIncludeDepth, kMaxIncludedFiles};
  RawConfig config_;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t current_ = 0;
  bool has_current_ = false;
};

}  // namespace

Result<RawConfig> parse_conf_syntax(FileSource& files, const std::string& path) {
  return SyntaxParser(files).run(path);
}

}  // namespace ike::config
