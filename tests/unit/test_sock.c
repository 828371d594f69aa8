/* test_sock.c - which endpoints count as "this host", where --insecure may speak plain
 * ZeroMQ. A name that merely starts like a loopback address is not one. */
#include <criterion/criterion.h>

#include "sock.h"

Test(sock, local_endpoints_are_ipc_inproc_and_loopback_addresses) {
    static const char *local[] = {"ipc:///run/yuebao/aggregator.sock",
                                  "inproc://x",
                                  "tcp://127.0.0.1:7301",
                                  "tcp://127.1.2.3:7301",
                                  "tcp://localhost:7301",
                                  "tcp://[::1]:7301"};
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        cr_assert(sock_endpoint_is_local(local[i]), "%s", local[i]);
}

Test(sock, names_that_only_look_local_are_not) {
    static const char *remote[] = {"tcp://0.0.0.0:7301",
                                   "tcp://*:7301",
                                   "tcp://192.0.2.1:7301",
                                   "tcp://127.0.0.1.example.com:7301",
                                   "tcp://127.attacker.test:7301",
                                   "tcp://127.0.0.1:0;192.0.2.1:7301",
                                   "tcp://localhost.example:7301",
                                   "tcp://[::2]:7301",
                                   "tcp://127.0.0.1",
                                   "udp://127.0.0.1:7301",
                                   "pgm://127.0.0.1;239.192.1.1:7301"};
    for (size_t i = 0; i < sizeof remote / sizeof remote[0]; i++)
        cr_assert_not(sock_endpoint_is_local(remote[i]), "%s", remote[i]);
}
