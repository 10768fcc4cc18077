/*
 * loadgen: a single-threaded epoll load generator for line-echo servers.
 *
 * Why C and not Java (or Braid itself): the measuring process must not add
 * JIT warm-up, GC pauses or safepoints to the latencies it records, it must
 * time each request with the monotonic clock right at the read() that
 * completes it, and one process must drive thousands of sockets without a
 * thread per socket. A small epoll loop does all three.
 *
 * Modes
 *   echo  N connections; each keeps `depth` requests in flight. A request is
 *         a fixed-size line "ping NNNNNNNNNN\n" (16 bytes); the server must
 *         echo it byte for byte. Each response is checked against what was
 *         sent on that connection, in order. After all connections are up,
 *         `warmup` seconds run unrecorded, then `duration` seconds are
 *         measured: completions, a log-linear latency histogram (hist.h), and
 *         the server's CPU time from /proc/<pid>/stat read at the exact start
 *         and end of the window.
 *   memcache  like echo, against a memcache text-protocol server: each
 *         connection keeps `depth` requests in flight, 90 % `get` and 10 %
 *         `set` of 32-byte values over 1,000 printable keys of its own
 *         ("lg:<conn>:<k>"; a get only asks for a key that connection has
 *         set, so every get should hit unless the server evicted the key).
 *         Every reply is checked: STORED for a set; END (a miss) or exactly
 *         the value that connection stored, for a get. Anything else (an
 *         ERROR, CLIENT_ERROR or SERVER_ERROR line, a wrong value) counts as
 *         a mismatch and closes the connection. Same window, histogram and
 *         server CPU as echo; the JSON adds gets, hits and sets.
 *   idle  N connections, each sending one probe and waiting for one line back
 *         (so the server has accepted and served every one), then held open
 *         without traffic. Prints "READY held=<n> errors=<e>" and waits until
 *         SIGTERM/SIGINT or `hold` seconds, so the caller can measure the
 *         server's memory meanwhile.
 *
 * Bounds: every phase has a deadline (connect-timeout, warmup, duration,
 * hold) and echo mode stops sending after max-requests. Only loopback
 * targets (127.0.0.0/8) are accepted. Connections are spread over several
 * loopback source addresses (127.0.0.2, .3, ...) with IP_BIND_ADDRESS_NO_PORT
 * so more than one ephemeral port range's worth of sockets can be opened.
 *
 * Output: one JSON object on stdout (plus READY for idle mode); diagnostics
 * on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define MSG_SIZE 16          /* "ping " + 10 digits + "\n" */
#define MAX_DEPTH 1024
#define MAX_EVENTS 1024
#define READ_CHUNK (64 * 1024)
#define MC_KEYS 1000         /* keys per connection (memcache mode) */
#define MC_VALUE 32          /* value size in bytes (memcache mode) */
#define MC_REQ_MAX 96        /* the longest request: "set lg:1000000:999 0 0 32\r\n" + value + "\r\n" */
#define MC_IN_MAX 8192       /* the largest reply buffered per connection (depth x ~60 bytes) */

enum conn_state { C_FREE, C_CONNECTING, C_ACTIVE, C_HELD, C_CLOSED };

typedef struct {
    int fd;
    enum conn_state state;
    uint32_t id;
    uint64_t sent;          /* requests written so far on this connection */
    uint64_t acked;         /* responses fully received and checked */
    uint64_t *sent_ns;      /* ring of `depth` send timestamps (echo mode) */
    char partial[MSG_SIZE]; /* bytes of a response not yet complete */
    int partial_len;
    char *out;              /* bytes accepted by us but not yet by the kernel */
    size_t out_len;
    size_t out_off;
    bool want_out;          /* EPOLLOUT registered */
    /* memcache mode */
    uint8_t *req_set;       /* ring of `depth`: 1 when that request is a set */
    uint16_t *req_key;      /* ring of `depth`: its key index */
    uint32_t sets_done;     /* sets sent on this connection */
    char *in;               /* reply bytes not yet parsed */
    int in_len;
} conn_t;

