/*
 * test_util.c — the small utilities every module uses: ps_error (error.h) and ps_buf (buf.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "protokollsok/buf.h"
#include "protokollsok/error.h"

/* ---- ps_error -------------------------------------------------------------------------------- */

static void test_error_set_and_clear(void **state)
{
    (void)state;
    ps_error err;
    ps_error_clear(&err);
    assert_int_equal(err.status, PS_OK);
    assert_string_equal(err.message, "");
    assert_string_equal(err.file, "");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);

    assert_int_equal(ps_error_set(&err, PS_ERR_IO, "cannot read %s: %d", "a.txt", 7), PS_ERR_IO);
    assert_int_equal(err.status, PS_ERR_IO);
    assert_string_equal(err.message, "cannot read a.txt: 7");

    /* set clears a location left by an earlier error. */
    ps_error_locate(&err, "x.txt", 3, 10);
    ps_error_set(&err, PS_ERR_QUERY, "bad");
    assert_string_equal(err.file, "");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.offset, -1);

    /* NULL err: the status still comes back, nothing crashes. */
    assert_int_equal(ps_error_set(NULL, PS_ERR_LOCKED, "x"), PS_ERR_LOCKED);
    ps_error_clear(NULL);
    ps_error_locate(NULL, "f", 1, 1);
}

static void test_error_message_truncated(void **state)
{
    (void)state;
    ps_error err;
    char big[PS_ERROR_MESSAGE_MAX * 2];
    memset(big, 'm', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ps_error_set(&err, PS_ERR_INVALID, "%s", big);
    assert_int_equal(strlen(err.message), PS_ERROR_MESSAGE_MAX - 1);

    char longfile[PS_ERROR_FILE_MAX * 2];
    memset(longfile, 'f', sizeof longfile - 1);
    longfile[sizeof longfile - 1] = '\0';
    ps_error_locate(&err, longfile, 1, -1);
    assert_int_equal(strlen(err.file), PS_ERROR_FILE_MAX - 1);
}

/* Wrapping an error in more context, reusing its own message, is a common pattern. */
static void test_error_set_from_own_message(void **state)
{
    (void)state;
    ps_error err;
    ps_error_set(&err, PS_ERR_IO, "permission denied");
    ps_error_set(&err, err.status, "while indexing %s: %s", "dir/a.txt", err.message);
    assert_string_equal(err.message, "while indexing dir/a.txt: permission denied");

    /* Re-locating with the error's own file name keeps it. */
    ps_error_locate(&err, "dir/a.txt", 2, 5);
    ps_error_locate(&err, err.file, 4, -1);
    assert_string_equal(err.file, "dir/a.txt");
    assert_int_equal(err.line, 4);
}

static void test_error_locate_and_format(void **state)
{
    (void)state;
    ps_error err;
    char out[1024];
    ps_error_set(&err, PS_ERR_INVALID, "no date in header");
    assert_string_equal(ps_error_format(&err, out, sizeof out), "no date in header");

    ps_error_locate(&err, "protokoll.txt", 12, 340);
    assert_string_equal(ps_error_format(&err, out, sizeof out),
                        "protokoll.txt:12: no date in header");

    ps_error_locate(&err, NULL, 0, 340); /* NULL keeps the file */
    assert_string_equal(ps_error_format(&err, out, sizeof out),
                        "protokoll.txt: byte 340: no date in header");

    ps_error_locate(&err, NULL, 0, -1);
    assert_string_equal(ps_error_format(&err, out, sizeof out), "protokoll.txt: no date in header");

    /* An empty message falls back to the status name. */
    ps_error_clear(&err);
    err.status = PS_ERR_LOCKED;
    assert_string_equal(ps_error_format(&err, out, sizeof out), "locked");

    /* Small buffers truncate, zero-sized ones are left alone. */
    ps_error_set(&err, PS_ERR_IO, "abcdefgh");
    assert_string_equal(ps_error_format(&err, out, 4), "abc");
    out[0] = 'Z';
    assert_ptr_equal(ps_error_format(&err, out, 0), out);
    assert_int_equal(out[0], 'Z');
}

static void test_status_names(void **state)
{
    (void)state;
    for (int s = PS_OK; s <= PS_ERR_INTERNAL; s++) {
        const char *name = ps_status_name((ps_status)s);
        assert_non_null(name);
        assert_true(strlen(name) > 0);
        assert_string_not_equal(name, "unknown status");
        for (int t = PS_OK; t < s; t++)
            assert_string_not_equal(name, ps_status_name((ps_status)t));
    }
    assert_string_equal(ps_status_name(PS_ERR_LOCKED), "locked");
    assert_string_equal(ps_status_name(PS_ERR_NOT_FOUND), "not found");
    assert_string_equal(ps_status_name((ps_status)999), "unknown status");
}

/* ---- ps_buf ---------------------------------------------------------------------------------- */

static void test_buf_growth(void **state)
{
    (void)state;
    ps_buf b = PS_BUF_INIT;
    assert_null(b.data);
    size_t expect = 0;
    for (int i = 0; i < 5000; i++) {
        ps_buf_putc(&b, (char)('a' + i % 26));
        expect++;
        assert_int_equal(b.len, expect);
        assert_true(b.cap > b.len);
        assert_int_equal(b.data[b.len], '\0');
    }
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.data[i], 'a' + (int)(i % 26));
    ps_buf_append(&b, "xyz", 0); /* zero bytes: no change */
    assert_int_equal(b.len, 5000);
    assert_false(b.failed);

    /* Embedded NULs are kept; len counts them. */
    ps_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    ps_buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 4);

    ps_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_buf_reserve(void **state)
{
    (void)state;
    ps_buf b;
    ps_buf_init(&b);
    assert_true(ps_buf_reserve(&b, 1000));
    assert_true(b.cap >= 1001);
    char *before = b.data;
    ps_buf_append(&b, "hej", 3);
    assert_ptr_equal(b.data, before); /* no reallocation within the reserved room */
    /* An impossible size fails, sets failed, and later appends are ignored. */
    assert_false(ps_buf_reserve(&b, (size_t)-1));
    assert_true(b.failed);
    ps_buf_puts(&b, "more");
    assert_int_equal(b.len, 3);
    assert_null(ps_buf_steal(&b, NULL)); /* a failed buffer yields NULL and is reset */
    assert_null(b.data);
    assert_false(b.failed);
    ps_buf_free(&b);
}

