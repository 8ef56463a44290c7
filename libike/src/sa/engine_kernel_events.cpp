/// What the kernel tells us unasked (kernel.hpp): SA lifetimes running out.

#include "engine_impl.hpp"
#include "scheduled_work.hpp"

namespace ike::sa {

void Engine::Impl::handle_kernel_expire(const KernelExpire& expire) {
  for (auto& [spi, sa] : sas) {
    if (sa->state == IkeState::destroying) continue;
    bool inbound = sa->local.address == expire.sa.destination;
    auto* child = inbound ? sa->find_child_by_inbound_spi(expire.sa.spi)
                          : sa->find_child_by_outbound_spi(expire.sa.spi);
    if (!child) continue;
    if (!expire.hard) {
      queue_child_rekey(*sa, *child, services, "soft lifetime reached in the kernel");
    } else {
      // The kernel removed that SA itself; the rest goes with a delete.
      (inbound ? child->inbound_installed : child->outbound_installed) = false;
      queue_child_delete(*sa, *child, services, "hard lifetime reached in the kernel");
    }
    start_next_request(*sa);
    break;
  }
}

}  // namespace ike::sa