typedef struct {
    const char *mode;
    const char *host;
    int port;
    int conns;
    int depth;
    double duration;
    double warmup;
    double connect_timeout;
    double hold;
    uint64_t max_requests;
    int src_addrs;
    int max_pending;
    int server_pid;
    const char *probe;
} options_t;

static options_t opt = {
    .mode = "echo", .host = "127.0.0.1", .port = 0, .conns = 1, .depth = 1,
    .duration = 10.0, .warmup = 2.0, .connect_timeout = 10.0, .hold = 60.0,
    .max_requests = 2000000000ull, .src_addrs = 8, .max_pending = 256,
    .server_pid = 0, .probe = "ping 0000000000\n",
};

static volatile sig_atomic_t stop_requested = 0;
static int epfd = -1;
static conn_t *conns = NULL;
static struct sockaddr_in target;

/* counters */
static uint64_t connect_errors = 0;
static uint64_t io_errors = 0;       /* reset, EOF, or a write that failed */
static uint64_t mismatches = 0;      /* bytes that were not the echo of what we sent */
static uint64_t completed_window = 0;
static uint64_t mc_gets = 0, mc_hits = 0, mc_sets = 0;   /* memcache mode, in the window */
static bool memcache_mode = false;
static uint64_t sent_total = 0;
static hist_t hist;
static bool recording = false;
static bool sending = true;
static int connecting_now = 0;
static int next_to_open = 0;
static int established = 0;
static int held = 0;
static int open_conns = 0;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void die(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen --mode echo|memcache|idle --port P [--host 127.0.0.1] [--conns N]\n"
            "               [--depth D] [--duration S] [--warmup S] [--max-requests M]\n"
            "               [--connect-timeout S] [--hold S] [--src-addrs K]\n"
            "               [--max-pending K] [--server-pid PID] [--probe STRING]\n");
    exit(2);
}

/* utime + stime of a process in clock ticks, or -1 when it cannot be read. */
static long long proc_cpu_ticks(int pid) {
    if (pid <= 0) {
        return -1;
    }
    char path[64];
    char buf[4096];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may contain spaces and parentheses: fields start after the last ')' */
    char *p = strrchr(buf, ')');
    if (!p) {
        return -1;
    }
    p += 2; /* field 3, the state */
    unsigned long long utime = 0, stime = 0;
    /* fields 3..13 are skipped, 14 is utime, 15 is stime */
    if (sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
        return -1;
    }
    return (long long)(utime + stime);
}

static double self_cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The request with sequence number seq on connection id: fixed 16 bytes. */
static void format_request(char *dst, uint32_t id, uint64_t seq) {
    uint64_t value = ((uint64_t)id * 1000003ull + seq) % 10000000000ull;
    char tmp[MSG_SIZE + 1];
    snprintf(tmp, sizeof(tmp), "ping %010llu\n", (unsigned long long)value);
    memcpy(dst, tmp, MSG_SIZE);
}

/* The value a connection stores under its key k: 32 printable bytes, checkable on a hit. */
static void mc_value(char *dst, uint32_t id, unsigned k) {
    char tmp[MC_VALUE + 1];
    snprintf(tmp, sizeof(tmp), "v%010u-%05u-abcdefghijklmn", id, k);
    memcpy(dst, tmp, MC_VALUE);
}

/* Writes request seq of connection c into dst (memcache mode); returns its length. */
static int mc_format_request(conn_t *c, uint64_t seq, char *dst) {
    unsigned slot = (unsigned)(seq % (uint64_t)opt.depth);
    bool set = c->sets_done == 0 || seq % 10 == 0;
    unsigned k;
    int n;
    if (set) {
        k = c->sets_done % MC_KEYS;
        c->sets_done++;
        n = sprintf(dst, "set lg:%u:%u 0 0 %d\r\n", c->id, k, MC_VALUE);
        mc_value(dst + n, c->id, k);
        n += MC_VALUE;
        memcpy(dst + n, "\r\n", 2);
        n += 2;
    } else {
        unsigned known = c->sets_done < MC_KEYS ? c->sets_done : MC_KEYS;
        k = (unsigned)((seq * 7919u) % known);
        n = sprintf(dst, "get lg:%u:%u\r\n", c->id, k);
    }
    c->req_set[slot] = set ? 1 : 0;
    c->req_key[slot] = (uint16_t)k;
    return n;
}

