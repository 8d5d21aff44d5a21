/*
 * test_server.c — the server's input checks and escaping, below the HTTP tests
 * (tests/http/server.test.mjs): path confinement, percent-decoding, UTF-8 validation, and
 * HTML/XML/URL escaping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/server/internal.h"

static void path_ok(const char *raw, const char *want)
{
    char *p = ps_srv_checked_path(raw, strlen(raw));
    assert_non_null(p);
    assert_string_equal(p, want);
    free(p);
}

static void path_refused(const char *raw)
{
    char *p = ps_srv_checked_path(raw, strlen(raw));
    if (p)
        fail_msg("path '%s' was accepted as '%s'", raw, p);
}

static void test_checked_path(void **state)
{
    (void)state;
    path_ok("/", "/");
    path_ok("/style.css", "/style.css");
    path_ok("/kalla/m%C3%B6te%20ett.pdf", "/kalla/möte ett.pdf");
    path_ok("/a/", "/a/");
    path_ok("/a..b/c", "/a..b/c");
    const char *bad[] = {"",        "style.css", "/../etc/passwd", "/a/../b", "/a/..", "/%2e%2e/x",
                         "/.%2E/x", "/a%2fb",    "/a%2F..%2Fb",    "/a%5cb",  "/a\\b", "/a%00b",
                         "/a%0",    "/a%zz",     "//etc/passwd",   "/./x",    "/a/.",  "/a//b",
                         "/%FF",    "/%C0%AE",   "/a%01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        path_refused(bad[i]);
    /* Only the first n bytes count: a query string after them is not part of the path. */
    char *p = ps_srv_checked_path("/x?y=/../", 2);
    assert_string_equal(p, "/x");
    free(p);
}

static void test_url_decode(void **state)
{
    (void)state;
    char a[] = "%41b%c3%a5+c";
    assert_true(ps_srv_url_decode(a));
    assert_string_equal(a, "Abå+c");
    char b[] = "%4";
    assert_false(ps_srv_url_decode(b));
    char c[] = "x%00";
    assert_false(ps_srv_url_decode(c));
}

static void test_text_ok(void **state)
{
    (void)state;
    assert_true(ps_srv_text_ok("Förnyelse av medlemskap – § 243"));
    assert_true(ps_srv_text_ok("tab\tand\nnewline"));
    assert_true(ps_srv_text_ok("\xF0\x9F\x93\x84")); /* U+1F4C4 */
    assert_false(ps_srv_text_ok("\xFF"));
    assert_false(ps_srv_text_ok("\xC3"));             /* truncated */
    assert_false(ps_srv_text_ok("\xC0\xAE"));         /* overlong '.' */
    assert_false(ps_srv_text_ok("\xED\xA0\x80"));     /* surrogate */
    assert_false(ps_srv_text_ok("\xF4\x90\x80\x80")); /* above U+10FFFF */
    assert_false(ps_srv_text_ok("a\x01"));
    assert_false(ps_srv_text_ok("a\x7F"));
}

static void test_escaping(void **state)
{
    (void)state;
    ps_buf b = PS_BUF_INIT;
    ps_srv_escape(&b, "<a href=\"x\">&'</a>");
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    ps_buf_clear(&b);
    ps_srv_escape(&b, "a\x01"
                      "b\xEF\xBF\xBE"
                      "c\xEF\xBF\xBD");
    assert_string_equal(b.data, "ab"
                                "c\xEF\xBF\xBD"); /* U+FFFD stays, U+FFFE goes */
    ps_buf_clear(&b);
    ps_srv_url_encode(&b, "förbund & \"beslut\"/x~");
    assert_string_equal(b.data, "f%C3%B6rbund%20%26%20%22beslut%22%2Fx~");
    char *copy = strdup(b.data);
    assert_true(ps_srv_url_decode(copy));
    assert_string_equal(copy, "förbund & \"beslut\"/x~");
    free(copy);
    ps_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checked_path),
        cmocka_unit_test(test_url_decode),
        cmocka_unit_test(test_text_ok),
        cmocka_unit_test(test_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
