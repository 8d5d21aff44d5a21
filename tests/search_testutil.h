/*
 * search_testutil.h — shared by the tests that search the index of seeds/ ($PS_SEARCH_DB, built
 * by the search_index_seeds ctest fixture): one searcher per test program, opened and closed as
 * cmocka group set-up and tear-down, and a search that fails the test when the request fails.
 */
#ifndef PROTOKOLLSOK_SEARCH_TESTUTIL_H
#define PROTOKOLLSOK_SEARCH_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "protokollsok/search.h"

static ps_searcher *searcher;

static int open_index(void **state)
{
    (void)state;
    const char *db = getenv("PS_SEARCH_DB");
    if (!db) {
        fprintf(stderr, "PS_SEARCH_DB is not set (run through ctest)\n");
        return -1;
    }
    ps_error err;
    if (ps_searcher_open(db, &searcher, &err) != PS_OK) {
        fprintf(stderr, "%s: %s\n", db, err.message);
        return -1;
    }
    return 0;
}

static int close_index(void **state)
{
    (void)state;
    ps_searcher_close(searcher);
    return 0;
}

/* The answer to req (the caller frees it with json_decref); fails the test on an error. */
static json_t *search_req(ps_search_request *req)
{
    json_t *res = NULL;
    ps_error err;
    if (ps_search_run(searcher, req, &res, &err) != PS_OK)
        fail_msg("query [%s] failed: %s", req->q ? req->q : "", err.message);
    return res;
}

#endif