static void set_events(conn_t *c, bool want_out) {
    if (c->want_out == want_out) {
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = c->id};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        die("epoll_ctl(MOD)");
    }
    c->want_out = want_out;
}

static void close_conn(conn_t *c, bool error) {
    if (c->state == C_CLOSED || c->state == C_FREE) {
        return;
    }
    if (c->state == C_CONNECTING) {
        connecting_now--;
    }
    if (c->state == C_HELD) {
        held--;
    }
    if (error) {
        if (c->state == C_CONNECTING) {
            connect_errors++;
        } else {
            io_errors++;
        }
    }
    close(c->fd);
    c->fd = -1;
    c->state = C_CLOSED;
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    c->in_len = 0;
    open_conns--;
}

/* Writes bytes, keeping what the kernel did not take for EPOLLOUT. */
static void send_bytes(conn_t *c, const char *data, size_t len) {
    if (c->out_len > c->out_off) {
        /* already backlogged: append to keep order */
        size_t pending = c->out_len - c->out_off;
        char *nb = malloc(pending + len);
        if (!nb) {
            die("malloc");
        }
        memcpy(nb, c->out + c->out_off, pending);
        memcpy(nb + pending, data, len);
        free(c->out);
        c->out = nb;
        c->out_len = pending + len;
        c->out_off = 0;
        return;
    }
    ssize_t w = send(c->fd, data, len, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            w = 0;
        } else {
            close_conn(c, true);
            return;
        }
    }
    if ((size_t)w < len) {
        free(c->out);
        c->out = malloc(len - (size_t)w);
        if (!c->out) {
            die("malloc");
        }
        memcpy(c->out, data + w, len - (size_t)w);
        c->out_len = len - (size_t)w;
        c->out_off = 0;
        set_events(c, true);
    }
}

static void flush_out(conn_t *c) {
    while (c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            close_conn(c, true);
            return;
        }
        c->out_off += (size_t)w;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    set_events(c, false);
}

/* Sends up to n new requests on c (echo mode), recording their send time. */
static void send_requests(conn_t *c, int n) {
    static char buf[MAX_DEPTH * MC_REQ_MAX];
    size_t len = 0;
    int k = 0;
    uint64_t t = now_ns();
    while (k < n && sending && sent_total < opt.max_requests) {
        if (memcache_mode) {
            len += (size_t)mc_format_request(c, c->sent, buf + len);
        } else {
            format_request(buf + len, c->id, c->sent);
            len += MSG_SIZE;
        }
        c->sent_ns[c->sent % (uint64_t)opt.depth] = t;
        c->sent++;
        sent_total++;
        k++;
    }
    if (k > 0) {
        send_bytes(c, buf, len);
    }
}

static void open_next(void) {
    int i = next_to_open++;
    conn_t *c = &conns[i];
    c->id = (uint32_t)i;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fprintf(stderr, "loadgen: socket() for connection %d: %s\n", i, strerror(errno));
        connect_errors++;
        c->state = C_CLOSED;
        return;
    }
    open_conns++;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (opt.src_addrs > 0) {
        /* 127.0.0.2 .. 127.0.0.(1 + src_addrs): port picked at connect(), per 4-tuple */
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
        struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
        src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % opt.src_addrs));
        if (bind(c->fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
            fprintf(stderr, "loadgen: bind source for connection %d: %s\n", i, strerror(errno));
            c->state = C_CONNECTING;
            connecting_now++;
            close_conn(c, true);
            return;
        }
    }
    c->state = C_CONNECTING;
    connecting_now++;
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = c->id};
    c->want_out = true;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        die("epoll_ctl(ADD)");
    }
    if (connect(c->fd, (struct sockaddr *)&target, sizeof(target)) < 0 && errno != EINPROGRESS) {
        fprintf(stderr, "loadgen: connect for connection %d: %s\n", i, strerror(errno));
        close_conn(c, true);
    }
}

