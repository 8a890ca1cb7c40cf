#include "arrw_kernels.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/*
 * A fixed team of helper threads for the encoder's parallel regions. A forward pass runs about
 * thirty regions, microseconds apart; waking a sleeping thread for each (what
 * DispatchQueue.concurrentPerform does) costs more than a short query's region itself. So a
 * thread that waits here — a helper for the next region, the caller for the helpers to finish —
 * first spins, but only for SPIN_NS of wall time, then sleeps on a condition variable. A pass's
 * regions follow each other within that window and start without a wake-up; between passes, or
 * when a thread waited for is descheduled, the waiter sleeps and leaves the core to others. So a
 * waiter never burns more than SPIN_NS of a core per region.
 *
 * Lost wake-ups are excluded by a Dekker pair of sequentially consistent operations: a waiter
 * announces itself (sleepers / caller_waiting) and then re-reads the condition under the mutex;
 * the other side changes the condition and then reads the announcement, signalling under the mutex.
 *
 * One region runs at a time; a caller finding the team busy runs its region's workers itself.
 */

enum { SPIN_NS = 50000, CLOCK_EVERY = 32 };

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct arrw_pool {
    int helpers;
    pthread_t *threads;
    pthread_mutex_t run_lock; /* held by the caller of the region in flight */
    pthread_mutex_t mutex;
    pthread_cond_t wake;      /* a new region (generation) or stop, for sleeping helpers */
    pthread_cond_t done;      /* pending reached 0, for a sleeping caller */
    atomic_ulong generation;
    atomic_int pending;        /* helpers yet to finish the region in flight */
    atomic_int sleepers;       /* helpers asleep, or about to be, on `wake` */
    atomic_int caller_waiting; /* the caller is asleep, or about to be, on `done` */
    atomic_int stop;
    void (*fn)(void *, int);
    void *ctx;
    int workers;
};

struct helper_start {
    struct arrw_pool *pool;
    int index;
};

/* Spins up to SPIN_NS for the generation to move past `seen`, then sleeps for it. */
static unsigned long next_generation(struct arrw_pool *pool, unsigned long seen) {
    long long deadline = 0;
    for (int round = 0;; round++) {
        unsigned long now = atomic_load(&pool->generation);
        if (now != seen || atomic_load_explicit(&pool->stop, memory_order_relaxed)) return now;
        if (round % CLOCK_EVERY == 0) {
            long long t = now_ns();
            if (deadline == 0) deadline = t + SPIN_NS;
            else if (t > deadline) break;
        }
        CPU_RELAX();
    }
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add(&pool->sleepers, 1);
    unsigned long now;
    while ((now = atomic_load(&pool->generation)) == seen && !atomic_load(&pool->stop)) {
        pthread_cond_wait(&pool->wake, &pool->mutex);
    }
    atomic_fetch_sub(&pool->sleepers, 1);
    pthread_mutex_unlock(&pool->mutex);
    return now;
}

static void *helper_main(void *argument) {
    struct helper_start start = *(struct helper_start *)argument;
    free(argument);
    struct arrw_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        seen = next_generation(pool, seen);
        if (atomic_load(&pool->stop)) return NULL;
        if (start.index + 1 < pool->workers) pool->fn(pool->ctx, start.index + 1);
        if (atomic_fetch_sub(&pool->pending, 1) == 1 && atomic_load(&pool->caller_waiting)) {
            pthread_mutex_lock(&pool->mutex);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->mutex);
        }
    }
}

struct arrw_pool *arrw_pool_create(int helpers) {
    struct arrw_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->helpers = helpers > 0 ? helpers : 0;
    pthread_mutex_init(&pool->run_lock, NULL);
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->threads = calloc((size_t)(pool->helpers ? pool->helpers : 1), sizeof(pthread_t));
    for (int i = 0; i < pool->helpers; i++) {
        struct helper_start *start = pool->threads ? malloc(sizeof *start) : NULL;
        if (start) {
            start->pool = pool;
            start->index = i;
        }
        if (!start || pthread_create(&pool->threads[i], NULL, helper_main, start) != 0) {
            free(start);
            pool->helpers = i;
            break;
        }
    }
    return pool;
}

/* Spins up to SPIN_NS for every helper to finish the region, then sleeps until they have. */
static void await_helpers(struct arrw_pool *pool) {
    long long deadline = 0;
    for (int round = 0; atomic_load(&pool->pending) > 0; round++) {
        if (round % CLOCK_EVERY == 0) {
            long long t = now_ns();
            if (deadline == 0) deadline = t + SPIN_NS;
            else if (t > deadline) break;
        }
        CPU_RELAX();
    }
    if (atomic_load(&pool->pending) == 0) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store(&pool->caller_waiting, 1);
    while (atomic_load(&pool->pending) > 0) pthread_cond_wait(&pool->done, &pool->mutex);
    atomic_store(&pool->caller_waiting, 0);
    pthread_mutex_unlock(&pool->mutex);
}

void arrw_pool_run(struct arrw_pool *pool, int workers, void (*fn)(void *, int), void *ctx) {
    if (!pool || workers <= 1 || pool->helpers == 0 || pthread_mutex_trylock(&pool->run_lock) != 0) {
        for (int worker = 0; worker < workers; worker++) fn(ctx, worker);
        return;
    }
    int team = workers - 1 < pool->helpers ? workers - 1 : pool->helpers;
    pool->fn = fn;
    pool->ctx = ctx;
    pool->workers = team + 1;
    atomic_store(&pool->pending, pool->helpers);
    atomic_fetch_add(&pool->generation, 1);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    fn(ctx, 0);
    for (int worker = team + 1; worker < workers; worker++) fn(ctx, worker);
    await_helpers(pool);
    pthread_mutex_unlock(&pool->run_lock);
}

int arrw_pool_threads(const struct arrw_pool *pool) {
    return pool ? pool->helpers + 1 : 1;
}

void arrw_pool_destroy(struct arrw_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store(&pool->stop, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int i = 0; i < pool->helpers; i++) pthread_join(pool->threads[i], NULL);
    free(pool->threads);
    pthread_mutex_destroy(&pool->run_lock);
    pthread_mutex_destroy(&pool->mutex);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool);
}
