#include "arrw_kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/*
 * A fixed team of helper threads for the encoder's parallel regions (a forward pass runs about
 * thirty of them, microseconds to a millisecond apart). While a pass runs, a helper that finished
 * a region spins for up to SPIN_ROUNDS pauses (about 2.5 ms here: a pause took 25 ns) waiting for
 * the next one before it sleeps on the condition variable, so regions inside a pass start without
 * a thread wake-up, which on a virtual machine can cost more than a small region itself. When
 * the pass ends (arrw_pool_rest) the helpers stop spinning and sleep, leaving the cores to others. One region runs at a time; a caller finding the team busy
 * runs its region's workers itself, one after another.
 */

enum { SPIN_ROUNDS = 100000, YIELD_EVERY = 1024 };

/* One round of waiting: a pause, and every YIELD_EVERY rounds a yield, so a waiter never keeps a
   core from the thread it waits for (more threads than cores, or a busy machine). */
static inline void wait_round(int round) {
    if (round % YIELD_EVERY == YIELD_EVERY - 1) {
        sched_yield();
    } else {
        CPU_RELAX();
    }
}

struct arrw_pool {
    int helpers;
    pthread_t *threads;
    pthread_mutex_t run_lock;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    atomic_ulong generation;
    atomic_int pending;
    atomic_int stop;
    atomic_int busy; /* a pass is running: helpers spin between its regions */
    void (*fn)(void *, int);
    void *ctx;
    int workers;
};

struct helper_start {
    struct arrw_pool *pool;
    int index;
};

static void *helper_main(void *argument) {
    struct helper_start start = *(struct helper_start *)argument;
    free(argument);
    struct arrw_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        unsigned long now = atomic_load_explicit(&pool->generation, memory_order_acquire);
        for (int round = 0; now == seen && round < SPIN_ROUNDS && atomic_load_explicit(&pool->busy, memory_order_relaxed); round++) {
            wait_round(round);
            now = atomic_load_explicit(&pool->generation, memory_order_acquire);
        }
        if (now == seen) {
            pthread_mutex_lock(&pool->mutex);
            while ((now = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen &&
                   !atomic_load(&pool->stop)) {
                pthread_cond_wait(&pool->wake, &pool->mutex);
            }
            pthread_mutex_unlock(&pool->mutex);
        }
        if (atomic_load(&pool->stop)) return NULL;
        seen = now;
        if (start.index + 1 < pool->workers) pool->fn(pool->ctx, start.index + 1);
        atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel);
    }
}

struct arrw_pool *arrw_pool_create(int helpers) {
    struct arrw_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->helpers = helpers > 0 ? helpers : 0;
    pthread_mutex_init(&pool->run_lock, NULL);
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pool->threads = calloc((size_t)(pool->helpers ? pool->helpers : 1), sizeof(pthread_t));
    for (int i = 0; i < pool->helpers; i++) {
        struct helper_start *start = malloc(sizeof *start);
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

void arrw_pool_run(struct arrw_pool *pool, int workers, void (*fn)(void *, int), void *ctx) {
    if (!pool || workers <= 1 || pool->helpers == 0 || pthread_mutex_trylock(&pool->run_lock) != 0) {
        for (int worker = 0; worker < workers; worker++) fn(ctx, worker);
        return;
    }
    int team = workers - 1 < pool->helpers ? workers - 1 : pool->helpers;
    atomic_store_explicit(&pool->busy, 1, memory_order_relaxed);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->workers = team + 1;
    atomic_store_explicit(&pool->pending, pool->helpers, memory_order_relaxed);
    pthread_mutex_lock(&pool->mutex);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    fn(ctx, 0);
    for (int worker = team + 1; worker < workers; worker++) fn(ctx, worker);
    for (int round = 0; atomic_load_explicit(&pool->pending, memory_order_acquire) > 0; round++) wait_round(round);
    pthread_mutex_unlock(&pool->run_lock);
}

void arrw_pool_rest(struct arrw_pool *pool) {
    if (pool) atomic_store_explicit(&pool->busy, 0, memory_order_relaxed);
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
    free(pool);
}
