/*
 * bench/loopserver.h: the loopback HTTP/1.1 server that the benchmarks'
 * servers (bench/latency_server.c, bench/ratelimit_server.c) are built on.
 * It listens on a free port of 127.0.0.1, keeps connections alive, cuts
 * each connection's bytes into whole requests and hands every request to
 * the server's handler, and writes the answers the handler has scheduled
 * when they fall due.  What to answer, and when, is the handler's.
 *
 * One thread, epoll and a timerfd: an answer is due to the microsecond,
 * so that what a benchmark measures beyond the ideal is the client's.
 * Answers are written in the order they were scheduled, which is the
 * order they fall due as long as every server schedules them a fixed
 * delay after their request arrived.  Errors end the connection.
 */
#ifndef BENCH_LOOPSERVER_H
#define BENCH_LOOPSERVER_H

#include <stddef.h>
#include <stdint.h>

/* A client's connection; the loop owns it and frees it when it ends. */
struct loopserver_conn;

/*
 * Called with each whole request on c: line is its request line ("POST
 * /v1/chat/completions HTTP/1.1"), NUL-terminated and valid only during
 * the call; t_ns is when its bytes were read (loopserver_now_ns()).
 * Returns 0, or -1 when a write failed and c is gone.
 */
typedef int loopserver_handler(
    struct loopserver_conn *c, const char *line, uint64_t t_ns);

/*
 * Listens on a free loopback port, prints PORT=<n> to standard output once
 * it does, and serves for ever, handing each request to handle.  Exits 1
 * when the system fails it.
 */
_Noreturn void loopserver_serve(loopserver_handler *handle);

/*
 * Writes len bytes of msg to c now.  Returns 0, or -1 when the write failed
 * and c has been closed and freed.
 */
int loopserver_send(struct loopserver_conn *c, const char *msg, size_t len);

/*
 * Schedules len bytes of msg to be written to c at at_ns (on the clock of
 * loopserver_now_ns()); if c has ended by then nothing is written.  When
 * owned is set the loop frees msg once it is written or dropped; otherwise
 * msg must outlive the answer.
 */
void loopserver_later(const struct loopserver_conn *c, uint64_t at_ns,
    char *msg, size_t len, int owned);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t loopserver_now_ns(void);

/* Prints what failed with errno's reason, as perror(3), and exits 1. */
_Noreturn void loopserver_die(const char *what);

#endif