static void on_connected(conn_t *c) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
        if (connect_errors < 5) {
            fprintf(stderr, "loadgen: connection %u failed: %s\n", c->id, strerror(err));
        }
        close_conn(c, true);
        return;
    }
    connecting_now--;
    established++;
    c->state = C_ACTIVE;
    set_events(c, false);
    if (strcmp(opt.mode, "echo") == 0 || memcache_mode) {
        send_requests(c, opt.depth);
    } else {
        send_bytes(c, opt.probe, strlen(opt.probe));
    }
}

/* Echo mode: consume whole responses, check them, time them, refill the pipeline. */
static void on_echo_data(conn_t *c, const char *data, size_t n, uint64_t t) {
    int done = 0;
    size_t i = 0;
    while (i < n) {
        size_t take = MSG_SIZE - (size_t)c->partial_len;
        if (take > n - i) {
            take = n - i;
        }
        memcpy(c->partial + c->partial_len, data + i, take);
        c->partial_len += (int)take;
        i += take;
        if (c->partial_len < MSG_SIZE) {
            break;
        }
        c->partial_len = 0;
        if (c->acked >= c->sent) {
            mismatches++;
            close_conn(c, true);
            return;
        }
        char expect[MSG_SIZE];
        format_request(expect, c->id, c->acked);
        if (memcmp(expect, c->partial, MSG_SIZE) != 0) {
            if (mismatches < 5) {
                fprintf(stderr, "loadgen: connection %u response %llu: expected %.15s, got %.15s\n",
                        c->id, (unsigned long long)c->acked, expect, c->partial);
            }
            mismatches++;
            close_conn(c, true);
            return;
        }
        uint64_t sent_at = c->sent_ns[c->acked % (uint64_t)opt.depth];
        c->acked++;
        done++;
        if (recording) {
            hist_record(&hist, t - sent_at);
            completed_window++;
        }
    }
    if (done > 0) {
        send_requests(c, done);
    }
}

static void mc_mismatch(conn_t *c, const char *what, const char *line, int len) {
    if (mismatches < 5) {
        fprintf(stderr, "loadgen: connection %u reply %llu: %s: %.*s\n", c->id,
                (unsigned long long)c->acked, what, len > 80 ? 80 : len, line);
    }
    mismatches++;
    close_conn(c, true);
}

/*
 * Parses one whole reply at the front of c->in for the oldest outstanding request; returns the
 * bytes it took, 0 when the reply is not complete yet, or -1 after a mismatch (c is closed).
 */
static int mc_parse_one(conn_t *c) {
    const char *in = c->in;
    char *eol = memmem(in, (size_t)c->in_len, "\r\n", 2);
    if (!eol) {
        if (c->in_len >= MC_IN_MAX) {
            mc_mismatch(c, "reply line too long", in, c->in_len);
            return -1;
        }
        return 0;
    }
    int line_len = (int)(eol - in);
    unsigned slot = (unsigned)(c->acked % (uint64_t)opt.depth);
    if (c->req_set[slot]) {
        if (line_len == 6 && memcmp(in, "STORED", 6) == 0) {
            if (recording) {
                mc_sets++;
            }
            return line_len + 2;
        }
        mc_mismatch(c, "set: expected STORED", in, line_len);
        return -1;
    }
    if (line_len == 3 && memcmp(in, "END", 3) == 0) {
        if (recording) {
            mc_gets++;
        }
        return 5;
    }
    char expect_head[64];
    int head_len = snprintf(expect_head, sizeof(expect_head), "VALUE lg:%u:%u ", c->id,
                            (unsigned)c->req_key[slot]);
    if (line_len < head_len || memcmp(in, expect_head, (size_t)head_len) != 0) {
        mc_mismatch(c, "get: expected END or VALUE of the key asked for", in, line_len);
        return -1;
    }
    /* "VALUE key flags bytes": the byte count is the last word */
    const char *sp = in + line_len;
    while (sp > in && sp[-1] != ' ') {
        sp--;
    }
    if (atoi(sp) != MC_VALUE) {
        mc_mismatch(c, "get: wrong value length", in, line_len);
        return -1;
    }
    int total = line_len + 2 + MC_VALUE + 2 + 5;   /* header, value, CRLF, END CRLF */
    if (c->in_len < total) {
        return 0;
    }
    char want[MC_VALUE];
    mc_value(want, c->id, c->req_key[slot]);
    const char *value = in + line_len + 2;
    if (memcmp(value, want, MC_VALUE) != 0 || memcmp(value + MC_VALUE, "\r\nEND\r\n", 7) != 0) {
        mc_mismatch(c, "get: not the value this connection stored", value, MC_VALUE + 7);
        return -1;
    }
    if (recording) {
        mc_gets++;
        mc_hits++;
    }
    return total;
}

