#include "xfrm/xfrm_kernel.hpp"

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ike/bytes.hpp"
#include "xfrm/kernel_error.hpp"
#include "xfrm/netlink_socket.hpp"
#include "xfrm/ownership_ledger.hpp"
#include "xfrm/xfrm_dump.hpp"
#include "xfrm/xfrm_events.hpp"
#include "xfrm/xfrm_policy_messages.hpp"
#include "xfrm/xfrm_sa_messages.hpp"
#include "xfrm/xfrm_sa_update.hpp"

namespace ikev2d::xfrm {

namespace {

using ike::sa::SaKey;

/// At most this many event datagrams per read_events call, so a flood of
/// ACQUIREs cannot hold the daemon's loop; the rest wait for the next call.
constexpr int max_event_datagrams_per_read = 256;
/// A dump interrupted by concurrent changes (NLM_F_DUMP_INTR) is repeated
/// this many times before giving up.
constexpr int dump_attempts = 3;

std::string with_story(std::string_view story, const std::string& reason) {
  return std::string(story) + ": " + reason;
}

}  // namespace

struct XfrmKernel::Impl {
  XfrmOptions options;
  NetlinkSocket requests;
  NetlinkSocket events;
  OwnershipLedger ledger;
  /// errno of the last kernel refusal, for callers that tolerate some.
  int last_errno = 0;

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  /// One request and its answer; kernel refusals become readable errors.
  ike::Status send(NetlinkMessage& message, std::string_view story,
                   const MessageHandler& on_message = {}) {
    last_errno = 0;
    auto type = message.type();
    auto answer = requests.exchange(message, on_message);
    if (!answer) return request_failed(story, type, answer.error().reason);
    if (answer->error != 0) {
      last_errno = answer->error;
      return kernel_error(story, type, answer->error, answer->kernel_message);
    }
    return {};
  }

  ike::Status record(std::uint32_t reqid, std::string_view story) {
    auto recorded = ledger.record(reqid);
    if (!recorded) {
      return ike::make_error(recorded.error().code,
                             with_story(story, "recording reqid " + std::to_string(reqid) +
                                                   " as ours failed: " + recorded.error().reason));
    }
    return {};
  }

  /// A copy of the kernel's XFRM_MSG_NEWSA for `key`. It holds the SA's
  /// keys: the caller wipes it (secure_wipe) when done.
  ike::Result<ike::Bytes> fetch_sa(const SaKey& key, std::string_view story) {
    auto message = build_get_sa(key);
    if (!message)
      return ike::make_error(message.error().code, with_story(story, message.error().reason));
    std::optional<ike::Bytes> copy;
    auto sent = send(*message, story, [&](const nlmsghdr& header) {
      if (header.nlmsg_type != XFRM_MSG_NEWSA || copy) return;
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(&header);
      copy.emplace(bytes, bytes + header.nlmsg_len);
    });
    if (!sent) return std::move(sent).error();
    if (!copy) {
      return request_failed(story, XFRM_MSG_GETSA, "the kernel answered without the SA");
    }
    return std::move(*copy);
  }

  /// Runs a dump, handing each message to `on_entry`; repeats it when the
  /// kernel says it was interrupted by changes.
  ike::Status dump(NetlinkMessage (*build)(), std::string_view story,
                   const MessageHandler& on_entry, const std::function<void()>& restart) {
    for (int attempt = 1;; ++attempt) {
      auto message = build();
      auto type = message.type();
      auto answer = requests.exchange(message, on_entry);
      if (!answer) return request_failed(story, type, answer.error().reason);
      if (answer->error != 0) {
        return kernel_error(story, type, answer->error, answer->kernel_message);
      }
      if (!answer->interrupted) return {};
      if (attempt == dump_attempts) {
        return request_failed(
            story, type,
            "the tables kept changing during " + std::to_string(dump_attempts) + " dumps");
      }
      restart();
    }
  }

