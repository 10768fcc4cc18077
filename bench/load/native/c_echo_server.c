/*
 * c_echo_server: the machine's limit for the line-echo workload.
 *
 * One thread, one epoll set (level-triggered), non-blocking sockets with
 * TCP_NODELAY. Each readable event reads into one shared buffer and writes
 * every complete line straight back with a single send(); only a connection
 * that has a partial line (carry) or output the kernel did not take (pending)
 * owns heap memory, so an idle connection costs one 32-byte table slot. While a
 * connection has pending output it is not read (back-pressure), exactly as a
 * well-behaved reactor would do.
 *
 * usage: c_echo_server PORT [BACKLOG]   (listens on 127.0.0.1 only)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE (64 * 1024)
#define BUF_SIZE (256 * 1024)
#define MAX_EVENTS 1024

typedef struct {
    char *carry;       /* start of an incomplete line, or NULL */
    uint32_t carry_len;
    char *pending;     /* echo bytes not yet taken by the kernel, or NULL */
    uint32_t pending_len;
    uint32_t pending_off;
} conn_t;

static conn_t *table;
static size_t table_len;
static int epfd;
static char buf[BUF_SIZE];

static void die(const char *what) {
    fprintf(stderr, "c_echo_server: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void drop(int fd) {
    conn_t *c = &table[fd];
    free(c->carry);
    free(c->pending);
    memset(c, 0, sizeof(*c));
    close(fd); /* closing removes it from the epoll set */
}

static void watch(int fd, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
        die("epoll_ctl(MOD)");
    }
}

static void flush_pending(int fd) {
    conn_t *c = &table[fd];
    while (c->pending_off < c->pending_len) {
        ssize_t w = send(fd, c->pending + c->pending_off, c->pending_len - c->pending_off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            drop(fd);
            return;
        }
        c->pending_off += (uint32_t)w;
    }
    free(c->pending);
    c->pending = NULL;
    c->pending_len = c->pending_off = 0;
    watch(fd, EPOLLIN);
}

static void on_readable(int fd) {
    conn_t *c = &table[fd];
    size_t have = c->carry_len;
    if (have) {
        memcpy(buf, c->carry, have);
        free(c->carry);
        c->carry = NULL;
        c->carry_len = 0;
    }
    ssize_t r = recv(fd, buf + have, BUF_SIZE - have, 0);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        drop(fd);
        return;
    }
    if (r < 0) {
        r = 0;
    }
    size_t len = have + (size_t)r;
    char *last = memrchr(buf, '\n', len);
    size_t echo_len = last ? (size_t)(last - buf) + 1 : 0;
    size_t rest = len - echo_len;
    if (rest > MAX_LINE) {
        fprintf(stderr, "c_echo_server: line length %zu exceeds maximum %d; closing\n", rest, MAX_LINE);
        drop(fd);
        return;
    }
    if (rest) {
        c->carry = malloc(rest);
        if (!c->carry) {
            die("malloc");
        }
        memcpy(c->carry, buf + echo_len, rest);
        c->carry_len = (uint32_t)rest;
    }
    if (echo_len) {
        ssize_t w = send(fd, buf, echo_len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                drop(fd);
                return;
            }
            w = 0;
        }
        if ((size_t)w < echo_len) {
            c->pending_len = (uint32_t)(echo_len - (size_t)w);
            c->pending = malloc(c->pending_len);
            if (!c->pending) {
                die("malloc");
            }
            memcpy(c->pending, buf + w, c->pending_len);
            c->pending_off = 0;
            watch(fd, EPOLLOUT); /* stop reading until the echo is out */
        }
    }
}

static void on_acceptable(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            if (errno == EMFILE || errno == ENFILE) {
                static int warned;
                if (!warned++) {
                    fprintf(stderr, "c_echo_server: accept: %s (open-file limit %zu reached)\n",
                            strerror(errno), table_len);
                }
                return;
            }
            die("accept4");
        }
        if ((size_t)fd >= table_len) {
            fprintf(stderr, "c_echo_server: descriptor %d exceeds table size %zu\n", fd, table_len);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            die("epoll_ctl(ADD)");
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: c_echo_server PORT [BACKLOG]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int backlog = argc > 2 ? atoi(argv[2]) : 4096;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    getrlimit(RLIMIT_NOFILE, &rl);
    table_len = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : (size_t)rl.rlim_cur;
    table = calloc(table_len, sizeof(conn_t));
    if (!table) {
        die("calloc");
    }
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        die("bind");
    }
    if (listen(lfd, backlog) < 0) {
        die("listen");
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0) {
        die("epoll_ctl(ADD listener)");
    }
    fprintf(stderr, "c_echo_server: listening on 127.0.0.1:%d (open-file limit %zu)\n", port, table_len);
    static struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                on_acceptable(lfd);
            } else if (table[fd].pending) {
                if (events[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
                    flush_pending(fd);
                }
            } else if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                on_readable(fd);
            }
        }
    }
}