static void test_buf_printf(void **state)
{
    (void)state;
    ps_buf b = PS_BUF_INIT;
    ps_buf_printf(&b, "%s=%d", "antal", 42);
    ps_buf_puts(&b, "; ");
    ps_buf_printf(&b, "%.2f", 1.5);
    assert_string_equal(b.data, "antal=42; 1.50");
    assert_int_equal(b.len, strlen("antal=42; 1.50"));
    ps_buf_printf(&b, "%s", "");
    assert_int_equal(b.len, strlen("antal=42; 1.50"));

    /* Long output grows the buffer in one go. */
    char big[3000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ps_buf_clear(&b);
    ps_buf_printf(&b, "[%s]", big);
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.data[0], '[');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(b.data[b.len], '\0');
    ps_buf_free(&b);
}

static void test_buf_append_own_bytes(void **state)
{
    (void)state;
    ps_buf b = PS_BUF_INIT;
    ps_buf_puts(&b, "abc");
    /* Doubling a buffer from its own bytes must survive the reallocation. */
    for (int i = 0; i < 8; i++)
        ps_buf_append(&b, b.data, b.len);
    assert_int_equal(b.len, 3 * 256);
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.data[i], "abc"[i % 3]);
    /* The same through printf with an argument inside the buffer. */
    ps_buf_clear(&b);
    ps_buf_puts(&b, "xy");
    for (int i = 0; i < 8; i++)
        ps_buf_printf(&b, "%s", b.data);
    assert_int_equal(b.len, 2 * 256);
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.data[i], "xy"[i % 2]);
    ps_buf_free(&b);
}

static void test_buf_steal(void **state)
{
    (void)state;
    ps_buf b = PS_BUF_INIT;
    size_t len = 99;
    char *empty = ps_buf_steal(&b, &len);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    assert_int_equal(len, 0);
    free(empty);

    ps_buf_puts(&b, "ärende");
    char *s = ps_buf_steal(&b, &len);
    assert_string_equal(s, "ärende");
    assert_int_equal(len, strlen("ärende"));
    /* The buffer is reset and reusable. */
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    ps_buf_puts(&b, "nytt");
    assert_string_equal(b.data, "nytt");
    free(s);
    s = ps_buf_steal(&b, NULL);
    assert_string_equal(s, "nytt");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_and_clear),
        cmocka_unit_test(test_error_message_truncated),
        cmocka_unit_test(test_error_set_from_own_message),
        cmocka_unit_test(test_error_locate_and_format),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_buf_reserve),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_append_own_bytes),
        cmocka_unit_test(test_buf_steal),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