  ike::Status remove_owned();
};

namespace {

ike::Status with_story_error(ike::Result<NetlinkMessage>& message, std::string_view story) {
  if (message) return {};
  return ike::make_error(message.error().code, with_story(story, message.error().reason));
}

}  // namespace

XfrmKernel::XfrmKernel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XfrmKernel::~XfrmKernel() = default;

ike::Result<std::unique_ptr<XfrmKernel>> XfrmKernel::open(XfrmOptions options) {
  auto requests = NetlinkSocket::open_requests(options.request_timeout);
  if (!requests) return std::move(requests).error();
  auto events =
      NetlinkSocket::open_events({XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_MAPPING});
  if (!events) return std::move(events).error();
  auto ledger = OwnershipLedger::open(options.ownership_ledger);
  if (!ledger) return std::move(ledger).error();
  auto impl = std::make_unique<Impl>(
      Impl{std::move(options), std::move(*requests), std::move(*events), std::move(*ledger), 0});
  for (const auto& problem : impl->ledger.problems()) {
    impl->log("ownership ledger " + impl->ledger.path().string() + ", " + problem + ": skipped");
  }
  return std::unique_ptr<XfrmKernel>(new XfrmKernel(std::move(impl)));
}

ike::Result<std::uint32_t> XfrmKernel::allocate_spi(const ike::sa::AllocateSpiRequest& request) {
  auto message = build_allocate_spi(request);
  if (auto built = with_story_error(message, request.story); !built)
    return std::move(built).error();
  if (auto recorded = impl_->record(request.reqid, request.story); !recorded) {
    return std::move(recorded).error();
  }
  std::optional<std::uint32_t> spi;
  std::string unreadable;
  auto sent = impl_->send(*message, request.story, [&](const nlmsghdr& header) {
    if (header.nlmsg_type != XFRM_MSG_NEWSA || spi) return;
    auto sa = parse_sa(header);
    if (sa) {
      spi = sa->key.spi;
    } else {
      unreadable = sa.error().reason;
    }
  });
  if (!sent) return std::move(sent).error();
  if (!spi) {
    return request_failed(request.story, XFRM_MSG_ALLOCSPI,
                          unreadable.empty() ? "the kernel answered without an SA"
                                             : "unreadable answer: " + unreadable);
  }
  return *spi;
}

ike::Status XfrmKernel::add_sa(const ike::sa::AddSaRequest& request) {
  auto message = build_add_sa(request);
  if (auto built = with_story_error(message, request.story); !built) return built;
  if (auto recorded = impl_->record(request.reqid, request.story); !recorded) return recorded;
  return impl_->send(*message, request.story);
}

ike::Status XfrmKernel::update_sa_addresses(const ike::sa::UpdateSaAddressesRequest& request) {
  auto current = impl_->fetch_sa(request.sa, request.story);
  if (!current) return std::move(current).error();
  const auto& header = *reinterpret_cast<const nlmsghdr*>(current->data());
  auto old = parse_sa(header);
  if (!old) {
    ike::secure_wipe(*current);
    return request_failed(request.story, XFRM_MSG_GETSA,
                          "unreadable answer: " + old.error().reason);
  }
  auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  auto moved = build_moved_sa(header, request, now);
  ike::sa::UpdateSaAddressesRequest back{request.sa, old->source, old->key.destination,
                                         old->encapsulation, request.story};
  auto restore = build_moved_sa(header, back, now);
  ike::secure_wipe(*current);
  if (auto built = with_story_error(moved, request.story); !built) return built;
  auto removed = build_delete_sa(request.sa);
  if (auto built = with_story_error(removed, request.story); !built) return built;
  if (auto deleted = impl_->send(*removed, request.story); !deleted) return deleted;
  auto added = impl_->send(*moved, request.story);
  if (!added && restore) {
    if (auto restored = impl_->send(*restore, request.story); !restored) {
      impl_->log(restored.error().reason);
      return ike::make_error(added.error().code,
                             added.error().reason + "; the SA is gone (restoring it failed too)");
    }
    return ike::make_error(added.error().code,
                           added.error().reason + "; the SA stays at its old addresses");
  }
  return added;
}

ike::Status XfrmKernel::delete_sa(const ike::sa::DeleteSaRequest& request) {
  auto message = build_delete_sa(request.sa);
  if (auto built = with_story_error(message, request.story); !built) return built;
  return impl_->send(*message, request.story);
}

ike::Status XfrmKernel::add_policy(const ike::sa::PolicyRequest& request) {
  auto messages = build_add_policies(request);
  if (!messages) {
    return ike::make_error(messages.error().code,
                           with_story(request.story, messages.error().reason));
  }
  if (auto recorded = impl_->record(request.reqid, request.story); !recorded) return recorded;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    auto added = impl_->send((*messages)[i], request.story);
    if (added) continue;
    // All or nothing: take back the kernel policies this request added.
    if (i > 0) {
      auto undo = build_delete_policies(request);
      for (std::size_t j = 0; undo && j < i; ++j) {
        if (auto deleted = impl_->send((*undo)[j], request.story); !deleted) {
          impl_->log("rolling back: " + deleted.error().reason);
        }
      }
    }
    return added;
  }
  return {};
}

ike::Status XfrmKernel::delete_policy(const ike::sa::PolicyRequest& request) {
  auto messages = build_delete_policies(request);
  if (!messages) {
    return ike::make_error(messages.error().code,
                           with_story(request.story, messages.error().reason));
  }
  ike::Status first_failure;
  for (auto& message : *messages) {
    auto deleted = impl_->send(message, request.story);
    if (!deleted && first_failure) first_failure = std::move(deleted);
  }
  return first_failure;
}

