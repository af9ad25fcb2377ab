// SHA-256 from OpenSSL's libcrypto, through its low-level interface: the context
// lives on the stack, so a hash allocates nothing (the one-shot SHA256() of
// OpenSSL 3 goes through EVP and costs nearly twice as much on short inputs).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

/// SHA-256 of prefix (0 or 1 byte) ‖ first ‖ second, written to out (32 bytes).
static inline void attest_sha256(const unsigned char *prefix, size_t prefix_length,
                                 const void *first, size_t first_length,
                                 const void *second, size_t second_length,
                                 unsigned char *out) {
    SHA256_CTX context;
    SHA256_Init(&context);
    if (prefix_length) SHA256_Update(&context, prefix, prefix_length);
    if (first_length) SHA256_Update(&context, first, first_length);
    if (second_length) SHA256_Update(&context, second, second_length);
    SHA256_Final(out, &context);
}
