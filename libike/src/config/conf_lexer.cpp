#include "config/conf_lexer.hpp"

#include <cstdio>

namespace ike::config::detail {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

bool is_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
}

/// Ends an unquoted word, as in strongSwan's lexer: quote, comment, `=` or blank.
bool ends_word(char c) {
  return c == '"' || c == '#' || c == '=' || c == '\n' || is_blank(c);
}

class Lexer {
 public:
  Lexer(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  Result<std::vector<ConfLine>> run() {
    while (pos_ < text_.size()) {
      if (auto status = scan_line(); !status) return std::move(status).error();
    }
    return std::move(lines_);
  }

 private:
  Error fail(unsigned line, const std::string& reason) const {
    return make_error(Errc::invalid_syntax, file_ + ":" + std::to_string(line) + ": " + reason);
  }

  Error control_character(char c) const {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
    return fail(line_, std::string("control character ") + hex + " is not allowed");
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  /// Skips a legacy "version 2" line, which strongSwan ignores.
  bool skip_version_line() {
    static constexpr std::string_view kVersion = "version";
    if (text_.substr(pos_, kVersion.size()) != kVersion) return false;
    std::size_t after = pos_ + kVersion.size();
    if (after < text_.size() && !is_blank(text_[after]) && text_[after] != '\n') return false;
    while (pos_ < text_.size() && text_[pos_] != '\n')
      ++pos_;
    return true;
  }

  Status scan_line() {
    ConfLine current;
    current.line = line_;
    current.indented = is_blank(text_[pos_]) && text_[pos_] != '\r';
    while (pos_ < text_.size() && is_blank(text_[pos_]))
      ++pos_;
    if (!skip_version_line()) {
      while (pos_ < text_.size() && text_[pos_] != '\n') {
        if (auto status = scan_token(current); !status) return status;
      }
    }
    if (at('\n')) {
      ++pos_;
      ++line_;
    }
    if (!current.tokens.empty()) lines_.push_back(std::move(current));
    return {};
  }

  Status scan_token(ConfLine& current) {
    char c = text_[pos_];
    if (is_blank(c)) {
      ++pos_;
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n')
        ++pos_;
    } else if (c == '=') {
      ++pos_;
      current.tokens.push_back({ConfToken::Kind::equals, "="});
    } else if (c == '"') {
      auto quoted = scan_quoted();
      if (!quoted) return std::move(quoted).error();
      current.tokens.push_back({ConfToken::Kind::quoted, std::move(*quoted)});
    } else if (is_control(c)) {
      return control_character(c);
    } else {
      auto word = scan_word();
      if (!word) return std::move(word).error();
      current.tokens.push_back({ConfToken::Kind::word, std::move(*word)});
    }
    return {};
  }

  Result<std::string> scan_word() {
    std::size_t start = pos_;
    // "@#0123abcd" is a key ID, not "@" and a comment.
    if (text_.substr(pos_, 2) == "@#") pos_ += 2;
    while (pos_ < text_.size() && !ends_word(text_[pos_])) {
      if (is_control(text_[pos_])) return control_character(text_[pos_]);
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  /// A quoted string may span lines, as in strongSwan; an unterminated one is
  /// reported at the line where it opened.
  Result<std::string> scan_quoted() {
    unsigned opened = line_;
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\n') ++line_;
      if (is_control(c)) return control_character(c);
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char escaped = text_[pos_++];
      if (escaped == '\r' && at('\n')) escaped = text_[pos_++];
      switch (escaped) {
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case '\n':
          ++line_;
          break;  // line continuation
        default:
          if (is_control(escaped)) return control_character(escaped);
          out += escaped;
      }
    }
    return fail(opened, "unterminated quoted string");
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0;
  unsigned line_ = 1;
  std::vector<ConfLine> lines_;
};

}  // namespace

Result<std::vector<ConfLine>> tokenize_conf(std::string_view text, const std::string& file_name) {
  return Lexer(text, file_name).run();
}

}  // namespace ike::config::detail