/* Memcache mode: buffer reply bytes, check and time each whole reply, refill the pipeline. */
static void on_memcache_data(conn_t *c, const char *data, size_t n, uint64_t t) {
    int done = 0;
    size_t i = 0;
    while (i < n) {
        size_t room = (size_t)(MC_IN_MAX - c->in_len);
        size_t take = n - i < room ? n - i : room;
        memcpy(c->in + c->in_len, data + i, take);
        c->in_len += (int)take;
        i += take;
        int off = 0;
        for (;;) {
            if (c->acked >= c->sent) {
                if (c->in_len > off) {
                    mc_mismatch(c, "reply with no request outstanding", c->in + off, c->in_len - off);
                    return;
                }
                break;
            }
            /* parse from c->in + off by shifting the view */
            char *saved = c->in;
            int saved_len = c->in_len;
            c->in = saved + off;
            c->in_len = saved_len - off;
            int used = mc_parse_one(c);
            if (c->state == C_CLOSED) {
                c->in = saved;
                return;
            }
            c->in = saved;
            c->in_len = saved_len;
            if (used <= 0) {
                break;
            }
            off += used;
            uint64_t sent_at = c->sent_ns[c->acked % (uint64_t)opt.depth];
            c->acked++;
            done++;
            if (recording) {
                hist_record(&hist, t - sent_at);
                completed_window++;
            }
        }
        if (off > 0) {
            memmove(c->in, c->in + off, (size_t)(c->in_len - off));
            c->in_len -= off;
        }
    }
    if (done > 0) {
        send_requests(c, done);
    }
}

/* Idle mode: the connection counts as held once a whole line came back. */
static void on_idle_data(conn_t *c, const char *data, size_t n) {
    if (c->state == C_HELD) {
        /* a held connection gets nothing more; unsolicited bytes are an error */
        mismatches++;
        close_conn(c, true);
        return;
    }
    if (memchr(data, '\n', n) != NULL) {
        c->state = C_HELD;
        held++;
    }
}

static void on_readable(conn_t *c) {
    static char buf[READ_CHUNK];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
        if (r > 0) {
            uint64_t t = now_ns();
            if (memcache_mode) {
                on_memcache_data(c, buf, (size_t)r, t);
            } else if (strcmp(opt.mode, "echo") == 0) {
                on_echo_data(c, buf, (size_t)r, t);
            } else {
                on_idle_data(c, buf, (size_t)r);
            }
            if (c->state == C_CLOSED || (size_t)r < sizeof(buf)) {
                return;
            }
        } else if (r == 0) {
            if (io_errors < 5) {
                fprintf(stderr, "loadgen: connection %u closed by the server\n", c->id);
            }
            close_conn(c, true);
            return;
        } else {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            if (errno == EINTR) {
                continue;
            }
            if (io_errors < 5) {
                fprintf(stderr, "loadgen: connection %u: recv: %s\n", c->id, strerror(errno));
            }
            close_conn(c, true);
            return;
        }
    }
}

