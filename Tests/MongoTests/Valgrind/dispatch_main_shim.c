/* Valgrind 3.19 (Debian 12) crashes ("the 'impossible' happened") at exit of any Swift program
   with an async main: dispatch_main() parks the main thread with pthread_exit + sigsuspend.
   Preloaded only for valgrind runs, this dispatch_main drains the main queue on the main
   thread instead, so the process exits normally and the leak check runs. */
#include <poll.h>

void _dispatch_main_queue_callback_4CF(void *msg);
int _dispatch_get_main_queue_handle_4CF(void);

void dispatch_main(void) {
    int fd = _dispatch_get_main_queue_handle_4CF();
    for (;;) {
        struct pollfd wake = { .fd = fd, .events = POLLIN };
        poll(&wake, 1, 100);
        _dispatch_main_queue_callback_4CF(0);
    }
}
