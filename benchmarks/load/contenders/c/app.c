/* The C contender: libfcgi, a fixed set of threads each looping on FCGX_Accept_r over the
 * shared listening socket (the library's multi-threaded model); a thread keeps its connection
 * while the web server keeps it open (FCGI_KEEP_CONN). */
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int listen_fd;

static void *serve(void *unused)
{
    (void)unused;
    FCGX_Request request;
    FCGX_InitRequest(&request, listen_fd, 0);
    for (;;) {
        /* No lock around accept (libfcgi's example has one): with a kept connection,
         * FCGX_Accept_r waits for that connection's next request, and a lock held meanwhile
         * would stall every other thread. Linux wakes one acceptor per connection. */
        if (FCGX_Accept_r(&request) < 0)
            break;
        FCGX_PutS("Content-Type: text/plain; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!", request.out);
        FCGX_Finish_r(&request);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET THREADS\n", argv[0]);
        return 2;
    }
    int threads = atoi(argv[2]);
    unlink(argv[1]);
    FCGX_Init();
    /* libfcgi catches SIGTERM to finish the current request and then waits in accept for ever;
     * the benchmark stops contenders with SIGTERM. */
    signal(SIGTERM, SIG_DFL);
    listen_fd = FCGX_OpenSocket(argv[1], 1024);
    if (listen_fd < 0)
        return 1;
    chmod(argv[1], 0777);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    for (int i = 0; i < threads; i++)
        pthread_create(&ids[i], NULL, serve, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(ids[i], NULL);
    return 0;
}
