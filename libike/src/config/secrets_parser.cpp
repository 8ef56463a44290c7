// ipsec.secrets (syntax in ike/config/ipsec_secrets.hpp).
#include <openssl/crypto.h>

#include <cctype>

#include "config/include_guard.hpp"
#include "config/secret_encoding.hpp"
#include "ike/config/ipsec_secrets.hpp"
#include "ike/config/syntax.hpp"
#include "ike/config/values.hpp"

namespace ike::config {
namespace {

using detail::error_at;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// Overwrites a buffer that held secrets before it is freed.
void wipe(std::string& text) {
  if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
}

/// One line of the file, consumed from the left.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  void skip_blanks() {
    while (!text_.empty() && is_blank(text_.front()))
      text_.remove_prefix(1);
  }
  /// Nothing left but blanks or a comment.
  bool at_end() {
    skip_blanks();
    return text_.empty() || text_.front() == '#';
  }
  bool starts_quote() const { return !text_.empty() && (text_[0] == '"' || text_[0] == '\''); }

  /// A bare word up to a blank (comments only after a blank).
  std::string_view word() {
    skip_blanks();
    std::size_t end = 0;
    while (end < text_.size() && !is_blank(text_[end]))
      ++end;
    auto out = text_.substr(0, end);
    text_.remove_prefix(end);
    return out;
  }

  /// A quoted string without escapes; nullopt when unterminated.
  std::optional<std::string_view> quoted() {
    char quote = text_.front();
    auto close = text_.find(quote, 1);
    if (close == std::string_view::npos) return std::nullopt;
    auto out = text_.substr(1, close - 1);
    text_.remove_prefix(close + 1);
    return out;
  }

 private:
  std::string_view text_;
};

class SecretsParser {
 public:
  explicit SecretsParser(FileSource& files) : files_(files) {}

  Result<Secrets> run(const std::string& path) {
    if (auto status = parse_file(path, Location{}); !status) return std::move(status).error();
    return std::move(secrets_);
  }

 private:
  Status parse_file(const std::string& path, const Location& included_from) {
    if (auto status = guard_.enter(path, included_from); !status) return status;
    auto text = detail::read_config_file(files_, path, included_from);
    if (!text) return std::move(text).error();
    auto status = parse_text(*text, path);
    wipe(*text);
    if (!status) return status;
    guard_.leave();
    return {};
  }

