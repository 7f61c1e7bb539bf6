/* startwait PORT PATH LOG -- COMMAND...
 * Starts COMMAND (stdout and stderr to LOG, in its own session), then asks
 * http://127.0.0.1:PORT/PATH every millisecond until an answer with status 200 arrives.
 * Prints "PID MICROSECONDS": the command's pid and the time from its exec to the first
 * 200. A shell loop around curl would measure curl's own start-up (several ms).
 * After 20 s without a 200 it prints "PID -1" and exits 1, leaving the command running. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int ask(int port, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    /* A front that accepts but never answers (its backend hangs) must not stall the poll:
     * give up on this probe after a second and try again. */
    struct timeval limit = { .tv_sec = 1, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        char request[512];
        int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
        if (write(fd, request, (size_t)n) == n) {
            char answer[64] = { 0 };
            ssize_t got = read(fd, answer, sizeof answer - 1);
            ok = got >= 12 && strncmp(answer + 9, "200", 3) == 0;
        }
    }
    close(fd);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: startwait PORT PATH LOG -- COMMAND...\n");
        return 2;
    }
    int port = atoi(argv[1]);
    long long start = now_us();
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int log = open(argv[3], O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(log, 1);
        dup2(log, 2);
        close(log);
        execvp(argv[5], argv + 5);
        _exit(127);
    }
    /* Up to 20 s: the slowest contender starts in well under a second. */
    while (now_us() - start < 20000000LL) {
        if (ask(port, argv[2])) {
            printf("%d %lld\n", (int)pid, now_us() - start);
            return 0;
        }
        usleep(1000);
    }
    printf("%d -1\n", (int)pid);
    return 1;
}
