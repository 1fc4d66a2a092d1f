// acceptor.cpp -- a TCP "backend" for bench/health.sh: accepts every connection on 0.0.0.0:PORT
// (so every member address of the bench zone is up) and closes it at once. Bounded by a time
// limit given on the command line; stops by itself.
//
// It never sleeps on the listening socket: it drains the accept queue every 2 ms instead. A
// backend waiting in poll() must be woken for each new connection, and on one machine that
// wake-up (an inter-processor interrupt, costly in a VM) is raised inside the prober's connect()
// and charged to the prober, though a real backend is another machine.
#include <netinet/in.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: acceptor PORT SECONDS\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4096) != 0) {
        std::perror("acceptor: bind/listen");
        return 1;
    }
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(std::atoi(argv[2]));
    unsigned long accepted = 0;
    while (std::chrono::steady_clock::now() < end) {
        for (;;) {
            int c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c < 0) break;
            close(c);
            ++accepted;
        }
        const timespec pause{0, 2'000'000};
        nanosleep(&pause, nullptr);
    }
    std::printf("accepted %lu connections\n", accepted);
    return 0;
}
