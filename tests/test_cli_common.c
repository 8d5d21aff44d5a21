/*
 * test_cli_common.c — the helpers every subcommand shares (src/cli/common.c): database path
 * precedence and the status → exit code table documented in `protokollsok --help`.
 *
 * cli/common.c belongs to the executable, not the library, so it is compiled in here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>

#include "../src/cli/common.c"

static void test_db_path_precedence(void **state)
{
    (void)state;
    assert_int_equal(unsetenv("PROTOKOLLSOK_DB"), 0);
    assert_string_equal(ps_cli_db_path(NULL), "index");
    assert_string_equal(ps_cli_db_path(""), "index");
    assert_int_equal(setenv("PROTOKOLLSOK_DB", "/srv/protokoll/db", 1), 0);
    assert_string_equal(ps_cli_db_path(NULL), "/srv/protokoll/db");
    /* --db wins over the environment. */
    assert_string_equal(ps_cli_db_path("other"), "other");
    /* An empty variable counts as unset. */
    assert_int_equal(setenv("PROTOKOLLSOK_DB", "", 1), 0);
    assert_string_equal(ps_cli_db_path(NULL), "index");
    unsetenv("PROTOKOLLSOK_DB");
}

static void test_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(ps_cli_exit_for(PS_OK), 0);
    assert_int_equal(ps_cli_exit_for(PS_ERR_QUERY), 2);
    assert_int_equal(ps_cli_exit_for(PS_ERR_INVALID), 2);
    assert_int_equal(ps_cli_exit_for(PS_ERR_NOT_FOUND), 3);
    assert_int_equal(ps_cli_exit_for(PS_ERR_VERSION), 3);
    assert_int_equal(ps_cli_exit_for(PS_ERR_LOCKED), 4);
    assert_int_equal(ps_cli_exit_for(PS_ERR_IO), 5);
    assert_int_equal(ps_cli_exit_for(PS_ERR_XAPIAN), 5);
    assert_int_equal(ps_cli_exit_for(PS_ERR_NOMEM), 5);
    assert_int_equal(ps_cli_exit_for(PS_ERR_INTERNAL), 5);
    /* Every status maps into the documented range 0..5, and only PS_OK to 0. */
    for (int s = PS_OK; s <= PS_ERR_INTERNAL; s++) {
        int code = ps_cli_exit_for((ps_status)s);
        assert_in_range(code, 0, 5);
        assert_true((code == 0) == (s == PS_OK));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db_path_precedence),
        cmocka_unit_test(test_exit_codes),
    };
    return cmocka_run_group_tests_name("cli_common", tests, NULL, NULL);
}
