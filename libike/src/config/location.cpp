#include "ike/config/location.hpp"

namespace ike::config {

std::string Location::to_string() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line);
}

std::string Warning::to_string() const {
  return where.to_string() + ": " + message;
}

}  // namespace ike::config
