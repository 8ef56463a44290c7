/// What the kernel tells us unasked (kernel.hpp): SA lifetimes running out.

#include "engine_impl.hpp"
#include "scheduled_work.hpp"

namespace ike::sa {

void Engine::Impl::handle_kernel_expire(const KernelExpire& expire) {
  auto owner = owner_of_kernel_sa(expire.sa.destination, expire.sa.spi);
  if (!owner) return;
  auto& [sa, child, inbound] = *owner;
  if (!expire.hard) {
    queue_child_rekey(*sa, *child, services, "soft lifetime reached in the kernel");
  } else {
    // The kernel removed that SA itself; the rest goes with a delete.
    (inbound ? child->inbound_installed : child->outbound_installed) = false;
    queue_child_delete(*sa, *child, services, "hard lifetime reached in the kernel");
  }
  start_next_request(*sa);
}

}  // namespace ike::sa
