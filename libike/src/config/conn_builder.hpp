#pragma once
/// Step 2c: a conn or ca section with its also= parents and %default merged,
/// then checked as a whole. Internal.

#include <cstddef>
#include <vector>

#include "config/checked_sections.hpp"
#include "ike/config/conn_config.hpp"

namespace ike::config::detail {

/// The settings that apply to sections[index]: its own, else the first
/// parent's that has the keyword; in keyword-table order. Unset (empty)
/// values are left out but still hide what parents had.
std::vector<const CheckedSetting*> merge_settings(const std::vector<CheckedSection>& sections,
                                                  std::size_t index,
                                                  const std::vector<std::size_t>& parents);

Result<ConnConfig> build_conn(const std::vector<CheckedSection>& sections, std::size_t index,
                              const std::vector<std::size_t>& parents,
                              std::vector<Warning>& warnings);

Result<CaConfig> build_ca(const std::vector<CheckedSection>& sections, std::size_t index,
                          const std::vector<std::size_t>& parents);

/// What only makes sense for the whole conn: auth derived from authby=,
/// margintime shorter than the lifetimes.
Status finish_conn(ConnConfig& conn, std::vector<Warning>& warnings);

}  // namespace ike::config::detail
