/*
 * A log-linear latency histogram in the style of HdrHistogram.
 *
 * Values are nanoseconds. Every power-of-two range [2^k, 2^(k+1)) is split
 * into HIST_SUB_HALF linear sub-buckets, so any recorded value is known to
 * within 1/HIST_SUB_HALF (0.78 %) of itself, from 1 ns up to about 2^41 ns
 * (36 minutes); larger values are clamped into the last bucket and counted in
 * `clamped`. Recording is a shift, a count-leading-zeros and an increment: no
 * allocation, no floating point, cheap enough to call for every response.
 *
 * Percentiles are reported as the highest value that falls into the same
 * sub-bucket (HdrHistogram's "highest equivalent value"), so a reported
 * p99 is never below the true p99.
 */
#ifndef BRAID_LOAD_HIST_H
#define BRAID_LOAD_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 8                      /* 256 sub-buckets in bucket 0 */
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
#define HIST_SUB_HALF (HIST_SUB_COUNT / 2)    /* 128 per power of two after that */
#define HIST_MAX_SHIFT 34                     /* highest bucket covers [2^41, 2^42) */
#define HIST_LEN ((HIST_MAX_SHIFT + 2) * HIST_SUB_HALF)

typedef struct {
    uint64_t counts[HIST_LEN];
    uint64_t total;
    uint64_t clamped;
    uint64_t min;
    uint64_t max;
    long double sum;
} hist_t;

static inline void hist_reset(hist_t *h) {
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

/* Bucket (shift) of a value: 0 for values below 2^HIST_SUB_BITS. */
static inline unsigned hist_shift(uint64_t v) {
    if (v < HIST_SUB_COUNT) {
        return 0;
    }
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    return msb - (HIST_SUB_BITS - 1);
}

static inline void hist_record(hist_t *h, uint64_t v) {
    unsigned shift = hist_shift(v);
    size_t index;
    if (shift > HIST_MAX_SHIFT) {
        h->clamped++;
        index = HIST_LEN - 1;
    } else {
        /* bucket 0 uses indices [0, 256); bucket s>0 uses [(s+1)*128, (s+2)*128) */
        index = (size_t)shift * HIST_SUB_HALF + (size_t)(v >> shift);
    }
    h->counts[index]++;
    h->total++;
    h->sum += (long double)v;
    if (v < h->min) {
        h->min = v;
    }
    if (v > h->max) {
        h->max = v;
    }
}

/* Highest value that lands in the same sub-bucket as index. */
static inline uint64_t hist_highest_equivalent(size_t index) {
    unsigned shift = index < HIST_SUB_COUNT ? 0 : (unsigned)(index / HIST_SUB_HALF - 1);
    uint64_t sub = index - (uint64_t)shift * HIST_SUB_HALF;
    return ((sub + 1) << shift) - 1;
}

/* Value at quantile q in [0, 1]; 0 for an empty histogram. */
static inline uint64_t hist_quantile(const hist_t *h, double q) {
    if (h->total == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)(q * (double)h->total + 0.5);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > h->total) {
        rank = h->total;
    }
    uint64_t seen = 0;
    for (size_t i = 0; i < HIST_LEN; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t v = hist_highest_equivalent(i);
            return v > h->max ? h->max : v;
        }
    }
    return h->max;
}

static inline double hist_mean(const hist_t *h) {
    return h->total == 0 ? 0.0 : (double)(h->sum / (long double)h->total);
}

#endif