static void dispatch(struct epoll_event *ev) {
    conn_t *c = &conns[ev->data.u32];
    if (c->state == C_CONNECTING) {
        if (ev->events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
            on_connected(c);
        }
        return;
    }
    if (c->state == C_CLOSED || c->state == C_FREE) {
        return;
    }
    if ((ev->events & EPOLLOUT) && c->out_len > c->out_off) {
        flush_out(c);
        if (c->state == C_CLOSED) {
            return;
        }
    }
    if (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        on_readable(c);
    }
}

static int poll_once(int timeout_ms) {
    static struct epoll_event events[MAX_EVENTS];
    int n = epoll_wait(epfd, events, MAX_EVENTS, timeout_ms);
    if (n < 0) {
        if (errno == EINTR) {
            return 0;
        }
        die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
        dispatch(&events[i]);
    }
    return n;
}

/* Opens connections, at most max_pending in flight, until all are up or failed. */
static void connect_all(uint64_t deadline) {
    while (!stop_requested) {
        while (next_to_open < opt.conns && connecting_now < opt.max_pending) {
            open_next();
        }
        if (next_to_open >= opt.conns && connecting_now == 0) {
            return;
        }
        if (now_ns() >= deadline) {
            int timed_out = 0;
            for (int i = 0; i < next_to_open; i++) {
                if (conns[i].state == C_CONNECTING) {
                    close_conn(&conns[i], true);
                    timed_out++;
                }
            }
            int never = opt.conns - next_to_open;
            connect_errors += (uint64_t)never;
            fprintf(stderr, "loadgen: connect phase timed out: %d pending, %d never started\n",
                    timed_out, never);
            next_to_open = opt.conns;
            return;
        }
        poll_once(10);
    }
}

static double ns_to_us(uint64_t ns) {
    return (double)ns / 1000.0;
}

static int run_echo(void) {
    uint64_t start = now_ns();
    connect_all(start + (uint64_t)(opt.connect_timeout * 1e9));
    uint64_t warm_end = now_ns() + (uint64_t)(opt.warmup * 1e9);
    while (!stop_requested && now_ns() < warm_end && open_conns > 0) {
        poll_once(5);
    }
    hist_reset(&hist);
    completed_window = 0;
    uint64_t errors_before = io_errors + mismatches;
    long long cpu0 = proc_cpu_ticks(opt.server_pid);
    double self0 = self_cpu_seconds();
    uint64_t t0 = now_ns();
    uint64_t t_end = t0 + (uint64_t)(opt.duration * 1e9);
    recording = true;
    uint64_t t1 = t0;
    for (;;) {
        poll_once(5);
        t1 = now_ns();
        if (stop_requested || t1 >= t_end || open_conns == 0) {
            break;
        }
        if (sent_total >= opt.max_requests) {
            bool outstanding = false;
            for (int i = 0; i < opt.conns && !outstanding; i++) {
                outstanding = conns[i].state == C_ACTIVE && conns[i].acked < conns[i].sent;
            }
            if (!outstanding) {
                break;
            }
        }
    }
    recording = false;
    sending = false;
    long long cpu1 = proc_cpu_ticks(opt.server_pid);
    double self1 = self_cpu_seconds();
    double window = (double)(t1 - t0) / 1e9;
    long tck = sysconf(_SC_CLK_TCK);
    double server_cpu = (cpu0 >= 0 && cpu1 >= 0) ? (double)(cpu1 - cpu0) / (double)tck : -1.0;
    int alive = 0;
    for (int i = 0; i < opt.conns; i++) {
        if (conns[i].state == C_ACTIVE) {
            alive++;
        }
    }
    printf("{\"mode\":\"%s\",\"conns\":%d,\"depth\":%d,\"size\":%d,\"established\":%d,"
           "\"alive_at_end\":%d,\"window_s\":%.4f,\"requests\":%llu,\"rps\":%.1f,"
           "\"mean_us\":%.2f,\"min_us\":%.2f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,"
           "\"p999_us\":%.2f,\"max_us\":%.2f,\"connect_errors\":%llu,\"io_errors\":%llu,"
           "\"mismatches\":%llu,\"errors_in_window\":%llu,\"errors\":%llu,"
           "\"server_pid\":%d,\"server_cpu_s\":%.3f,\"server_cpu_us_per_req\":%.3f,"
           "\"server_cpu_util\":%.3f,\"loadgen_cpu_util\":%.3f,\"clk_tck\":%ld,"
           "\"gets\":%llu,\"hits\":%llu,\"sets\":%llu}\n",
           opt.mode, opt.conns, opt.depth, memcache_mode ? MC_VALUE : MSG_SIZE, established, alive,
           window,
           (unsigned long long)completed_window,
           window > 0 ? (double)completed_window / window : 0.0, hist_mean(&hist) / 1000.0,
           ns_to_us(hist.total ? hist.min : 0), ns_to_us(hist_quantile(&hist, 0.50)),
           ns_to_us(hist_quantile(&hist, 0.90)), ns_to_us(hist_quantile(&hist, 0.99)),
           ns_to_us(hist_quantile(&hist, 0.999)), ns_to_us(hist.max),
           (unsigned long long)connect_errors, (unsigned long long)io_errors,
           (unsigned long long)mismatches,
           (unsigned long long)(io_errors + mismatches - errors_before),
           (unsigned long long)(connect_errors + io_errors + mismatches), opt.server_pid,
           server_cpu,
           (server_cpu >= 0 && completed_window > 0) ? server_cpu * 1e6 / (double)completed_window
                                                     : -1.0,
           (server_cpu >= 0 && window > 0) ? server_cpu / window : -1.0,
           window > 0 ? (self1 - self0) / window : 0.0, tck, (unsigned long long)mc_gets,
           (unsigned long long)mc_hits, (unsigned long long)mc_sets);
    fflush(stdout);
    return 0;
}

