#pragma once
/// Counts the heap bytes a process holds, from C++ new/delete and from
/// OpenSSL (whose allocator is redirected here), so "bytes per IKE SA" is
/// measured, not guessed. Call install_openssl_allocator() before any other
/// OpenSSL use.

#include <cstddef>

namespace ike::bench {

void install_openssl_allocator();
/// Heap bytes currently held (usable sizes, as malloc reports them).
std::size_t live_heap_bytes();

}  // namespace ike::bench
