#include "support/heap_counter.hpp"

#include <malloc.h>
#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> live_bytes{0};

void* counted_malloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p) live_bytes += malloc_usable_size(p);
  return p;
}
void counted_free(void* p) {
  if (!p) return;
  live_bytes -= malloc_usable_size(p);
  std::free(p);
}
void* counted_realloc(void* p, std::size_t size) {
  std::size_t before = p ? malloc_usable_size(p) : 0;
  void* q = std::realloc(p, size);
  if (q) {
    live_bytes -= before;
    live_bytes += malloc_usable_size(q);
  }
  return q;
}
void* openssl_malloc(std::size_t size, const char*, int) {
  return counted_malloc(size);
}
void* openssl_realloc(void* p, std::size_t size, const char*, int) {
  return counted_realloc(p, size);
}
void openssl_free(void* p, const char*, int) {
  counted_free(p);
}
}  // namespace

namespace ike::bench {
void install_openssl_allocator() {
  CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free);
}
std::size_t live_heap_bytes() {
  return live_bytes.load();
}
}  // namespace ike::bench

void* operator new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  return operator new(size);
}
void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counted_free(p);
}