static int run_idle(void) {
    uint64_t start = now_ns();
    uint64_t deadline = start + (uint64_t)(opt.connect_timeout * 1e9);
    connect_all(deadline);
    /* wait for every live connection's probe answer, within the same deadline */
    while (!stop_requested && held < open_conns && now_ns() < deadline) {
        poll_once(10);
    }
    int unanswered = 0;
    for (int i = 0; i < opt.conns; i++) {
        if (conns[i].state == C_ACTIVE) {
            close_conn(&conns[i], true);
            unanswered++;
        }
    }
    double setup_s = (double)(now_ns() - start) / 1e9;
    printf("READY held=%d errors=%llu setup_s=%.3f\n", held,
           (unsigned long long)(connect_errors + io_errors + mismatches), setup_s);
    fflush(stdout);
    int held_at_ready = held;
    uint64_t hold_end = now_ns() + (uint64_t)(opt.hold * 1e9);
    while (!stop_requested && now_ns() < hold_end) {
        poll_once(100);
    }
    printf("{\"mode\":\"idle\",\"conns\":%d,\"held\":%d,\"held_at_end\":%d,\"unanswered\":%d,"
           "\"setup_s\":%.3f,\"connect_errors\":%llu,\"io_errors\":%llu,\"mismatches\":%llu,"
           "\"errors\":%llu}\n",
           opt.conns, held_at_ready, held, unanswered, setup_s,
           (unsigned long long)connect_errors, (unsigned long long)io_errors,
           (unsigned long long)mismatches,
           (unsigned long long)(connect_errors + io_errors + mismatches));
    fflush(stdout);
    return 0;
}

static double parse_double(const char *name, const char *v, double min, double max) {
    char *end;
    double d = strtod(v, &end);
    if (*end != '\0' || d < min || d > max) {
        fprintf(stderr, "loadgen: %s must be a number in [%g, %g], got '%s'\n", name, min, max, v);
        exit(2);
    }
    return d;
}

