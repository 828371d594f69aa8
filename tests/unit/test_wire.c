/* test_wire.c - the names an insecure (development) peer gives itself in its routing id. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

static int name_of(const char *id, char tag, char *out, size_t size) {
    return wire_insecure_name(id, strlen(id), tag, out, size);
}

Test(wire, insecure_name_is_between_the_tag_and_the_next_colon) {
    char out[16];
    cr_assert_eq(name_of("c:410602:9f3a", WIRE_TAG_COUNTY, out, sizeof out), 0);
    cr_assert_str_eq(out, "410602");
    cr_assert_eq(name_of("u:zhang.san:4711", WIRE_TAG_USER, out, sizeof out), 0);
    cr_assert_str_eq(out, "zhang.san");
    cr_assert_eq(name_of("u:ops", WIRE_TAG_USER, out, sizeof out), 0, "no suffix: the rest is the name");
    cr_assert_str_eq(out, "ops");
}

Test(wire, insecure_name_refuses_what_is_not_one) {
    char out[8] = "x";
    cr_assert_eq(name_of("u:410602:1", WIRE_TAG_COUNTY, out, sizeof out), -1, "another tag");
    cr_assert_str_eq(out, "", "emptied");
    cr_assert_eq(name_of("c::1", WIRE_TAG_COUNTY, out, sizeof out), -1, "an empty name");
    cr_assert_eq(name_of("c:", WIRE_TAG_COUNTY, out, sizeof out), -1, "too short");
    cr_assert_eq(name_of("c:41\x1b[2J:1", WIRE_TAG_COUNTY, out, sizeof out), -1, "a control character");
    cr_assert_eq(name_of("u:张三:1", WIRE_TAG_USER, out, sizeof out), -1, "bytes outside [0-9A-Za-z._-]");
    cr_assert_eq(name_of("c:12345678:1", WIRE_TAG_COUNTY, out, sizeof out), -1, "8 bytes do not fit 8 with the NUL");
    cr_assert_eq(name_of("c:1234567:1", WIRE_TAG_COUNTY, out, sizeof out), 0, "7 do");
    cr_assert_eq(wire_insecure_name(NULL, 0, WIRE_TAG_USER, out, sizeof out), -1);
}

Test(wire, insecure_id_keeps_only_name_bytes_and_reads_back) {
    char id[64], want[64], out[40];
    snprintf(want, sizeof want, "u:zhangsan:%ld", (long)getpid());
    wire_insecure_id(WIRE_TAG_USER, "zhang san;rm", "approver", id, sizeof id);
    snprintf(want, sizeof want, "u:zhangsanrm:%ld", (long)getpid());
    cr_assert_str_eq(id, want, "space and ';' dropped");
    cr_assert_eq(wire_insecure_name(id, strlen(id), WIRE_TAG_USER, out, sizeof out), 0);
    cr_assert_str_eq(out, "zhangsanrm");
    wire_insecure_id(WIRE_TAG_USER, "张三", "approver", id, sizeof id);
    snprintf(want, sizeof want, "u:approver:%ld", (long)getpid());
    cr_assert_str_eq(id, want, "nothing left: the fallback");
    wire_insecure_id(WIRE_TAG_USER, NULL, "operator", id, sizeof id);
    snprintf(want, sizeof want, "u:operator:%ld", (long)getpid());
    cr_assert_str_eq(id, want);
}