  Status parse_text(std::string_view text, const std::string& path) {
    unsigned number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++number;
      if (auto status = parse_line(text.substr(start, end - start), Location{path, number});
          !status) {
        return status;
      }
      start = end + 1;
    }
    return {};
  }

  Status parse_line(std::string_view text, const Location& where) {
    for (char c : text) {
      auto byte = static_cast<unsigned char>(c);
      if ((byte < 0x20 && c != '\t' && c != '\r') || byte == 0x7f) {
        return error_at(where, "control character in line");
      }
    }
    LineCursor line(text);
    if (line.at_end()) return {};
    LineCursor probe = line;
    if (probe.word() == "include" && !probe.at_end()) return parse_include(probe, where);
    auto ids = parse_ids(line, where);
    if (!ids) return std::move(ids).error();
    auto type = line.word();
    if (type.empty()) return error_at(where, "missing secret type after ':'");
    return parse_entry(upper(type), line, std::move(*ids), where);
  }

  Status parse_include(LineCursor& line, const Location& where) {
    line.skip_blanks();
    std::string pattern;
    if (line.starts_quote()) {
      auto quoted = line.quoted();
      if (!quoted) return error_at(where, "include: unterminated quoted pattern");
      pattern = std::string(*quoted);
    } else {
      pattern = std::string(line.word());
    }
    if (!line.at_end()) return error_at(where, "include: unexpected text after the pattern");
    auto paths = detail::expand_include(files_, pattern, where, secrets_.warnings);
    if (!paths) return std::move(paths).error();
    for (const auto& path : *paths) {
      if (auto status = parse_file(path, where); !status) return status;
    }
    return {};
  }

  /// IDs up to the lone ":".
  Result<std::vector<std::string>> parse_ids(LineCursor& line, const Location& where) {
    std::vector<std::string> ids;
    while (!line.at_end()) {
      if (line.starts_quote()) {
        auto id = line.quoted();
        if (!id) return error_at(where, "unterminated quoted ID");
        ids.emplace_back(*id);
        continue;
      }
      auto word = line.word();
      if (word == ":") return ids;
      ids.emplace_back(word);
    }
    return error_at(where, "missing ' : ' between the IDs and the secret type");
  }

  /// A secret: quoted text, 0x hex, 0s base64 or a bare word.
  Result<Secret> parse_secret(LineCursor& line, const std::string& type, const Location& where) {
    line.skip_blanks();
    if (line.starts_quote()) {
      auto quoted = line.quoted();
      if (!quoted) return error_at(where, type + ": unterminated quoted secret");
      return Secret(*quoted);
    }
    auto word = line.word();
    if (word.empty()) return error_at(where, type + ": missing secret");
    if (word.size() >= 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
      auto bytes = from_hex(word.substr(2));
      if (!bytes || bytes->empty()) return error_at(where, type + ": invalid hex after 0x");
      return Secret(std::move(*bytes));
    }
    if (word.size() >= 2 && word[0] == '0' && (word[1] == 's' || word[1] == 'S')) {
      auto bytes = detail::decode_base64(word.substr(2));
      if (!bytes) return error_at(where, type + ": invalid base64 after 0s");
      return Secret(std::move(*bytes));
    }
    return Secret(word);
  }

  Status parse_entry(const std::string& type, LineCursor& line, std::vector<std::string> ids,
                     const Location& where) {
    if (type == "P12") return parse_private_key(PrivateKeyType::pkcs12, line, ids, where);
    if (auto key = parse_enum_name<PrivateKeyType>(type)) {
      return parse_private_key(*key, line, ids, where);
    }
    if (auto shared = parse_enum_name<SharedSecretType>(type)) {
      return parse_shared(*shared, line, ids, where);
    }
    if (type == "XAUTH" || type == "PIN" || type == "BLISS") {
      auto why = type == "XAUTH" ? "XAUTH is IKEv1-only"
                 : type == "PIN" ? "smartcards are not supported"
                                 : "BLISS keys are not supported";
      secrets_.warnings.push_back({where, type + " secret ignored (" + why + ")"});
      return {};
    }
    return error_at(where, "unknown secret type '" + type.substr(0, 32) +
                               "' (expected RSA, ECDSA, PKCS8, PKCS12, P12, PSK, EAP or NTLM)");
  }

  Status parse_shared(SharedSecretType type, LineCursor& line, std::vector<std::string> ids,
                      const Location& where) {
    std::string label(name(type));
    auto secret = parse_secret(line, label, where);
    if (!secret) return std::move(secret).error();
    if (secret->empty()) return error_at(where, label + ": empty secret");
    if (!line.at_end()) return error_at(where, label + ": unexpected text after the secret");
    if (type == SharedSecretType::eap && ids.empty()) {
      secrets_.warnings.push_back({where, "EAP secret without an identity"});
    }
    std::vector<pki::Identity> identities;
    for (const auto& id : ids) {
      auto identity = pki::Identity::parse(id);
      if (!identity) {
        return error_at(where, "ID \"" + id.substr(0, 64) + "\": " + identity.error().reason);
      }
      identities.push_back(std::move(*identity));
    }
    secrets_.shared.push_back(
        SharedSecret{type, std::move(ids), std::move(identities), std::move(*secret), where});
    return {};
  }

  Status parse_private_key(PrivateKeyType type, LineCursor& line, std::vector<std::string> ids,
                           const Location& where) {
    std::string label(name(type));
    PrivateKeyRef key{type, {}, std::nullopt, false, std::move(ids), where};
    line.skip_blanks();
    if (line.starts_quote()) {
      auto quoted = line.quoted();
      if (!quoted) return error_at(where, label + ": unterminated quoted file name");
      key.file = std::string(*quoted);
    } else {
      key.file = std::string(line.word());
    }
    if (key.file.empty() || key.file.front() == '#') {
      return error_at(where, label + ": missing key file name");
    }
    if (!line.at_end()) {
      LineCursor probe = line;
      if (!probe.starts_quote() && probe.word() == "%prompt") {
        line = probe;
        key.prompt = true;
        secrets_.warnings.push_back({where, label + " " + key.file +
                                                ": %prompt cannot be answered by a daemon; "
                                                "the key will not load"});
      } else {
        auto passphrase = parse_secret(line, label + " passphrase", where);
        if (!passphrase) return std::move(passphrase).error();
        key.passphrase = std::move(*passphrase);
      }
      if (!line.at_end()) return error_at(where, label + ": unexpected text after the passphrase");
    }
    secrets_.private_keys.push_back(std::move(key));
    return {};
  }

  FileSource& files_;
  detail::IncludeGuard guard_{kMaxIncludeDepth, kMaxIncludedFiles};
  Secrets secrets_;
};

}  // namespace

Result<Secrets> load_ipsec_secrets(FileSource& files, const std::string& path) {
  return SecretsParser(files).run(path);
}

Result<Secrets> parse_ipsec_secrets(std::string_view text, const std::string& file_name) {
  MemoryFileSource files;
  files.add(file_name, std::string(text));
  return load_ipsec_secrets(files, file_name);
}

}  // namespace ike::config