int main(int argc, char **argv) {
    static struct option longopts[] = {
        {"mode", required_argument, 0, 'm'},         {"host", required_argument, 0, 'H'},
        {"port", required_argument, 0, 'p'},         {"conns", required_argument, 0, 'c'},
        {"depth", required_argument, 0, 'd'},        {"duration", required_argument, 0, 't'},
        {"warmup", required_argument, 0, 'w'},       {"max-requests", required_argument, 0, 'n'},
        {"connect-timeout", required_argument, 0, 'C'}, {"hold", required_argument, 0, 'h'},
        {"src-addrs", required_argument, 0, 's'},    {"max-pending", required_argument, 0, 'P'},
        {"server-pid", required_argument, 0, 'S'},   {"probe", required_argument, 0, 'r'},
        {0, 0, 0, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'm': opt.mode = optarg; break;
        case 'H': opt.host = optarg; break;
        case 'p': opt.port = (int)parse_double("--port", optarg, 1, 65535); break;
        case 'c': opt.conns = (int)parse_double("--conns", optarg, 1, 1000000); break;
        case 'd': opt.depth = (int)parse_double("--depth", optarg, 1, MAX_DEPTH); break;
        case 't': opt.duration = parse_double("--duration", optarg, 0.1, 3600); break;
        case 'w': opt.warmup = parse_double("--warmup", optarg, 0, 3600); break;
        case 'n': opt.max_requests = (uint64_t)parse_double("--max-requests", optarg, 1, 1e15); break;
        case 'C': opt.connect_timeout = parse_double("--connect-timeout", optarg, 0.1, 3600); break;
        case 'h': opt.hold = parse_double("--hold", optarg, 0, 3600); break;
        case 's': opt.src_addrs = (int)parse_double("--src-addrs", optarg, 0, 250); break;
        case 'P': opt.max_pending = (int)parse_double("--max-pending", optarg, 1, 100000); break;
        case 'S': opt.server_pid = (int)parse_double("--server-pid", optarg, 0, 1e9); break;
        case 'r': opt.probe = optarg; break;
        default: usage();
        }
    }
    memcache_mode = strcmp(opt.mode, "memcache") == 0;
    if (opt.port == 0 || (strcmp(opt.mode, "echo") != 0 && strcmp(opt.mode, "idle") != 0 &&
                          !memcache_mode)) {
        usage();
    }
    memset(&target, 0, sizeof(target));
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t)opt.port);
    if (inet_pton(AF_INET, opt.host, &target.sin_addr) != 1) {
        fprintf(stderr, "loadgen: --host must be an IPv4 address, got '%s'\n", opt.host);
        return 2;
    }
    if ((ntohl(target.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "loadgen: --host %s is not in 127.0.0.0/8; only loopback targets are allowed\n",
                opt.host);
        return 2;
    }
    /* the process cap: raise the soft limit to the hard one, then check it fits */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    getrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)opt.conns + 16 > rl.rlim_cur) {
        fprintf(stderr, "loadgen: --conns %d plus 16 reserved descriptors exceeds the open-file limit %llu\n",
                opt.conns, (unsigned long long)rl.rlim_cur);
        return 2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGPIPE, SIG_IGN);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    conns = calloc((size_t)opt.conns, sizeof(conn_t));
    if (!conns) {
        die("calloc");
    }
    bool echo = strcmp(opt.mode, "echo") == 0 || memcache_mode;
    for (int i = 0; i < opt.conns; i++) {
        conns[i].fd = -1;
        if (echo) {
            conns[i].sent_ns = calloc((size_t)opt.depth, sizeof(uint64_t));
            if (!conns[i].sent_ns) {
                die("calloc");
            }
        }
        if (memcache_mode) {
            conns[i].req_set = calloc((size_t)opt.depth, 1);
            conns[i].req_key = calloc((size_t)opt.depth, sizeof(uint16_t));
            conns[i].in = malloc(MC_IN_MAX);
            if (!conns[i].req_set || !conns[i].req_key || !conns[i].in) {
                die("calloc");
            }
        }
    }
    return echo ? run_echo() : run_idle();
}
