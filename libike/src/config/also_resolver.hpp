#pragma once
/// also= inheritance, as strongSwan's starter resolves it: each section's
/// parents are linearized depth first, the last also= being the most
/// important, keeping only the last occurrence of a section reached twice;
/// %default comes last for every section. A setting is taken from the
/// section itself, else from the first parent that has it. Internal.

#include <cstddef>
#include <vector>

#include "config/checked_sections.hpp"

namespace ike::config::detail {

/// also= chains deeper than this are refused (they would only come from a
/// generated file gone wrong, and recursion must stay bounded).
inline constexpr std::size_t kMaxAlsoDepth = 32;

/// For each index in `members` (sections of one kind, indexes into
/// `sections`), its linearized parents as indexes into `sections`, most
/// important first. Errors: an unknown also= target, a loop, too deep.
Result<std::vector<std::vector<std::size_t>>> resolve_also(
    const std::vector<CheckedSection>& sections, const std::vector<std::size_t>& members);

}  // namespace ike::config::detail