ike::Result<ike::sa::SaUsage> XfrmKernel::query_sa(const ike::sa::SaKey& sa) {
  std::string story =
      "read the usage of SA " + sa.destination.to_string() + " SPI " + std::to_string(sa.spi);
  auto message = build_get_sa(sa);
  if (auto built = with_story_error(message, story); !built) return std::move(built).error();
  std::optional<ike::Result<SaDescription>> description;
  auto sent = impl_->send(*message, story, [&](const nlmsghdr& header) {
    if (header.nlmsg_type == XFRM_MSG_NEWSA && !description) description = parse_sa(header);
  });
  if (!sent) return std::move(sent).error();
  if (!description)
    return request_failed(story, XFRM_MSG_GETSA, "the kernel answered without the SA");
  if (!*description) {
    return request_failed(story, XFRM_MSG_GETSA,
                          "unreadable answer: " + description->error().reason);
  }
  return (*description)->usage;
}

int XfrmKernel::event_fd() const noexcept {
  return impl_->events.fd();
}

ike::Status XfrmKernel::read_events(KernelEventHandler& handler) {
  ike::Status lost;
  for (int datagram = 0; datagram < max_event_datagrams_per_read; ++datagram) {
    auto received = impl_->events.receive_event();
    if (!received) return std::move(received).error();
    using Kind = NetlinkSocket::EventRead::Kind;
    if (received->kind == Kind::nothing) break;
    if (received->kind == Kind::overflow) {
      lost = ike::make_error(ike::Errc::io_error,
                             "kernel events were lost: the event socket's receive buffer "
                             "overflowed (ENOBUFS)");
      continue;
    }
    auto parsed = parse_xfrm_events(received->bytes);
    for (const auto& problem : parsed.problems) {
      impl_->log("kernel event skipped: " + problem);
    }
    for (const auto& event : parsed.events) {
      if (const auto* acquire = std::get_if<ike::sa::KernelAcquire>(&event)) {
        handler.on_acquire(*acquire);
      } else if (const auto* expire = std::get_if<ike::sa::KernelExpire>(&event)) {
        handler.on_expire(*expire);
      } else if (const auto* mapping = std::get_if<ike::sa::KernelMapping>(&event)) {
        handler.on_mapping(*mapping);
      }
    }
  }
  return lost;
}

ike::Status XfrmKernel::remove_owned() {
  return impl_->remove_owned();
}

ike::Status XfrmKernel::Impl::remove_owned() {
  if (ledger.reqids().empty()) return {};
  std::vector<DumpedPolicy> policies;
  std::vector<DumpedSa> sas;
  std::size_t unreadable = 0;
  auto owned_policy = [&](const nlmsghdr& header) {
    if (header.nlmsg_type != XFRM_MSG_NEWPOLICY) return;
    auto policy = parse_dumped_policy(header);
    if (!policy) {
      ++unreadable;
      log("remove_owned: " + policy.error().reason);
      return;
    }
    bool ours = false;
    for (auto reqid : policy->template_reqids)
      ours = ours || ledger.owns(reqid);
    if (ours && policy->is_global()) policies.push_back(std::move(*policy));
  };
  auto owned_sa = [&](const nlmsghdr& header) {
    if (header.nlmsg_type != XFRM_MSG_NEWSA) return;
    auto sa = parse_dumped_sa(header);
    if (!sa) {
      ++unreadable;
      log("remove_owned: " + sa.error().reason);
      return;
    }
    if (ledger.owns(sa->reqid) && sa->id.spi != 0) sas.push_back(std::move(*sa));
  };
  if (auto listed =
          dump(build_policy_dump, "remove our policies", owned_policy, [&] { policies.clear(); });
      !listed) {
    return listed;
  }
  if (auto listed = dump(build_sa_dump, "remove our SAs", owned_sa, [&] { sas.clear(); });
      !listed) {
    return listed;
  }
  std::size_t failures = 0;
  std::string first_failure;
  auto remove = [&](NetlinkMessage& message, const std::string& story) {
    auto removed = send(message, story);
    if (removed || last_errno == ENOENT || last_errno == ESRCH) return;
    if (failures++ == 0) first_failure = removed.error().reason;
    log(removed.error().reason);
  };
  for (const auto& policy : policies) {
    auto message = build_delete_dumped_policy(policy);
    if (message) remove(*message, "remove our leftover policy " + policy.description);
  }
  for (const auto& sa : sas) {
    auto message = build_delete_dumped_sa(sa);
    remove(message, "remove our leftover SA " + sa.description);
  }
  if (failures != 0) {
    return ike::make_error(
        ike::Errc::io_error,
        "remove_owned: " + std::to_string(failures) + " of " +
            std::to_string(policies.size() + sas.size()) +
            " removals failed, the ownership ledger is kept; first: " + first_failure);
  }
  log("remove_owned: removed " + std::to_string(policies.size()) + " policies and " +
      std::to_string(sas.size()) + " SAs of " + std::to_string(ledger.reqids().size()) + " reqids");
  if (unreadable != 0) {
    log("remove_owned: " + std::to_string(unreadable) + " dump entries could not be read");
  }
  return ledger.clear();
}

}  // namespace ikev2d::xfrm
