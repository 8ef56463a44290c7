#include "config/also_resolver.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "config/include_guard.hpp"

namespace ike::config::detail {
namespace {

class AlsoResolver {
 public:
  AlsoResolver(const std::vector<CheckedSection>& sections, const std::vector<std::size_t>& members)
      : sections_(sections),
        members_(members),
        parents_(members.size()),
        done_(members.size(), false) {
    for (std::size_t i = 0; i < members.size(); ++i) {
      const auto& name = sections[members[i]].raw->name;
      by_name_.emplace(name, i);
      if (name == "%default") default_ = i;
    }
  }

  Result<std::vector<std::vector<std::size_t>>> run() {
    for (std::size_t i = 0; i < members_.size(); ++i) {
      if (auto status = resolve(i); !status) return std::move(status).error();
    }
    // Member positions to section indexes.
    for (auto& list : parents_) {
      for (auto& parent : list)
        parent = members_[parent];
    }
    return std::move(parents_);
  }

 private:
  const RawSection& raw(std::size_t member) const { return *sections_[members_[member]].raw; }

  Status resolve(std::size_t member) {
    if (done_[member]) return {};
    if (stack_.size() >= kMaxAlsoDepth) {
      return error_at(raw(member).where, raw(member).label() + ": also= nested deeper than " +
                                             std::to_string(kMaxAlsoDepth) + " levels");
    }
    stack_.push_back(member);
    std::vector<std::size_t> chain;
    const auto& also = sections_[members_[member]].also;
    for (auto it = also.rbegin(); it != also.rend(); ++it) {
      auto parent = lookup(member, *it);
      if (!parent) return std::move(parent).error();
      if (auto status = resolve(*parent); !status) return status;
      chain.push_back(*parent);
      chain.insert(chain.end(), parents_[*parent].begin(), parents_[*parent].end());
    }
    stack_.pop_back();
    if (chain.empty() && default_ && *default_ != member) chain.push_back(*default_);
    parents_[member] = keep_last_occurrences(chain);
    done_[member] = true;
    return {};
  }

  Result<std::size_t> lookup(std::size_t member, const AlsoReference& reference) const {
    const auto& section = raw(member);
    auto prefix = section.label() + ": also=" + reference.name + ": ";
    auto it = by_name_.find(reference.name);
    if (it == by_name_.end()) {
      return error_at(reference.where,
                      prefix + "no " + to_string(section.kind) + " named '" + reference.name + "'");
    }
    if (std::find(stack_.begin(), stack_.end(), it->second) != stack_.end()) {
      std::string loop;
      auto start = std::find(stack_.begin(), stack_.end(), it->second);
      for (auto at = start; at != stack_.end(); ++at)
        loop += raw(*at).name + " -> ";
      return error_at(reference.where, prefix + "inheritance loop " + loop + reference.name);
    }
    return it->second;
  }

  static std::vector<std::size_t> keep_last_occurrences(const std::vector<std::size_t>& chain) {
    std::vector<std::size_t> reversed;
    std::unordered_set<std::size_t> seen;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (seen.insert(*it).second) reversed.push_back(*it);
    }
    return {reversed.rbegin(), reversed.rend()};
  }

  const std::vector<CheckedSection>& sections_;
  const std::vector<std::size_t>& members_;
  std::vector<std::vector<std::size_t>> parents_;
  std::vector<bool> done_;
  std::unordered_map<std::string, std::size_t> by_name_;
  std::optional<std::size_t> default_;
  std::vector<std::size_t> stack_;
};

}  // namespace

Result<std::vector<std::vector<std::size_t>>> resolve_also(
    const std::vector<CheckedSection>& sections, const std::vector<std::size_t>& members) {
  return AlsoResolver(sections, members).run();
}

}  // namespace ike::config::detail
