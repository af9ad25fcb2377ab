// AES-256-GCM and HMAC-SHA256 from OpenSSL's libcrypto for sealing personal fields
// (docs/format.md, Sealed fields), with the per-key work done once per learner key:
// the AES key schedule lives in an EVP context that each seal or open only re-arms
// with a nonce, and the HMAC of the synthetic nonce starts from the hash states of the
// padded key. swift-crypto sets up both afresh for every field (`attest-bench seal`).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

typedef struct {
    EVP_CIPHER_CTX *seal;
    EVP_CIPHER_CTX *open;
    SHA256_CTX inner;
    SHA256_CTX outer;
} attest_field_key;

static inline void attest_field_key_free(attest_field_key *key) {
    if (!key) return;
    EVP_CIPHER_CTX_free(key->seal);
    EVP_CIPHER_CTX_free(key->open);
    OPENSSL_cleanse(key, sizeof *key);
    OPENSSL_free(key);
}

/// A key for sealing and opening under data key `key` (32 bytes) with synthetic nonces
/// under HMAC key `nonce_key` (32 bytes); NULL when libcrypto fails.
static inline attest_field_key *attest_field_key_new(const unsigned char *key, const unsigned char *nonce_key) {
    attest_field_key *made = OPENSSL_zalloc(sizeof *made);
    if (!made) return NULL;
    made->seal = EVP_CIPHER_CTX_new();
    made->open = EVP_CIPHER_CTX_new();
    if (!made->seal || !made->open
        || EVP_EncryptInit_ex(made->seal, EVP_aes_256_gcm(), NULL, key, NULL) != 1
        || EVP_DecryptInit_ex(made->open, EVP_aes_256_gcm(), NULL, key, NULL) != 1) {
        attest_field_key_free(made);
        return NULL;
    }
    unsigned char pad[64];
    for (int i = 0; i < 64; i++) pad[i] = (i < 32 ? nonce_key[i] : 0) ^ 0x36;
    SHA256_Init(&made->inner);
    SHA256_Update(&made->inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] = (i < 32 ? nonce_key[i] : 0) ^ 0x5c;
    SHA256_Init(&made->outer);
    SHA256_Update(&made->outer, pad, 64);
    OPENSSL_cleanse(pad, sizeof pad);
    return made;
}

/// Seals `length` bytes of `value` with associated data `ad`: writes the 12-byte nonce
/// (HMAC-SHA256 of ad ‖ value, cut to 12 bytes), the ciphertext and the 16-byte tag to
/// `out` (length + 28 bytes). Returns 1 on success.
static inline int attest_field_seal(attest_field_key *key, const unsigned char *ad, size_t ad_length,
                                    const unsigned char *value, size_t length, unsigned char *out) {
    unsigned char digest[32];
    SHA256_CTX hash = key->inner;
    SHA256_Update(&hash, ad, ad_length);
    if (length) SHA256_Update(&hash, value, length);
    SHA256_Final(digest, &hash);
    hash = key->outer;
    SHA256_Update(&hash, digest, 32);
    SHA256_Final(digest, &hash);
    memcpy(out, digest, 12);
    int written = 0, final = 0;
    if (EVP_EncryptInit_ex(key->seal, NULL, NULL, NULL, out) != 1
        || EVP_EncryptUpdate(key->seal, NULL, &written, ad, (int)ad_length) != 1
        || EVP_EncryptUpdate(key->seal, out + 12, &written, value, (int)length) != 1
        || EVP_EncryptFinal_ex(key->seal, out + 12 + written, &final) != 1
        || EVP_CIPHER_CTX_ctrl(key->seal, EVP_CTRL_GCM_GET_TAG, 16, out + 12 + length) != 1) return 0;
    return 1;
}

/// Opens `sealed` (nonce ‖ ciphertext ‖ tag, `sealed_length` ≥ 28 bytes) with associated
/// data `ad`, writing the `sealed_length` − 28 bytes of the value to `out`. Returns 1 when
/// the tag verifies, 0 otherwise.
static inline int attest_field_open(attest_field_key *key, const unsigned char *ad, size_t ad_length,
                                    const unsigned char *sealed, size_t sealed_length, unsigned char *out) {
    size_t length = sealed_length - 28;
    int written = 0, final = 0;
    unsigned char tag[16];
    memcpy(tag, sealed + 12 + length, 16);
    if (EVP_DecryptInit_ex(key->open, NULL, NULL, NULL, sealed) != 1
        || EVP_DecryptUpdate(key->open, NULL, &written, ad, (int)ad_length) != 1
        || EVP_DecryptUpdate(key->open, out, &written, sealed + 12, (int)length) != 1
        || EVP_CIPHER_CTX_ctrl(key->open, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1) return 0;
    return EVP_DecryptFinal_ex(key->open, out + written, &final) == 1;
}
